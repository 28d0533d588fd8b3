#!/usr/bin/env bash
# Benchmark: grading a whole class. Makes N student clones (default 74, the handout's class) from
# this repository's exercises and solutions — a mix of finished, half-done, wrong and untouched
# work, committed part by part in June 2026 — grades them with the checker's --class against the
# running lab, and prints the minutes it took, each pass's seconds per student, the coordinator
# API's peak memory, and, side by side in the same run, one student's own check of the solutions
# (the checker on one folder, as the lab's user) against the class run's cost per student.
# Needs a running lab (dotnet run --project AppHost), with generated data if Part 5 should pass.
#
#   scripts/bench-class-grading.sh [students, default 74] [parallel, default 2]
#   environment: API (default http://localhost:5180), PGHOST/PGPORT/PGUSER/PGPASSWORD (default the lab's door)
set -euo pipefail
cd "$(dirname "$0")/.."
STUDENTS=${1:-74}
PARALLEL=${2:-2}
API=${API:-http://localhost:5180}
export PGHOST=${PGHOST:-localhost} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
command -v bc >/dev/null || { echo "bc not found (Debian: apt-get install bc)" >&2; exit 1; }
command -v git >/dev/null || { echo "git not found (Debian: apt-get install git)" >&2; exit 1; }
api_pid=$(pgrep -f "Coordinator.Api.dll$" | head -1 || true)
[ -n "$api_pid" ] || { echo "No coordinator API process here: start the lab (dotnet run --project AppHost)." >&2; exit 1; }

dotnet build Coordinator.Api/Checker/Checker.csproj -v q -nologo >/dev/null
checker="dotnet Coordinator.Api/Checker/bin/Debug/net10.0/Checker.dll"
work=$(mktemp -d)
source scripts/lib/peak-memory.sh
trap 'peak_stop; rm -rf "$work"' EXIT

# The class: four kinds of student, in turn.
commit() { GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" git -C "$1" -c user.name=Student -c user.email=s@example.org commit -qm "$3" --allow-empty; }
for i in $(seq -w 1 "$STUDENTS"); do
  clone="$work/class/student$i"
  mkdir -p "$clone" && cp -r exercises "$clone/exercises" && git -C "$clone" init -qb main && git -C "$clone" add -A
  commit "$clone" "2026-06-01T09:00:00Z" "start"
  case $((10#$i % 4)) in
    0) ;; # nothing done
    1) for part in part1 part2 part3 part4 part5; do cp -r "solutions/$part" "$clone/exercises/"; git -C "$clone" add -A; commit "$clone" "2026-06-1${part#part}T10:00:00Z" "$part done"; done
       cp solutions/answers.md "$clone/exercises/"; git -C "$clone" add -A; commit "$clone" "2026-06-29T18:00:00Z" "FINAL SUBMISSION" ;;
    2) cp -r solutions/part1 solutions/part2 solutions/answers.md "$clone/exercises/"; git -C "$clone" add -A; commit "$clone" "2026-06-20T10:00:00Z" "Parts 1 and 2" ;;
    3) cp -r solutions/. "$clone/exercises/"
       sed -i 's/COUNT(\*) AS nb_exams/COUNT(DISTINCT mr.aiModelUsed) AS nb_exams/' "$clone/exercises/part3/3.2-ai-model-performance.sql"
       git -C "$clone" add -A; commit "$clone" "2026-06-28T20:00:00Z" "all parts" ;;
  esac
done

# 1. One student's own check of the solutions (the lab's user, one folder; Part 4 as the lab holds it).
start=$(date +%s.%N)
$checker solutions --json >"$work/one.json" || true
one_seconds=$(echo "$(date +%s.%N) - $start" | bc)

# 2. The class, the API's resident memory sampled every 0.2 s meanwhile.
peak_start "$api_pid" "$work/peak"
before=$(awk '/VmRSS/ {print $2}' "/proc/$api_pid/status")
start=$(date +%s.%N)
$checker --class "$work/class" --at "2026-06-30 23:59" --parallel "$PARALLEL" --api "$API" | tee "$work/class.log" | grep -v '^\[' || true
class_seconds=$(echo "$(date +%s.%N) - $start" | bc)
peak_stop
grep -q '^Graded ' "$work/class.log" || { echo "The class grading did not finish: see above." >&2; exit 1; }
kept=$(mktemp -d /tmp/mediai-bench-gradebook.XXXX) && cp -r "$work/class/_gradebook/." "$kept" # the class goes, its gradebook stays

printf '\n%s students, --parallel %s, against %s\n' "$STUDENTS" "$PARALLEL" "$API"
printf '%-58s %8.1f s\n' "one student's own check of solutions/ (check solutions)" "$one_seconds"
printf '%-58s %8.1f s (%.1f min)\n' "the class (--class, Part 4 replayed per student)" "$class_seconds" "$(echo "$class_seconds / 60" | bc -l)"
printf '%-58s %8.1f s\n' "  per student" "$(echo "$class_seconds / $STUDENTS" | bc -l)"
grep '^Graded ' "$work/class.log" | sed 's/^/  /'
printf 'ratio class per student / one own check: %.2f\n' "$(echo "scale=3; $class_seconds / $STUDENTS / $one_seconds" | bc)"
printf 'the gradebook, kept: %s\n' "$kept"
printf "coordinator API's memory: %s MB before, %s MB at its peak while grading\n" "$((before / 1024))" "$(( $(cat "$work/peak" 2>/dev/null || echo "$before") / 1024 ))"
