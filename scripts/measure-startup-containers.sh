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
IMAGE=${1:-citusdata/citus:12.1.10}
PREFIX=mediai-measure
TIMEOUT=${TIMEOUT:-240}
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "Image $IMAGE is not here: pull it, or build one (scripts/build-node-image.sh)." >&2; exit 1; }
dotnet build AppHost/AppHost.csproj -v q -nologo >/dev/null
remove_volumes() { docker volume ls -q --filter "name=^$PREFIX-" | xargs -r docker volume rm >/dev/null; }
remove_volumes

run_once() { # $1 = label; prints "label: N s", and the memory when $2 = memory
  local before log start ready runner
  before=$(mktemp); log=$(mktemp)
  ps -e -o pid= | sort -n > "$before"
  start=$(date +%s.%N)
  dotnet run --project AppHost --no-build -- --Lab:Mode=containers --Lab:Image="$IMAGE" --Lab:VolumePrefix="$PREFIX" >"$log" 2>&1 &
  runner=$!
  ready=""
  for _ in $(seq 1 $((TIMEOUT * 10))); do
    if grep -q "MediAI lab ready" "$log"; then ready=$(date +%s.%N); break; fi
    if ! kill -0 "$runner" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "The lab did not report ready within ${TIMEOUT}s. Its output:" >&2; cat "$log" >&2
    pkill -TERM -P "$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; remove_volumes; exit 1
  fi
  awk -v r="$ready" -v s="$start" -v l="$1" 'BEGIN { printf "%s: lab ready after %.1f s (container mode, %s)\n", l, r - s, ENVIRON["IMAGE"] }'
  if [ "${2:-}" = memory ]; then
    sleep 3 # let the last health probes settle
    local rss=0 pss=0 count=0 r p
    for pid in $(comm -13 <(cat "$before") <(ps -e -o pid= | sort -n)); do
      [ -r "/proc/$pid/smaps_rollup" ] || continue
      case "$(cat /proc/$pid/comm 2>/dev/null)" in ps|sort|comm|cat|sleep|grep|bash) continue;; esac
      r=$(awk '/^Rss:/{print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true); p=$(awk '/^Pss:/{print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
      rss=$((rss + ${r:-0})); pss=$((pss + ${p:-0})); count=$((count + 1))
    done
    local containers
    containers=$(docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' | grep '^citus_' | awk '{printf "%s %s; ", $1, $2}')
    awk -v n="$count" -v p="$pss" -v r="$rss" 'BEGIN { printf "memory once ready: %d processes (lab + containers), PSS %.0f MiB (RSS sum %.0f MiB)\n", n, p / 1024, r / 1024 }'
    echo "containers (docker stats, page cache included): $containers"
  fi
  pkill -TERM -P "$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  rm -f "$before" "$log"
}

export IMAGE
run_once "first start (new volumes)"
run_once "restart (kept volumes)" memory
left=$(docker ps --all --filter name='^citus_' --format '{{.Names}}' | tr '\n' ' ')
[ -z "$left" ] && echo "after SIGTERM: no node container left" || echo "after SIGTERM: containers left: $left"
remove_volumes
