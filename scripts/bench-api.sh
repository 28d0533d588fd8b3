#!/usr/bin/env bash
# Benchmark: the coordinator API's traced queries (spans for the request, Npgsql and the query,
# trace carried to the sites with SET LOCAL) against the same API with tracing off — side by
# side in one run, interleaved, ratio printed. Plain PostgreSQL; load from wrk on 127.0.0.1.
#
#   scripts/bench-api.sh [seconds per run, default 8] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-8}
ROUNDS=${2:-3}
command -v wrk >/dev/null || { echo "wrk not found (Debian: apt-get install wrk)" >&2; exit 1; }

source scripts/lib/temp-postgres.sh
TRACED=$(free_port); UNTRACED=$(free_port)

psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 'CREATE DATABASE "mediAI"'
for f in schema-mediAI seed-mediAI roles-mediAI; do psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d mediAI -v ON_ERROR_STOP=1 -f "data/$f.sql" >/dev/null 2>&1; done

dotnet build Coordinator.Api/Coordinator.Api.csproj -c Release -v q -nologo >/dev/null
start_api() { # port, tracing
  local nodes=() i=0
  for site in paris:Paris:Coordinator tunis:Tunis:Worker montreal:Montreal:Worker tokyo:Tokyo:Worker; do
    IFS=: read -r name city role <<<"$site"
    nodes+=("--Lab:Nodes:$i:Site=$name" "--Lab:Nodes:$i:City=$city" "--Lab:Nodes:$i:Role=$role" "--Lab:Nodes:$i:Host=127.0.0.1" "--Lab:Nodes:$i:Port=$PG_PORT" "--Lab:Nodes:$i:ClusterHost=127.0.0.1" "--Lab:Nodes:$i:ClusterPort=$PG_PORT")
    i=$((i + 1))
  done
  dotnet Coordinator.Api/bin/Release/net10.0/Coordinator.Api.dll --urls="http://127.0.0.1:$1" --Lab:Tracing="$2" \
    --Aspire:Npgsql:DisableTracing="$([ "$2" = true ] && echo false || echo true)" --Logging:LogLevel:Default=Warning "${nodes[@]}" >"$work/api-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/alive" >/dev/null && return 0; sleep 0.1; done
  echo "API on $1 did not start" >&2; cat "$work/api-$1.log" >&2; exit 1
}
start_api "$TRACED" true
start_api "$UNTRACED" false

cat >"$work/query.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"sql": "SELECT name, age, city FROM Patients WHERE country = $1 ORDER BY idPatient", "parameters": ["France"]}'
LUA
curl -sf -X POST -H 'Content-Type: application/json' -d '{"sql":"SELECT 1"}' "http://127.0.0.1:$TRACED/query" | grep -q traceId || { echo "traced API does not answer queries" >&2; exit 1; }
rps() { wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" -s "$work/query.lua" "http://127.0.0.1:$1/query" | awk '/Requests\/sec/{print $2}'; }
rps "$TRACED" >/dev/null; rps "$UNTRACED" >/dev/null   # warm-up (JIT), not counted
declare -a traced untraced
for r in $(seq 1 "$ROUNDS"); do
  u=$(rps "$UNTRACED"); t=$(rps "$TRACED")
  untraced+=("$u"); traced+=("$t")
  printf 'round %d: untraced %8.0f req/s | traced %8.0f req/s\n' "$r" "$u" "$t"
done
awk -v u="$(median "${untraced[@]}")" -v t="$(median "${traced[@]}")" 'BEGIN {
  printf "median: untraced %.0f req/s, traced %.0f req/s\nratio traced/untraced: %.3f (target >= 0.90)\n", u, t, t / u }'
