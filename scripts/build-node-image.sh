#!/usr/bin/env bash
# Builds the lab's plain PostgreSQL node image from Debian's packages, with no container
# registry: debootstrap a minimal Debian 12, install postgresql-15 in it, import it into Docker,
# then add the official-image contract (scripts/node-image/). Cached: does nothing when the
# image is already there (FORCE=1 rebuilds).
#
#   scripts/build-node-image.sh [image]     default: mediai/postgres-node:15
#
# Needs: root, a running Docker engine, debootstrap (apt-get install debootstrap). About 3 min.
# The lab runs it with: dotnet run --project AppHost -- --Lab:Image=mediai/postgres-node:15
set -euo pipefail
cd "$(dirname "$0")"
IMAGE=${1:-mediai/postgres-node:15}
BASE="${IMAGE%%:*}-rootfs:bookworm"

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "$IMAGE is already built (FORCE=1 rebuilds it)."
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "Run as root (debootstrap needs it)." >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "Install debootstrap first: apt-get install debootstrap" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "No Docker engine is running: start it (dockerd, or Docker Desktop) first." >&2; exit 1; }

# The Debian mirror apt already uses here: nothing else is reachable.
sources=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit} /^deb / && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' <<<"$sources")
security=$(awk '/^URIs:/ && $2 ~ /security/ {print $2; exit} /^deb / && /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' <<<"$sources")
[ -n "$mirror" ] || { echo "Cannot find apt's Debian mirror in /etc/apt/sources.list*." >&2; exit 1; }

root=$(mktemp -d /tmp/mediai-node-rootfs.XXXX)
trap 'rm -rf "$root"' EXIT
echo "Building $IMAGE: debootstrap bookworm from $mirror …"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
{
  echo "deb $mirror bookworm main"
  echo "deb $mirror bookworm-updates main"
  [ -n "$security" ] && echo "deb $security bookworm-security main"
} >"$root/etc/apt/sources.list"
# No services start inside the chroot, and no "main" cluster: the entrypoint makes its own.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/etc/postgresql-common/createcluster.d"
echo "create_main_cluster = false" >"$root/etc/postgresql-common/createcluster.d/no-main.conf"
chroot "$root" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-15 && apt-get clean && rm -rf /var/lib/apt/lists/*' \
  >>"$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
rm -f "$root/usr/sbin/policy-rc.d" "$root.log"
echo "Importing the root file system as $BASE …"
tar -C "$root" -c . | docker import - "$BASE" >/dev/null
# (Docker 20.10 with a newer CLI warns that the legacy builder is deprecated: it still works, and needs no registry.)
if ! docker build -q -t "$IMAGE" --build-arg BASE="$BASE" --build-arg PG_MAJOR=15 node-image >"$root.build.log" 2>&1; then
  grep -vE "DEPRECATED|buildx|BuildKit" "$root.build.log" >&2; rm -f "$root.build.log"; exit 1
fi
rm -f "$root.build.log"
docker image rm "$BASE" >/dev/null 2>&1 || true
echo "Built $IMAGE: $(docker run --rm --entrypoint postgres "$IMAGE" --version)"
