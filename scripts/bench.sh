#!/usr/bin/env bash
# The benchmarks, measured side by side in one run, summed up in one table:
#   - signed-webhook ingest of the release server beside a bare axum handler
#     doing one durable insert, on SQLite and on PostgreSQL (throughput of a
#     closed loop, p50/p99 latency, ratio; p50/p99 at half the maximum rate
#     twice: right after the maximum, while the processor works through the
#     backlog it left, then once that backlog is processed, with how long
#     that took);
#   - event → message handed to the sink at a sustained rate (p50/p99);
#   - notify-core `decide` per event (criterion);
#   - delivery: messages/s one worker replica hands to loopback providers
#     answering at once and after 200 ms, on SQLite and PostgreSQL, and the
#     event → provider time of store B while store A has 5,000 queued;
#   - the release WASM as a browser's first visit downloads it (with
#     `Accept-Encoding: br, gzip`), beside its raw and gzip sizes, checked
#     against a budget (WASM_BUDGET_KIB, default 200: the run exits 1 after
#     the table when it is over, or when the files lack compression or caching);
#   - the settings page's time from navigation to hydrated (its editor's
#     island running) in Chromium, median of 10 cold loads with the cache
#     disabled, on loopback and throttled to 1.6 Mbit/s with a 150 ms round
#     trip (end2end/bench/hydration.mjs);
#   - the settings page's what-if over 50,000 processed orders: the
#     history's load and a toggle's count natively, and in Chromium the time
#     until the history is shown and per toggle (end2end/bench/what-if.mjs);
#   - `receive` per webhook (signature, shape check, key; criterion);
#   - the server's resident memory idle and under the ingest load.
#
#   scripts/bench.sh [seconds per phase, default 10] [connections, default 16] [latency rate/s, default 200]
#
# BENCH_ONLY=ingest: only the webhook ingest rows (SQLite and PostgreSQL,
# product beside the bare baseline), with the release server built by plain
# cargo (no WASM, so no cargo-leptos needed); the same commands otherwise.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres.sh"

SECONDS_PER_PHASE="${1:-10}"
CONNECTIONS="${2:-16}"
LATENCY_RATE="${3:-200}"

ONLY="${BENCH_ONLY:-}"
case "$ONLY" in "" | ingest) ;; *) echo "BENCH_ONLY: only 'ingest' is known" >&2; exit 2 ;; esac
# Chromium and Playwright (--test) for the what-if in the browser.
[ "$ONLY" = ingest ] || "$ROOT/scripts/setup.sh" --test
ensure_postgres

# The release server and the WASM bundle come from one cargo-leptos build
# (also refreshes a WASM left by a debug build), as scripts/run.sh builds
# them: content-hashed names, brotli and gzip variants.
if [ "$ONLY" = ingest ]; then
  step "cargo build --release (server, load generator, baseline)"
  cargo build --release -p server -p notify-bench
else
  export LEPTOS_HASH_FILES=true
  step "cargo leptos build --release --precompress (server + WASM)"
  cargo leptos build --release --precompress
  step "cargo build --release (load generator, baseline)"
  cargo build --release -p notify-bench
fi

tmp="$(mktemp -d /tmp/cn-bench.XXXXXX)"
pids=()
pg_db="cn_bench_$$"
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS ${pg_db}_product WITH (FORCE)" >/dev/null 2>&1 || true
  psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS ${pg_db}_bare WITH (FORCE)" >/dev/null 2>&1 || true
  psql "$TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS ${pg_db}_web WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing answers on $1" >&2; return 1
}

rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# Samples a process's VmRSS every 100 ms into a file until stopped; prints the peak.
sample_rss() { while kill -0 "$1" 2>/dev/null; do awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" >>"$2" 2>/dev/null; sleep 0.1; done; }
peak_mib() { sort -n "$1" | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'; }

# One key=value from the RESULT lines of a log.
result() { { grep -h '^RESULT' "$1" || true; } | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }' | tail -1; }

# The metrics listener of the server on 127.0.0.1:<port> is on <port + 100>.
metrics_of() { printf 'http://127.0.0.1:%s' "$(( ${1##*:} + 100 ))"; }

start_server() { # addr database-url log [SERVER_ROLES]
  SERVER_ROLES="${4:-web,processor,worker}" LEPTOS_SITE_ADDR="$1" PUBLIC_URL="http://$1" DATABASE_URL="$2" \
    OUTBOX_SINK_DIR="$tmp/outbox-${1##*:}" RUST_LOG=warn METRICS_ADDR="$(metrics_of "$1" | sed 's|http://||')" \
    WEBHOOK_RATE_PER_SECOND=1000000 WEBHOOK_BURST=1000000 \
    target/release/server >"$3" 2>&1 &
}

# --- SQLite --------------------------------------------------------------
target/release/bare-ingest 127.0.0.1:3400 "$tmp/bare.db" >"$tmp/bare.log" 2>&1 & pids+=($!)
start_server 127.0.0.1:3500 "sqlite://$tmp/product.db" "$tmp/server.log"; server_pid=$!; pids+=($server_pid)
wait_for 127.0.0.1:3400
wait_for 127.0.0.1:3500
sleep 1
rss_idle="$(rss_mib "$server_pid")"

first_visit_ok=1
if [ -z "$ONLY" ]; then
  step "first visit: the page's CSS, JS and WASM as a browser downloads them"
  target/release/first-visit http://127.0.0.1:3500 "${WASM_BUDGET_KIB:-200}" | tee "$tmp/first-visit.txt" || first_visit_ok=
  step "settings page: navigation → hydrated in Chromium (10 cold loads, loopback and 1.6 Mbit/s)"
  node end2end/bench/hydration.mjs http://127.0.0.1:3500 | tee "$tmp/hydration.txt"

  step "what-if over 50,000 processed orders: natively, then in Chromium"
  target/release/what-if 50000 "sqlite://$tmp/what-if.db" | tee "$tmp/what-if.txt"
  start_server 127.0.0.1:3502 "sqlite://$tmp/what-if.db" "$tmp/server-what-if.log"; what_if_pid=$!
  wait_for 127.0.0.1:3502
  node end2end/bench/what-if.mjs http://127.0.0.1:3502 owner@bench.example "correct horse battery" | tee -a "$tmp/what-if.txt"
  kill "$what_if_pid"

  # Latency first, on a quiet server (the ingest phases leave a backlog of
  # tens of thousands of events for the processor).
  step "event → message handed to the sink, ${LATENCY_RATE}/s for ${SECONDS_PER_PHASE} s"
  target/release/delivery-latency http://127.0.0.1:3500 "$LATENCY_RATE" "$SECONDS_PER_PHASE" | tee "$tmp/latency.txt"
fi

step "webhook ingest on SQLite: product vs bare baseline"
sample_rss "$server_pid" "$tmp/rss.txt" & sampler=$!
target/release/webhook-load http://127.0.0.1:3500 http://127.0.0.1:3400 "$SECONDS_PER_PHASE" "$CONNECTIONS" "$(metrics_of 127.0.0.1:3500)" | tee "$tmp/sqlite.txt"
rss_load="$(rss_mib "$server_pid")"
kill "$sampler" 2>/dev/null || true
rss_peak="$(peak_mib "$tmp/rss.txt")"
# Stopped now: it would go on draining the backlog the load left, on the
# cores the next measurements use.
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
stop "$server_pid"

# The same on a replica that only receives (SERVER_ROLES=web, as README's
# scale-out runs it): no processor or delivery on these 2 cores.
step "webhook ingest on SQLite, an ingest-only replica (SERVER_ROLES=web): product vs bare baseline"
start_server 127.0.0.1:3510 "sqlite://$tmp/product-web.db" "$tmp/server-web.log" web; web_pid=$!; pids+=($web_pid)
wait_for 127.0.0.1:3510
target/release/webhook-load http://127.0.0.1:3510 http://127.0.0.1:3400 "$SECONDS_PER_PHASE" "$CONNECTIONS" "$(metrics_of 127.0.0.1:3510)" | tee "$tmp/sqlite-web.txt"
stop "$web_pid"

# --- PostgreSQL ----------------------------------------------------------
step "webhook ingest on PostgreSQL (fresh databases): product vs bare baseline"
psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE ${pg_db}_product" >/dev/null
psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE ${pg_db}_bare" >/dev/null
pg_url() { printf '%s/%s' "${TEST_POSTGRES_URL%/*}" "$1"; }
target/release/bare-ingest 127.0.0.1:3401 "$(pg_url "${pg_db}_bare")" >"$tmp/bare-pg.log" 2>&1 & pids+=($!)
start_server 127.0.0.1:3501 "$(pg_url "${pg_db}_product")" "$tmp/server-pg.log"; pg_pid=$!; pids+=($pg_pid)
wait_for 127.0.0.1:3401
wait_for 127.0.0.1:3501
target/release/webhook-load http://127.0.0.1:3501 http://127.0.0.1:3401 "$SECONDS_PER_PHASE" "$CONNECTIONS" "$(metrics_of 127.0.0.1:3501)" | tee "$tmp/pg.txt"
stop "$pg_pid"
step "webhook ingest on PostgreSQL, an ingest-only replica (SERVER_ROLES=web): product vs bare baseline"
psql "$TEST_POSTGRES_URL" -qc "CREATE DATABASE ${pg_db}_web" >/dev/null
start_server 127.0.0.1:3511 "$(pg_url "${pg_db}_web")" "$tmp/server-pg-web.log" web; pg_web_pid=$!; pids+=($pg_web_pid)
wait_for 127.0.0.1:3511
target/release/webhook-load http://127.0.0.1:3511 http://127.0.0.1:3401 "$SECONDS_PER_PHASE" "$CONNECTIONS" "$(metrics_of 127.0.0.1:3511)" | tee "$tmp/pg-web.txt"
stop "$pg_web_pid"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
s_p_rps="$(result "$tmp/sqlite.txt" product_rps)"; s_b_rps="$(result "$tmp/sqlite.txt" bare_rps)"
p_p_rps="$(result "$tmp/pg.txt" product_rps)"; p_b_rps="$(result "$tmp/pg.txt" bare_rps)"
# An ingest-only replica's rows, against the bare insert of the same run.
web_rows() { # backend results
  cat <<EOF
| webhook ingest, $1, ingest-only replica (SERVER_ROLES=web): req/s | $(result "$2" product_rps) | $(result "$2" bare_rps) | $(ratio "$(result "$2" product_rps)" "$(result "$2" bare_rps)") |
| webhook ingest, $1, ingest-only replica, at half the max rate: p50 / p99 ms (goal p99 ≤ 10); in its handler p99 | $(result "$2" product_half_p50_ms) / $(result "$2" product_half_p99_ms); ≤ $(result "$2" product_half_handler_p99_ms) | $(result "$2" bare_half_p50_ms) / $(result "$2" bare_half_p99_ms) | |
| … the same, right after the max phase: p50 / p99 ms; in its handler p99 | $(result "$2" product_after_max_p50_ms) / $(result "$2" product_after_max_p99_ms); ≤ $(result "$2" product_after_max_handler_p99_ms) | | |
EOF
}
# The ingest rows (goals: throughput ≥ 0.8× the bare insert, p99 at half
# the maximum rate ≤ 10 ms).
ingest_rows() {
  cat <<EOF
| webhook ingest, SQLite: req/s (${CONNECTIONS} connections) | ${s_p_rps} | ${s_b_rps} | $(ratio "$s_p_rps" "$s_b_rps") |
| webhook ingest, SQLite: p50 / p99 ms | $(result "$tmp/sqlite.txt" product_p50_ms) / $(result "$tmp/sqlite.txt" product_p99_ms) | $(result "$tmp/sqlite.txt" bare_p50_ms) / $(result "$tmp/sqlite.txt" bare_p99_ms) | |
| webhook ingest, SQLite, at half the max rate, once the backlog the max phase left is processed: p50 / p99 ms (goal p99 ≤ 10) | $(result "$tmp/sqlite.txt" product_half_p50_ms) / $(result "$tmp/sqlite.txt" product_half_p99_ms) | $(result "$tmp/sqlite.txt" bare_half_p50_ms) / $(result "$tmp/sqlite.txt" bare_half_p99_ms) | |
| … of which in the product's handler (its own histogram, bucket bounds): p50 / p99 ms | ≤ $(result "$tmp/sqlite.txt" product_half_handler_p50_ms) / ≤ $(result "$tmp/sqlite.txt" product_half_handler_p99_ms) | | |
| webhook ingest, SQLite, at half the max rate right after the max phase, while the processor works through the backlog that phase left: p50 / p99 ms; in its handler p99 | $(result "$tmp/sqlite.txt" product_after_max_p50_ms) / $(result "$tmp/sqlite.txt" product_after_max_p99_ms); ≤ $(result "$tmp/sqlite.txt" product_after_max_handler_p99_ms) | | |
| … that backlog: webhooks waiting after that phase, processed in s | $(result "$tmp/sqlite.txt" product_backlog) in $(result "$tmp/sqlite.txt" product_drain_s) s | | |
| webhook ingest, PostgreSQL: req/s (${CONNECTIONS} connections) | ${p_p_rps} | ${p_b_rps} | $(ratio "$p_p_rps" "$p_b_rps") |
| webhook ingest, PostgreSQL: p50 / p99 ms | $(result "$tmp/pg.txt" product_p50_ms) / $(result "$tmp/pg.txt" product_p99_ms) | $(result "$tmp/pg.txt" bare_p50_ms) / $(result "$tmp/pg.txt" bare_p99_ms) | |
| webhook ingest, PostgreSQL, at half the max rate, once the backlog the max phase left is processed: p50 / p99 ms (goal p99 ≤ 10) | $(result "$tmp/pg.txt" product_half_p50_ms) / $(result "$tmp/pg.txt" product_half_p99_ms) | $(result "$tmp/pg.txt" bare_half_p50_ms) / $(result "$tmp/pg.txt" bare_half_p99_ms) | |
| … of which in the product's handler (its own histogram, bucket bounds): p50 / p99 ms | ≤ $(result "$tmp/pg.txt" product_half_handler_p50_ms) / ≤ $(result "$tmp/pg.txt" product_half_handler_p99_ms) | | |
| webhook ingest, PostgreSQL, at half the max rate right after the max phase, while the processor works through the backlog that phase left: p50 / p99 ms; in its handler p99 | $(result "$tmp/pg.txt" product_after_max_p50_ms) / $(result "$tmp/pg.txt" product_after_max_p99_ms); ≤ $(result "$tmp/pg.txt" product_after_max_handler_p99_ms) | | |
| … that backlog: webhooks waiting after that phase, processed in s | $(result "$tmp/pg.txt" product_backlog) in $(result "$tmp/pg.txt" product_drain_s) s | | |
$(web_rows SQLite "$tmp/sqlite-web.txt")
$(web_rows PostgreSQL "$tmp/pg-web.txt")
EOF
}
if [ "$ONLY" = ingest ]; then
  step "summary, ingest only (all measured in this run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
  echo "| what | product | bare baseline | product / bare |"
  echo "|---|---|---|---|"
  ingest_rows
  exit 0
fi

# --- decide --------------------------------------------------------------
step "notify-core decide (criterion)"
cargo bench -p notify-core --bench decide -- 'decide/order' --warm-up-time 1 --measurement-time 3 | tee "$tmp/decide.txt"
# "time:   [a unit b unit c unit]": the middle estimate, in ns.
decide_ns="$(sed -n 's/.*time: *\[\([^]]*\)\].*/\1/p' "$tmp/decide.txt" | head -1 | awk '
  { v = $3; u = $4
    if (u == "ps") v /= 1000; else if (u == "µs" || u == "us") v *= 1000; else if (u == "ms") v *= 1000000
    printf "%.1f", v }')"

step "notify-ingest receive per webhook (criterion)"
cargo bench -p notify-ingest --bench receive -- --warm-up-time 1 --measurement-time 3 | tee "$tmp/receive.txt"
receive_us() { grep -A1 "^receive/$1" "$tmp/receive.txt" | sed -n 's/.*time: *\[\([^]]*\)\].*/\1/p' | head -1 | awk '
  { v = $3; u = $4
    if (u == "ns") v /= 1000; else if (u == "ms") v *= 1000
    printf "%.1f", v }'; }

# --- delivery ------------------------------------------------------------
step "delivery: messages/s to providers answering at once and after 200 ms (SQLite, PostgreSQL)"
SERVER_BIN=target/release/server target/release/delivery-throughput 1000 0,200 | tee "$tmp/throughput.txt"
step "delivery: store B's event → provider while store A has 5,000 messages queued"
SERVER_BIN=target/release/server target/release/drill fairness | tee "$tmp/fairness.txt"

# --- WASM ----------------------------------------------------------------
wasm="$(ls -S target/site/pkg/*.wasm | head -1)"
kib() { awk -v b="$1" 'BEGIN { if (b != "") printf "%.1f", b / 1024; else print "-" }'; }

step "summary (all measured in this run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
cat <<EOF
| what | product | bare baseline | product / bare |
|---|---|---|---|
$(ingest_rows)
| event → email in the sink (SQLite, ${LATENCY_RATE}/s): p50 / p99 ms | $(result "$tmp/latency.txt" latency_p50_ms) / $(result "$tmp/latency.txt" latency_p99_ms) ($(result "$tmp/latency.txt" latency_sent)/$(result "$tmp/latency.txt" latency_accepted) sent) | | |
| decide, one order event, 44 rules: ns/event | ${decide_ns} | | |
| receive (signature, shape, key) per webhook: µs Shopify / WooCommerce / generic | $(receive_us shopify) / $(receive_us woocommerce) / $(receive_us events) | | |
| what-if, 50,000 processed orders: history load ms (server) / count per toggle µs (native) | $(result "$tmp/what-if.txt" what_if_load_ms) / $(result "$tmp/what-if.txt" what_if_count_us) | | |
| what-if in Chromium: history shown after navigation ms (median of 5) / per toggle ms median, worst of 20 (goal ≤ 16) | $(result "$tmp/what-if.txt" what_if_history_ms) / $(result "$tmp/what-if.txt" what_if_toggle_ms), $(result "$tmp/what-if.txt" what_if_toggle_worst_ms) | | |
| delivery, one worker replica, providers answering at once: messages/s SQLite / PostgreSQL (goal ≥ 1,000) | $(result "$tmp/throughput.txt" send_rate_sqlite_0ms) / $(result "$tmp/throughput.txt" send_rate_postgresql_0ms) | | |
| delivery, providers answering after 200 ms: messages/s SQLite / PostgreSQL (goal ≥ 150) | $(result "$tmp/throughput.txt" send_rate_sqlite_200ms) / $(result "$tmp/throughput.txt" send_rate_postgresql_200ms) | | |
| delivery worker RSS at the end, at once / 200 ms: MiB SQLite; PostgreSQL | $(result "$tmp/throughput.txt" send_rss_sqlite_0ms) / $(result "$tmp/throughput.txt" send_rss_sqlite_200ms); $(result "$tmp/throughput.txt" send_rss_postgresql_0ms) / $(result "$tmp/throughput.txt" send_rss_postgresql_200ms) | | |
| store B's event → provider while A has 5,000 queued: p50 / p99 ms SQLite; PostgreSQL (goal p99 ≤ 2,000) | $(result "$tmp/fairness.txt" fairness_sqlite_p50_ms) / $(result "$tmp/fairness.txt" fairness_sqlite_p99_ms); $(result "$tmp/fairness.txt" fairness_postgresql_p50_ms) / $(result "$tmp/fairness.txt" fairness_postgresql_p99_ms) | | |
| release WASM ($(basename "$wasm")) as served: raw / gzip / brotli KiB | $(kib "$(result "$tmp/first-visit.txt" wasm_raw_bytes)") / $(kib "$(result "$tmp/first-visit.txt" wasm_gzip_bytes)") / $(kib "$(result "$tmp/first-visit.txt" first_visit_wasm_bytes)") | | |
| first visit (Accept-Encoding: br, gzip): WASM bytes (budget ${WASM_BUDGET_KIB:-200} KiB) / all CSS, JS and WASM bytes | $(result "$tmp/first-visit.txt" first_visit_wasm_bytes) ($([ -n "$first_visit_ok" ] && echo within || echo "OVER, or checks failed: see above")) / $(result "$tmp/first-visit.txt" first_visit_bytes) | | |
| settings page, navigation → hydrated in Chromium, median of 10 cold loads: ms loopback / 1.6 Mbit/s, 150 ms | $(result "$tmp/hydration.txt" hydrated_ms) / $(result "$tmp/hydration.txt" hydrated_slow_ms) | | |
| server RSS (SQLite): idle / end of load / peak under load MiB | ${rss_idle} / ${rss_load} / ${rss_peak} | | |
EOF
if [ -z "$first_visit_ok" ]; then
  echo "first visit: the WASM is over its budget or a file lacks compression or caching (see 'first visit' above)" >&2
  exit 1
fi
