#!/usr/bin/env bash
# Benchmark: the data generator (one COPY stream per country through the coordinator, the four in
# parallel) against psql \copy of the very same rows through the coordinator, one session, as a
# student would load them — side by side in one run, rows/s and their ratio, and the coordinator
# API's peak memory while it generates. Needs a running lab with Citus (dotnet run --project AppHost).
#
#   scripts/bench-generator.sh [patients, default 1000000]
#   environment: API (default http://localhost:5180), PGHOST/PGPORT/PGUSER/PGPASSWORD (default the lab's door)
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${1:-1000000}
API=${API:-http://localhost:5180}
export PGHOST=${PGHOST:-localhost} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
command -v bc >/dev/null || { echo "bc not found (Debian: apt-get install bc)" >&2; exit 1; }
psql -d mediAI -Atc "SELECT 1" >/dev/null || { echo "The lab does not answer at $PGHOST:$PGPORT: start it (dotnet run --project AppHost)." >&2; exit 1; }
api_pid=$(pgrep -f "Coordinator.Api.dll$" | head -1 || true)
[ -n "$api_pid" ] || { echo "No coordinator API process here: start the lab (dotnet run --project AppHost)." >&2; exit 1; }

dotnet build Coordinator.Api/Checker/Checker.csproj -v q -nologo >/dev/null
work=$(mktemp -d)
source scripts/lib/peak-memory.sh
trap 'peak_stop; rm -rf "$work"' EXIT

# 1. The generator, the API's resident memory sampled every 0.2 s meanwhile.
peak_start "$api_pid" "$work/peak"
before=$(awk '/VmRSS/ {print $2}' "/proc/$api_pid/status")
dotnet Coordinator.Api/Checker/bin/Debug/net10.0/Checker.dll generate --api "$API" --patients "$PATIENTS" --seed 1 >"$work/generate.log"
peak_stop
gen_line=$(grep '^Loaded in' "$work/generate.log")
gen_seconds=$(sed -E 's/^Loaded in ([0-9.]+) s.*/\1/' <<<"$gen_line")
rows=$(psql -d mediAI -Atc "SELECT (SELECT count(*) FROM lab_scale.patients) + (SELECT count(*) FROM lab_scale.medicalrecords) + (SELECT count(*) FROM lab_scale.trainingdata) + (SELECT count(*) FROM lab_scale.transactions)")

# 2. The same rows, out to files, then back in with psql \copy through the coordinator.
tables="patients medicalrecords trainingdata transactions"
for t in $tables; do psql -d mediAI -qc "\\copy lab_scale.$t TO '$work/$t.tsv'"; done
psql -d mediAI -qc "TRUNCATE lab_scale.patients, lab_scale.medicalrecords, lab_scale.trainingdata, lab_scale.transactions"
script="$work/load.sql"
for t in $tables; do echo "\\copy lab_scale.$t FROM '$work/$t.tsv'" >>"$script"; done
start=$(date +%s.%N)
psql -d mediAI -q -v ON_ERROR_STOP=1 -f "$script"
psql_seconds=$(echo "$(date +%s.%N) - $start" | bc)
again=$(psql -d mediAI -Atc "SELECT (SELECT count(*) FROM lab_scale.patients) + (SELECT count(*) FROM lab_scale.medicalrecords) + (SELECT count(*) FROM lab_scale.trainingdata) + (SELECT count(*) FROM lab_scale.transactions)")
[ "$again" = "$rows" ] || { echo "psql loaded $again rows, the generator $rows" >&2; exit 1; }

printf '\n%s patients, %s rows in all (medical records, training rows, transactions in the seed proportions)\n' "$PATIENTS" "$rows"
printf '%-44s %8s s %12s rows/s\n' "generator (4 COPY streams, generated on the fly)" "$gen_seconds" "$(echo "$rows / $gen_seconds" | bc)"
printf '%-44s %8.1f s %12s rows/s\n' "psql \\copy (one session, from files)" "$psql_seconds" "$(echo "$rows / $psql_seconds" | bc)"
printf 'ratio generator / psql (rows/s): %.2f\n' "$(echo "scale=3; $psql_seconds / $gen_seconds" | bc)"
printf "coordinator API's memory: %s MB before, %s MB at its peak while generating\n" "$((before / 1024))" "$(( $(cat "$work/peak" 2>/dev/null || echo "$before") / 1024 ))"
