#!/usr/bin/env bash
# Schemathesis against `tally serve`: every answer of the HTTP API must
# conform to its OpenAPI document (/api/openapi.json): no 5xx, documented
# statuses, content types and bodies. Builds nothing.
#
#   scripts/api_schema_test.sh TALLY_BIN [MAX_EXAMPLES_PER_OPERATION]
#
# The default (80 examples per operation) sends about 1,500 requests in
# well under a minute; fewer than $MIN_REQUESTS (default 1000) fails the run.
#
# Ingests examples/articles into a temporary database and serves it on a
# free loopback port in token mode (the token sent as a Bearer header, so
# reviews are POSTed like any other request). Prints the number of requests
# sent and their statuses (from schemathesis' HAR report). Needs
# `schemathesis` on PATH or in $SCHEMATHESIS (pip install schemathesis).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${1:?usage: $0 TALLY_BIN [MAX_EXAMPLES]}")
examples=${2:-80}
min_requests=${MIN_REQUESTS:-1000}
schemathesis=${SCHEMATHESIS:-schemathesis}
tmp=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" ingest examples/articles --db "$tmp/tally.db" -q
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
"$bin" serve --db "$tmp/tally.db" --addr "127.0.0.1:$port" --token "$token" &
server=$!

status=0
# From the temporary folder: schemathesis keeps a cache in its working directory.
(cd "$tmp" && "$schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
    --wait-for-schema 20 \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --max-examples "$examples" \
    --seed "${SCHEMATHESIS_SEED:-1}" \
    --no-color \
    --report har --report-har-path "$tmp/run.har") || status=$?

python3 - "$tmp/run.har" "$min_requests" <<'PY' || status=1
import collections, json, sys
entries = json.load(open(sys.argv[1]))["log"]["entries"]
statuses = collections.Counter(e["response"]["status"] for e in entries)
posts = collections.Counter(e["response"]["status"] for e in entries
                            if e["request"]["method"] == "POST")
show = lambda c: ", ".join(f"{s}: {n}" for s, n in sorted(c.items()))
print(f"api schema test: {len(entries)} requests; statuses: {show(statuses)};",
      f"{sum(posts.values())} POSTs: {show(posts)}")
if len(entries) < int(sys.argv[2]):
    sys.exit(f"api schema test: fewer than {sys.argv[2]} requests")
PY
exit "$status"
