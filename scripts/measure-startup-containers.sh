#!/usr/bin/env bash
# Measures the lab's start in container mode (Docker), image present and build warm: seconds from
# `dotnet run --project AppHost` to the "MediAI lab ready" line for the first start (new volumes:
# initdb, bootstrap, placement) and for a restart (kept volumes), then the memory of everything
# the lab runs once ready — its processes and its containers' (a container's processes are
# processes of this machine too, so one PSS sum covers both).
#
#   scripts/measure-startup-containers.sh [image]     default: citusdata/citus:12.1.10
#
# Uses volumes of its own (mediai-measure-*), removed at the end; stops each lab with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/lab-run.sh
IMAGE=${1:-citusdata/citus:12.1.10}
PREFIX=mediai-measure
TIMEOUT=${TIMEOUT:-240}
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "Image $IMAGE is not here: pull it, or build one (scripts/build-node-image.sh)." >&2; exit 1; }
dotnet build AppHost/AppHost.csproj -v q -nologo >/dev/null
remove_volumes() { docker volume ls -q --filter "name=^$PREFIX-" | xargs -r docker volume rm >/dev/null; }
remove_volumes
trap 'lab_stop 2>/dev/null; remove_volumes' EXIT
log=$(mktemp)

lab_start "$log" --Lab:Mode=containers --Lab:Image="$IMAGE" --Lab:VolumePrefix="$PREFIX"
echo "first start (new volumes): lab ready after $(lab_wait_ready "$log" "$TIMEOUT") s (container mode, $IMAGE)"
lab_stop
for _ in $(seq 1 60); do [ -z "$(docker ps --all --quiet --filter name='^citus_')" ] && break; sleep 0.5; done

lab_start "$log" --Lab:Mode=containers --Lab:Image="$IMAGE" --Lab:VolumePrefix="$PREFIX"
echo "restart (kept volumes): lab ready after $(lab_wait_ready "$log" "$TIMEOUT") s (container mode, $IMAGE)"
lab_memory
echo "containers (docker stats, page cache included): $(docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' | grep '^citus_' | awk '{printf "%s %s; ", $1, $2}')"
lab_stop

# DCP removes the containers just after the AppHost exits: give it the few seconds it takes.
for _ in $(seq 1 60); do [ -z "$(docker ps --all --quiet --filter name='^citus_')" ] && break; sleep 0.5; done
left=$(docker ps --all --filter name='^citus_' --format '{{.Names}}' | tr '\n' ' ')
if [ -z "$left" ]; then echo "after SIGTERM: no node container left"; else echo "after SIGTERM: containers left: $left"; fi
rm -f "$log"
