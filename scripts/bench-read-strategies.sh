#!/usr/bin/env bash
# Benchmark: which ways of reading avoid fractured reads on Citus, and at what cost. Runs the fault
# campaign (the checker's campaign, through the running lab's API) once per read strategy and fault
# setting — no fault, delay_commit_prepared, drop_before_commit_prepared — all on the same seed with
# the same readers, and prints one table: fractured reads in N reads, reads/s and transfers/s.
# Needs a running lab with Citus (dotnet run --project AppHost).
#
#   scripts/bench-read-strategies.sh [transfers, default 200] [seed, default 7] [readers, default 2]
#   environment: API (default http://localhost:5180)
set -euo pipefail
cd "$(dirname "$0")/.."
TRANSFERS=${1:-200}
SEED=${2:-7}
READERS=${3:-2}
API=${API:-http://localhost:5180}
dotnet build Coordinator.Api/Checker/Checker.csproj -v q -nologo >/dev/null
checker="dotnet Coordinator.Api/Checker/bin/Debug/net10.0/Checker.dll"
strategies="read-committed repeatable-read lock-table-share lock-pg-dist-transaction one-shard-group"
settings="none delay_commit_prepared drop_before_commit_prepared"

echo "Fault campaign, $TRANSFERS transfers per run, seed $SEED, $READERS readers; every fault hits one of the transfer's two sites."
printf '%-26s %-28s %22s %10s %12s %11s\n' "strategy" "fault" "fractured / reads" "per 1000" "reads/s" "transfers/s"
for strategy in $strategies; do
  for setting in $settings; do
    if [ "$setting" = none ]; then faults=(--fault-rate 0); else faults=(--fault-rate 1 --faults "$setting"); fi
    out=$($checker campaign --api "$API" --transactions "$TRANSFERS" --seed "$SEED" --readers "$READERS" --read-strategy "$strategy" "${faults[@]}" 2>&1) || {
      echo "$strategy / $setting: the campaign failed (a violation or could not run):"; echo "$out" | grep -v '^\[' | tail -5; exit 1; }
    line=$(echo "$out" | grep -E "^$READERS readers \(")
    reads=$(echo "$line" | sed -E 's/.*: ([0-9]+) reads, .*/\1/')
    fractured=$(echo "$line" | sed -E 's/.* reads, ([0-9]+) fractured.*/\1/')
    failed=$(echo "$line" | sed -E 's/.*, ([0-9]+) failed;.*/\1/')
    rps=$(echo "$line" | sed -E 's/.* ([0-9.]+) reads\/s.*/\1/')
    tps=$(echo "$line" | sed -E 's/.* ([0-9.]+) transfers\/s.*/\1/')
    per=$(awk -v f="$fractured" -v r="$reads" -v e="$failed" 'BEGIN { printf "%.1f", ((r - e) > 0 ? 1000 * f / (r - e) : 0) }')
    printf '%-26s %-28s %22s %10s %12s %11s\n' "$strategy" "$setting" "$fractured / $reads${failed:+ ($failed failed)}" "$per" "$rps" "$tps"
  done
done
echo "Every run: 0 atomicity violations (the campaign exits 1 on one, and this script stops)."
