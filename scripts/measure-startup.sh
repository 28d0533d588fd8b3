#!/usr/bin/env bash
# Measures the lab's start in local mode: seconds from `dotnet run --project AppHost` to the
# "MediAI lab ready" line, then the memory of every process the lab started (nodes, agents,
# API, dashboard, DCP, AppHost), then stops it.
#
#   scripts/measure-startup.sh [extra AppHost arguments, e.g. --Lab:PostgresBin=/path/to/bin]
#
# Warm build: it builds once first (not timed), then times `dotnet run --no-build`.
# The data folder is kept between runs (LAB_DATA, default a temp folder made once) so the
# figure is the everyday start, not the first initdb. Run it twice to see both.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_DATA=${LAB_DATA:-/tmp/mediai-lab-measure}
TIMEOUT=${TIMEOUT:-180}
dotnet build AppHost/AppHost.csproj -v q -nologo >/dev/null

before=$(mktemp); log=$(mktemp)
ps -e -o pid= | sort -n > "$before"
start=$(date +%s.%N)
dotnet run --project AppHost --no-build -- --Lab:Mode=local --Lab:DataDir="$LAB_DATA" "$@" >"$log" 2>&1 &
runner=$!
# SIGTERM to the AppHost (dotnet run's child) shuts the lab down cleanly, nodes included.
stop_lab() { pkill -TERM -P "$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; }
trap stop_lab EXIT
ready=""
for _ in $(seq 1 $((TIMEOUT * 10))); do
  if grep -q "MediAI lab ready" "$log"; then ready=$(date +%s.%N); break; fi
  if ! kill -0 "$runner" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "The lab did not report ready within ${TIMEOUT}s. Its output:" >&2; cat "$log" >&2
  exit 1
fi
sleep 3 # let the last health probes settle before reading memory
rss=0; pss=0; count=0
for pid in $(comm -13 <(cat "$before") <(ps -e -o pid= | sort -n)); do
  [ -r "/proc/$pid/smaps_rollup" ] || continue
  case "$(cat /proc/$pid/comm 2>/dev/null)" in ps|sort|comm|cat|sleep|grep|bash) continue;; esac
  r=$(awk '/^Rss:/{print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true); p=$(awk '/^Pss:/{print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
  rss=$((rss + ${r:-0})); pss=$((pss + ${p:-0})); count=$((count + 1))
done
grep -q "Port 5432 is taken" "$log" && grep "coordinator uses port" "$log" | head -1
awk -v r="$ready" -v s="$start" 'BEGIN { printf "lab ready after %.1f s (local mode, warm build)\n", r - s }'
awk -v n="$count" -v p="$pss" -v r="$rss" 'BEGIN { printf "memory once ready: %d processes, PSS %.0f MiB (RSS sum %.0f MiB, counts shared pages once per process)\n", n, p / 1024, r / 1024 }'
rm -f "$before" "$log"
