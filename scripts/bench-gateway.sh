#!/usr/bin/env bash
# Benchmark: pgbench select-only through a site agent's gateway and directly, side by side in
# one run, and the gateway's memory before and after the load.
#
#   scripts/bench-gateway.sh [seconds per run, default 10] [rounds, default 3]
#   CLIENTS=1 scripts/bench-gateway.sh     # latency-bound: one client, no CPU contention
#
# On a 2-core machine, 8 pgbench clients saturate both cores: every relay then costs CPU that
# PostgreSQL itself needed, which is why socat, a plain C relay, is measured beside the gateway.
# Needs PostgreSQL server programs and pgbench (Debian: postgresql-15). Everything stays on
# 127.0.0.1; runs are interleaved (direct, spans off, spans on, …) so machine noise hits all alike.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
CLIENTS=${CLIENTS:-8}

source scripts/lib/temp-postgres.sh
[ -x "$BIN/pgbench" ] || { echo "pgbench not found in $BIN" >&2; exit 1; }
GW_OFF=$(free_port); GW_ON=$(free_port); RELAY=$(free_port)

echo "PostgreSQL on 127.0.0.1:$PG_PORT (pgbench scale 5), $CLIENTS clients, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds"
"$BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -s 5 -q postgres >/dev/null 2>&1

dotnet build SiteAgents/SiteAgents.csproj -c Release -v q -nologo >/dev/null
start_agent() { # port, trace statements
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=${INLINE:-1} dotnet SiteAgents/bin/Release/net10.0/SiteAgents.dll --urls=http://127.0.0.1:0 \
    --Site:Name=bench --Site:GatewayPort="$1" --Site:TraceStatements="$2" \
    --Lab:Nodes:0:Site=bench --Lab:Nodes:0:City=Bench --Lab:Nodes:0:Host=127.0.0.1 --Lab:Nodes:0:Port="$PG_PORT" \
    --Logging:LogLevel:Default=Warning >"$work/agent-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "agent on $1 did not start" >&2; cat "$work/agent-$1.log" >&2; exit 1
}
start_agent "$GW_OFF" false; AGENT_OFF=${pids[-1]}
start_agent "$GW_ON" true; AGENT_ON=${pids[-1]}
# For scale: socat, a plain byte relay in C, measured the same way (when installed).
if command -v socat >/dev/null; then
  socat TCP-LISTEN:"$RELAY",bind=127.0.0.1,fork,reuseaddr TCP:127.0.0.1:"$PG_PORT" & pids+=($!)
  sleep 0.5
fi
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
before_off=$(rss "$AGENT_OFF"); before_on=$(rss "$AGENT_ON")

tps() { "$BIN/pgbench" -h 127.0.0.1 -p "$1" -U postgres -S -n -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" postgres 2>/dev/null | awk '/^tps/{print $3; exit}'; }
declare -a direct off on relay
for r in $(seq 1 "$ROUNDS"); do
  d=$(tps "$PG_PORT"); o=$(tps "$GW_OFF"); n=$(tps "$GW_ON")
  x=0; command -v socat >/dev/null && x=$(tps "$RELAY")
  direct+=("$d"); off+=("$o"); on+=("$n"); relay+=("$x")
  printf 'round %d: direct %8.0f | gateway, spans off %8.0f | gateway, all traced %8.0f | socat %8.0f  (tps) | gateway RSS %d / %d MiB\n' \
    "$r" "$d" "$o" "$n" "$x" $(($(rss "$AGENT_OFF") / 1024)) $(($(rss "$AGENT_ON") / 1024))
done
after_off=$(rss "$AGENT_OFF"); after_on=$(rss "$AGENT_ON")

md=$(median "${direct[@]}"); mo=$(median "${off[@]}"); mn=$(median "${on[@]}"); mx=$(median "${relay[@]}")
awk -v d="$md" -v o="$mo" -v n="$mn" -v x="$mx" 'BEGIN {
  printf "median tps: direct %.0f, gateway spans off %.0f, gateway traced %.0f, socat %.0f\n", d, o, n, x
  printf "ratio gateway/direct, spans off: %.3f (target >= 0.95)\n", o / d
  printf "ratio gateway/direct, every statement traced: %.3f (target >= 0.80)\n", n / d
  if (x > 0) printf "ratio socat/direct (a C byte relay, for scale): %.3f; gateway spans off / socat: %.3f\n", x / d, o / x
}'
printf 'gateway memory (RSS): spans off %d -> %d MiB, traced %d -> %d MiB (idle -> after all rounds; flat from round to round = bounded)\n' \
  $((before_off / 1024)) $((after_off / 1024)) $((before_on / 1024)) $((after_on / 1024))
