#!/usr/bin/env bash
# Benchmark: the students' door (Paris's agent in front of the coordinator, the front hop every
# statement typed in psql crosses) against socat (a plain C byte relay) and a direct connection,
# side by side in one run, with pgbench select-only; and the agents' memory before and after.
#
#   scripts/bench-gateway.sh [seconds per run, default 10] [rounds, default 3]
#   CLIENTS=4 scripts/bench-gateway.sh    # clients of the throughput runs (default 8)
#
# What runs, interleaved each round so machine noise hits all alike (everything on 127.0.0.1):
#   direct                    pgbench → PostgreSQL
#   socat                     pgbench → socat → PostgreSQL
#   door, spans off           Site:TraceStatements=false (the door and the node gateway trace nothing)
#   door, traced              a root span per statement, exported over OTLP to a collector that answers
#   door, collector stalled   the same, the collector accepts and never answers
#   door, collector gone      the same, nothing listens at the collector's address
# Then one client (latency-bound, no CPU contention): p50 and p99 latency, direct / socat / door.
# On 2 cores, 8 clients saturate both: every relay then costs CPU PostgreSQL itself needed, which is
# why the door is compared with socat, not only with direct.
# Needs PostgreSQL server programs and pgbench (Debian: postgresql-15), socat, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
CLIENTS=${CLIENTS:-8}

source scripts/lib/temp-postgres.sh
[ -x "$BIN/pgbench" ] || { echo "pgbench not found in $BIN" >&2; exit 1; }
command -v socat >/dev/null || { echo "socat not found (apt-get install socat): it is the relay the door is measured against" >&2; exit 1; }

echo "PostgreSQL on 127.0.0.1:$PG_PORT (pgbench scale 5), $CLIENTS clients, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds"
"$BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -s 5 -q postgres >/dev/null 2>&1

# Collectors: one that answers every OTLP/HTTP export, one that accepts and never answers; a free port for "gone".
COLLECTOR=$(free_port); STALLED=$(free_port); GONE=$(free_port)
python3 - "$COLLECTOR" >"$work/collector.log" 2>&1 <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        size = len(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        print(f"export {self.path} {size} bytes", flush=True)
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf"); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
pids+=($!)
python3 - "$STALLED" >"$work/stalled.log" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1024)
time.sleep(1e9)  # connections complete in the backlog; nothing is ever read or answered
PY
pids+=($!)

dotnet build SiteAgents/SiteAgents.csproj -c Release -v q -nologo >/dev/null
start_door() { # door port, trace statements, collector port ("" for none)
  local door=$1 traced=$2 collector=$3
  env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=${INLINE:-1} \
    ${collector:+OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$collector OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf} \
    dotnet SiteAgents/bin/Release/net10.0/SiteAgents.dll --urls=http://127.0.0.1:0 \
    --Site:Name=paris --Site:City=Paris --Site:GatewayPort="$(free_port)" --Site:ClientPort="$door" --Site:NodeName="bench node" \
    --Site:TraceStatements="$traced" "--ConnectionStrings:paris=Host=127.0.0.1;Port=$PG_PORT;Username=postgres" \
    --Logging:LogLevel:Default=Warning >"$work/agent-$door.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$door") 2>/dev/null && return 0; sleep 0.1; done
  echo "agent with its door on $door did not start" >&2; cat "$work/agent-$door.log" >&2; exit 1
}
OFF=$(free_port); TRACED=$(free_port); STALL=$(free_port); NONE=$(free_port); RELAY=$(free_port)
start_door "$OFF" false ""; AGENT_OFF=${pids[-1]}
start_door "$TRACED" true "$COLLECTOR"; AGENT_TRACED=${pids[-1]}
start_door "$STALL" true "$STALLED"; AGENT_STALL=${pids[-1]}
start_door "$NONE" true "$GONE"; AGENT_NONE=${pids[-1]}
socat TCP-LISTEN:"$RELAY",bind=127.0.0.1,fork,reuseaddr TCP:127.0.0.1:"$PG_PORT" & pids+=($!)
sleep 0.5

rss() { awk '/VmRSS/{print int($2 / 1024)}' "/proc/$1/status"; }
declare -A before; for a in "$AGENT_OFF" "$AGENT_TRACED" "$AGENT_STALL" "$AGENT_NONE"; do before[$a]=$(rss "$a"); done

# Warm-up: each target once before measuring (the agents' JIT tiers up on the first thousands of statements).
for port in "$PG_PORT" "$RELAY" "$OFF" "$TRACED" "$STALL" "$NONE"; do
  "$BIN/pgbench" -h 127.0.0.1 -p "$port" -U postgres -S -n -c "$CLIENTS" -j 2 -T 3 postgres >/dev/null 2>&1
done

tps() { "$BIN/pgbench" -h 127.0.0.1 -p "$1" -U postgres -S -n -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" postgres 2>/dev/null | awk '/^tps/{print $3; exit}'; }
declare -a direct relay off traced stalled gone
for r in $(seq 1 "$ROUNDS"); do
  d=$(tps "$PG_PORT"); x=$(tps "$RELAY"); o=$(tps "$OFF"); t=$(tps "$TRACED"); s=$(tps "$STALL"); g=$(tps "$NONE")
  direct+=("$d"); relay+=("$x"); off+=("$o"); traced+=("$t"); stalled+=("$s"); gone+=("$g")
  printf 'round %d (tps): direct %6.0f | socat %6.0f | door: spans off %6.0f, traced %6.0f, collector stalled %6.0f, collector gone %6.0f | door RSS %s MiB\n' \
    "$r" "$d" "$x" "$o" "$t" "$s" "$g" "$(rss "$AGENT_OFF")/$(rss "$AGENT_TRACED")/$(rss "$AGENT_STALL")/$(rss "$AGENT_NONE")"
done

# One client: per-transaction latencies (pgbench -l), p50 and p99, interleaved the same way.
latency() { # port, label
  local dir="$work/lat-$2"; mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chmod 777 "$dir"
  (cd "$dir" && "$BIN/pgbench" -h 127.0.0.1 -p "$1" -U postgres -S -n -c 1 -T "$SECONDS_PER_RUN" -l --log-prefix=run postgres >/dev/null 2>&1)
}
for r in $(seq 1 "$ROUNDS"); do latency "$PG_PORT" direct; latency "$RELAY" socat; latency "$OFF" off; latency "$TRACED" traced; done
percentiles() { cat "$work/lat-$1"/run* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.0f %.0f", a[int(NR*0.5)], a[int(NR*0.99)]}'; }
read -r p50d p99d <<<"$(percentiles direct)"; read -r p50x p99x <<<"$(percentiles socat)"
read -r p50o p99o <<<"$(percentiles off)"; read -r p50t p99t <<<"$(percentiles traced)"

md=$(median "${direct[@]}"); mx=$(median "${relay[@]}"); mo=$(median "${off[@]}"); mt=$(median "${traced[@]}"); ms=$(median "${stalled[@]}"); mg=$(median "${gone[@]}")
awk -v d="$md" -v x="$mx" -v o="$mo" -v t="$mt" -v s="$ms" -v g="$mg" -v c="$CLIENTS" 'BEGIN {
  printf "\nmedian tps, %d clients: direct %.0f, socat %.0f, door spans off %.0f, door traced %.0f, collector stalled %.0f, collector gone %.0f\n", c, d, x, o, t, s, g
  printf "door / socat, spans off:          %.3f  (target >= 1.0)\n", o / x
  printf "door / socat, every statement traced: %.3f  (target >= 0.9)\n", t / x
  printf "door / socat, collector stalled:  %.3f  (target >= 0.9)\n", s / x
  printf "door / socat, collector gone:     %.3f  (target >= 0.9)\n", g / x
  printf "for scale: socat / direct %.3f, door spans off / direct %.3f\n", x / d, o / d
}'
printf '\nlatency, 1 client (µs):  p50 / p99\n  direct            %6d / %6d\n  socat             %6d / %6d\n  door, spans off   %6d / %6d\n  door, traced      %6d / %6d\n' \
  "$p50d" "$p99d" "$p50x" "$p99x" "$p50o" "$p99o" "$p50t" "$p99t"
awk -v t="$p50t" -v x="$p50x" -v o="$p50o" 'BEGIN { printf "p50 door / socat: spans off %.3f, traced %.3f  (target <= 1.0)\n", o / x, t / x }'
printf '\ndoor memory (RSS MiB, idle -> after all runs; flat = bounded): spans off %d -> %d, traced %d -> %d, collector stalled %d -> %d, collector gone %d -> %d\n' \
  "${before[$AGENT_OFF]}" "$(rss "$AGENT_OFF")" "${before[$AGENT_TRACED]}" "$(rss "$AGENT_TRACED")" \
  "${before[$AGENT_STALL]}" "$(rss "$AGENT_STALL")" "${before[$AGENT_NONE]}" "$(rss "$AGENT_NONE")"
echo "collector received $(grep -c '^export /v1/traces' "$work/collector.log" || true) trace exports ($(awk '/^export \/v1\/traces/{b+=$3} END{printf "%.1f", b/1048576}' "$work/collector.log") MiB) from the traced door"
