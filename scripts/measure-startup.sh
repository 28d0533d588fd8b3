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
. scripts/lib/lab-run.sh
LAB_DATA=${LAB_DATA:-/tmp/mediai-lab-measure}
TIMEOUT=${TIMEOUT:-180}
dotnet build AppHost/AppHost.csproj -v q -nologo >/dev/null

log=$(mktemp)
lab_start "$log" --Lab:Mode=local --Lab:DataDir="$LAB_DATA" "$@"
trap lab_stop EXIT
seconds=$(lab_wait_ready "$log" "$TIMEOUT")
grep -q "Port 5432 is taken" "$log" && grep "coordinator uses port" "$log" | head -1
echo "lab ready after $seconds s (local mode, warm build)"
lab_memory
rm -f "$log"
