#!/usr/bin/env bash
# Stops the lab scripts/autograde-start.sh started, as Ctrl+C would (the AppHost stops its nodes).
# The lab's data stays in its volumes, as after any stop.
#   environment: AUTOGRADE_STATE, as for scripts/autograde-start.sh
set -euo pipefail
STATE=${AUTOGRADE_STATE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/mediai-autograde-lab}
[ -f "$STATE/lab.pid" ] || { echo "No lab started by scripts/autograde-start.sh here ($STATE/lab.pid is missing)."; exit 0; }
runner=$(cat "$STATE/lab.pid")
# SIGTERM to the AppHost (dotnet run's child): it stops the lab's services and containers, then dotnet run ends.
pkill -TERM -P "$runner" 2>/dev/null || true
for _ in $(seq 1 120); do kill -0 "$runner" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$runner" 2>/dev/null; then
  echo "The lab did not stop within 60 s: stopping it (pid $runner) by force." >&2
  pkill -KILL -P "$runner" 2>/dev/null || true; kill -KILL "$runner" 2>/dev/null || true
fi
rm -f "$STATE/lab.pid"
echo "Lab stopped."
