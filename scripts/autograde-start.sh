#!/usr/bin/env bash
# GitHub Classroom's autograding, first step (.github/workflows/classroom.yml): builds the lab and
# its checker, starts the lab detached in container mode with its fifth site (Dakar, for 5.5),
# waits for "MediAI lab ready", then generates the data Part 5 is graded on (the checker's
# generate --skewed: 1,000,000 patients, seed 1, France holding most, as the solutions were
# measured). The autograding steps then run
# `dotnet run --project Coordinator.Api/Checker -- autograde --part N` against it.
# Works on a student's machine too (Linux, macOS, Git Bash on Windows): the lab then runs until
# scripts/autograde-stop.sh.
#
#   scripts/autograde-start.sh [AppHost options…]      e.g. --Lab:Image=mediai/citus-node:12.1.12
#   environment: AUTOGRADE_STATE (folder for the lab's log and pid; default $RUNNER_TEMP or /tmp,
#   mediai-autograde-lab in it), AUTOGRADE_START_SECONDS (how long to wait for ready; default 900)
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${AUTOGRADE_STATE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/mediai-autograde-lab}
LIMIT=${AUTOGRADE_START_SECONDS:-900}
mkdir -p "$STATE"
log="$STATE/lab.log"

if [ -f "$STATE/lab.pid" ] && kill -0 "$(cat "$STATE/lab.pid")" 2>/dev/null; then
  echo "A lab started by this script is running already (pid $(cat "$STATE/lab.pid"), log $log): stop it with scripts/autograde-stop.sh first." >&2
  exit 1
fi
command -v docker >/dev/null && docker info >/dev/null 2>&1 || {
  echo "Docker does not answer here (docker info failed): the lab runs its nodes in containers. Start Docker, then run this again." >&2
  exit 1
}

# Grades autograde kept from an earlier lab are not this lab's: each step of this one grades afresh.
rm -rf "${TMPDIR:-/tmp}/mediai-autograde"

echo "Building the lab and the checker…"
# (No build servers left running: they would hold this step's output open.)
dotnet build AppHost/AppHost.csproj -v q -nologo --disable-build-servers
dotnet build Coordinator.Api/Checker/Checker.csproj -v q -nologo --disable-build-servers

echo "Starting the lab in container mode, with its fifth site (log: $log)…"
start=$(date +%s)
# Detached (nohup, stdin closed): the runner's step ends, the lab stays for the next steps.
nohup dotnet run --project AppHost --no-build -- --Lab:Mode=containers --Lab:FifthSite=true "$@" >"$log" 2>&1 </dev/null &
echo $! >"$STATE/lab.pid"
until grep -q "MediAI lab ready" "$log"; do
  if ! kill -0 "$(cat "$STATE/lab.pid")" 2>/dev/null; then
    echo "The lab stopped before it was ready. Its last lines:" >&2; tail -40 "$log" >&2
    rm -f "$STATE/lab.pid"; exit 1
  fi
  # The lab names what failed (a node, an agent, the bootstrap) and stays up for the dashboard: no use waiting.
  if grep -q "The lab is not ready\|The cluster bootstrap failed" "$log"; then
    sleep 5 # the line naming the node or agent, with its last log lines, may follow
    echo "The lab could not start. Its last lines:" >&2; tail -40 "$log" >&2
    scripts/autograde-stop.sh >&2 || true; exit 1
  fi
  if [ $(($(date +%s) - start)) -ge "$LIMIT" ]; then
    echo "The lab was not ready after $LIMIT s (AUTOGRADE_START_SECONDS). Its last lines:" >&2; tail -40 "$log" >&2
    scripts/autograde-stop.sh >&2 || true; exit 1
  fi
  sleep 1
done
echo "Lab ready after $(($(date +%s) - start)) s: $(grep -m1 -o 'MediAI lab ready.*' "$log")"

echo "Generating the data Part 5 is graded on…"
dotnet run --project Coordinator.Api/Checker --no-build -- generate --skewed
echo "The lab is ready for autograde: dotnet run --project Coordinator.Api/Checker -- autograde --part 1"
