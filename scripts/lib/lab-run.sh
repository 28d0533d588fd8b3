# Sourced by the startup measurements: start the AppHost in the background, wait for its
# "MediAI lab ready" line, sum the memory of what it started, stop it as Ctrl+C would.

# lab_start LOG ARGS…: starts `dotnet run --project AppHost --no-build -- ARGS…`; sets lab_runner, lab_before, lab_start_time.
lab_start() {
  local log=$1; shift
  lab_before=$(mktemp)
  ps -e -o pid= | sort -n > "$lab_before"
  lab_start_time=$(date +%s.%N)
  dotnet run --project AppHost --no-build -- "$@" >"$log" 2>&1 &
  lab_runner=$!
}

# lab_wait_ready LOG TIMEOUT: prints the seconds to "MediAI lab ready"; fails with the output otherwise.
lab_wait_ready() {
  local log=$1 timeout=$2 ready=""
  for _ in $(seq 1 $((timeout * 10))); do
    if grep -q "MediAI lab ready" "$log"; then ready=$(date +%s.%N); break; fi
    if ! kill -0 "$lab_runner" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "The lab did not report ready within ${timeout}s. Its output:" >&2; cat "$log" >&2
    lab_stop; return 1
  fi
  awk -v r="$ready" -v s="$lab_start_time" 'BEGIN { printf "%.1f", r - s }'
}

# lab_memory: one line, the PSS sum of every process started since lab_start (containers' included).
lab_memory() {
  sleep 3 # let the last health probes settle before reading memory
  local rss=0 pss=0 count=0 r p
  for pid in $(comm -13 <(cat "$lab_before") <(ps -e -o pid= | sort -n)); do
    [ -r "/proc/$pid/smaps_rollup" ] || continue
    case "$(cat /proc/$pid/comm 2>/dev/null)" in ps|sort|comm|cat|sleep|grep|bash) continue;; esac
    r=$(awk '/^Rss:/{print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true); p=$(awk '/^Pss:/{print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    rss=$((rss + ${r:-0})); pss=$((pss + ${p:-0})); count=$((count + 1))
  done
  awk -v n="$count" -v p="$pss" -v r="$rss" 'BEGIN { printf "memory once ready: %d processes, PSS %.0f MiB (RSS sum %.0f MiB, counts shared pages once per process)\n", n, p / 1024, r / 1024 }'
}

# lab_stop: SIGTERM to the AppHost (dotnet run's child) shuts the lab down cleanly, nodes included.
lab_stop() {
  pkill -TERM -P "$lab_runner" 2>/dev/null || true
  wait "$lab_runner" 2>/dev/null || true
  rm -f "$lab_before"
}
