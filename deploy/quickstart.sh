#!/usr/bin/env bash
# Rapport in one command, on a fresh Debian 12 machine: installs the missing
# packages, builds (Release), starts rapportd on an embedded SQLite file,
# loads a demo sales organisation, says what to try, and serves until Ctrl-C.
#
#   deploy/quickstart.sh
#
# Environment: RAPPORT_LISTEN (127.0.0.1:50051), RAPPORT_METRICS_LISTEN
# (127.0.0.1:9464), RAPPORT_DB (./rapport-demo.db), RAPPORT_DEMO_MEMBERS (60).
set -euo pipefail
cd "$(dirname "$0")/.."
listen=${RAPPORT_LISTEN:-127.0.0.1:50051}
metrics=${RAPPORT_METRICS_LISTEN:-127.0.0.1:9464}
db=${RAPPORT_DB:-$PWD/rapport-demo.db}
members=${RAPPORT_DEMO_MEMBERS:-60}

echo "== packages"
deploy/install-deps.sh build

echo "== build (Release)"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DRAPPORT_BUILD_TESTS=OFF >/dev/null
cmake --build build-release -j "$(nproc 2>/dev/null || echo 2)" --target rapportd rapport
bin=$PWD/build-release

echo "== starting rapportd on $listen (database $db)"
"$bin/server/app/rapportd" --listen="$listen" --db="$db" --metrics_listen="$metrics" &
server_pid=$!
stop() { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
trap stop EXIT
trap 'exit 0' INT TERM

rapport=("$bin/client/cli/rapport" --server="$listen")
for _ in $(seq 1 100); do
  "${rapport[@]}" list-members --page_size=1 >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "rapportd failed to start" >&2; exit 1; }
  sleep 0.1
done

echo "== loading the demo organisation ($members reps, 90 days)"
"${rapport[@]}" demo --members="$members" --days=90

cat <<MSG

Rapport is ready: gRPC on $listen, metrics on http://$metrics/metrics
The leaderboard page: http://$metrics/ (one team: http://$metrics/?team=Atlas)
Try, in another terminal (the CLI is $bin/client/cli/rapport):
  rapport --server=$listen leaderboard                 # the whole organisation
  rapport --server=$listen leaderboard --team=Atlas
  rapport --server=$listen score rep-002               # a thought leader, explained
  rapport --server=$listen decliners                   # who fell 5+ points in 7 days
  rapport --server=$listen history rep-006             # 90 days (recorded within a minute)
  rapport --server=$listen recommend --member=rep-005  # the next actions worth most points
  rapport --server=$listen outreach --member=rep-003   # reply rates, unanswered threads
  rapport --server=$listen list-members --team=Atlas
  rapport --server=$listen --json get-member rep-003
  curl -s http://$metrics/metrics | grep rapport_team_
Press Ctrl-C to stop.
MSG
wait "$server_pid"
