#!/usr/bin/env bash
# Rapport in one command, on a fresh Debian 12 machine: installs the missing
# packages, builds (Release), makes a local CA and a certificate, the first
# admin key, starts rapportd with TLS and authentication on over an embedded
# SQLite file, loads a demo sales organisation, makes a manager key for one
# team and a rep key, says what to try (one call each role may make, one it
# may not), and serves until Ctrl-C.
#
#   deploy/quickstart.sh
#
# Environment: RAPPORT_LISTEN (127.0.0.1:50051), RAPPORT_METRICS_LISTEN
# (127.0.0.1:9464), RAPPORT_DB (./rapport-demo.db), RAPPORT_DEMO_MEMBERS (60),
# RAPPORT_QUICKSTART_DIR (./rapport-demo: certificates and keys).
set -euo pipefail
cd "$(dirname "$0")/.."
listen=${RAPPORT_LISTEN:-127.0.0.1:50051}
metrics=${RAPPORT_METRICS_LISTEN:-127.0.0.1:9464}
db=${RAPPORT_DB:-$PWD/rapport-demo.db}
members=${RAPPORT_DEMO_MEMBERS:-60}
dir=${RAPPORT_QUICKSTART_DIR:-$PWD/rapport-demo}

echo "== packages"
deploy/install-deps.sh build

echo "== build (Release)"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DRAPPORT_BUILD_TESTS=OFF >/dev/null
cmake --build build-release -j "$(nproc 2>/dev/null || echo 2)" --target rapportd rapport
bin=$PWD/build-release

echo "== a local CA and a certificate for 127.0.0.1 and localhost ($dir)"
mkdir -p "$dir"
chmod 700 "$dir"
if [ ! -s "$dir/server.pem" ]; then
  (
    cd "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout ca.key -out ca.pem -days 30 -subj "/CN=Rapport demo CA" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
      -out server.pem -days 30 -extfile server.ext 2>/dev/null
    rm -f server.csr server.ext
  )
fi

rapport_plain=("$bin/client/cli/rapport" --server="$listen" --tls_ca_file="$dir/ca.pem")
if [ ! -s "$dir/admin.key" ]; then
  echo "== the first admin key (offline, against $db)"
  "$bin/server/app/rapportd" --db="$db" --bootstrap_admin_key=demo >"$dir/admin.key"
fi
chmod 600 "$dir"/*.key

echo "== starting rapportd on $listen (TLS, authentication on; database $db)"
"$bin/server/app/rapportd" --listen="$listen" --db="$db" --metrics_listen="$metrics" \
  --tls_cert_file="$dir/server.pem" --tls_key_file="$dir/server.key" &
server_pid=$!
stop() { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
trap stop EXIT
trap 'exit 0' INT TERM

as() {  # as KEYNAME rapport ARGS...: the CLI with that key
  local key=$1; shift
  RAPPORT_API_KEY=$(cat "$dir/$key.key") "${rapport_plain[@]}" "$@"
}
for _ in $(seq 1 100); do
  as admin list-members --page_size=1 >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "rapportd failed to start" >&2; exit 1; }
  sleep 0.1
done

echo "== loading the demo organisation ($members reps, 90 days)"
as admin demo --members="$members" --days=90

echo "== keys: a manager of team Cobalt, the rep rep-003, a Prometheus scraper"
[ -s "$dir/manager.key" ] || as admin admin create-key --name="Cobalt manager" \
  --role=manager --teams=Cobalt >"$dir/manager.key"
[ -s "$dir/rep.key" ] || as admin admin create-key --name="rep-003" \
  --role=rep --member_id=rep-003 >"$dir/rep.key"
[ -s "$dir/metrics.key" ] || as admin admin create-key --name=prometheus \
  --role=metrics >"$dir/metrics.key"
chmod 600 "$dir"/*.key

cli="$bin/client/cli/rapport --server=$listen --tls_ca_file=$dir/ca.pem"
curl_tls="curl -s --cacert $dir/ca.pem"
cat <<MSG

Rapport is ready: gRPC on $listen and https://$metrics, TLS and authentication on.
The CLI ($bin/client/cli/rapport) reads its key from RAPPORT_API_KEY or
--api_key_file, never from the command line. Keys are in $dir.

As the Cobalt manager:
  export RAPPORT_API_KEY=\$(cat $dir/manager.key)
  $cli leaderboard --team=Cobalt         # allowed: their team
  $cli leaderboard --team=Atlas          # PERMISSION_DENIED: not their team
  $cli score rep-003                     # a member of Cobalt, explained
As the rep rep-003:
  export RAPPORT_API_KEY=\$(cat $dir/rep.key)
  $cli recommend --member=rep-003        # allowed: their own next actions
  $cli score rep-002                     # PERMISSION_DENIED: someone else's score
As the admin:
  export RAPPORT_API_KEY=\$(cat $dir/admin.key)
  $cli admin list-keys
  $cli decliners                         # who fell 5+ points in 7 days
Without a key, every call is UNAUTHENTICATED; health checks stay open.
The HTTP port:
  $curl_tls -H "Authorization: Bearer \$(cat $dir/metrics.key)" https://$metrics/metrics | grep rapport_team_
  $curl_tls -H "Authorization: Bearer \$(cat $dir/manager.key)" https://$metrics/ -o cobalt.html
  $curl_tls -o /dev/null -w '%{http_code}\n' https://$metrics/metrics   # 401
The API over HTTP/1.1 and JSON on the same port (docs/http-json.md):
  $curl_tls -H "Authorization: Bearer \$(cat $dir/manager.key)" -H 'Content-Type: application/json' \\
      -d '{"memberId": "rep-003"}' https://$metrics/rapport.v1.ScoringService/GetScore
Press Ctrl-C to stop.
MSG
wait "$server_pid"
