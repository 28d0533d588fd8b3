# Sourced by the benchmarks that watch the coordinator API: its resident memory sampled every 0.2 s
# in the background, the highest value kept in a file.

# peak_start PID FILE: starts the sampler; sets peak_sampler (kill it with peak_stop).
peak_start() {
  local pid=$1 file=$2
  ( peak=0; while kill -0 "$pid" 2>/dev/null; do
      rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$file"
      sleep 0.2
    done ) & peak_sampler=$!
}

peak_stop() { kill "${peak_sampler:-0}" 2>/dev/null || true; }
