#!/usr/bin/env bash
# Load benchmark: signed-webhook ingest of the release server beside a bare
# axum handler doing one durable SQLite insert, measured in the same run.
# Then the event → message-in-the-sink latency at a sustained rate.
#   scripts/bench.sh [seconds per phase, default 10] [connections, default 16] [latency rate/s, default 200]
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh"
step "cargo build --release (server, load generator, baseline)"
cargo build --release -p server -p notify-bench

tmp="$(mktemp -d /tmp/cn-bench.XXXXXX)"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing answers on $1" >&2; return 1
}

target/release/bare-ingest 127.0.0.1:3400 "$tmp/bare.db" >"$tmp/bare.log" 2>&1 & pids+=($!)
LEPTOS_SITE_ADDR=127.0.0.1:3500 PUBLIC_URL=http://127.0.0.1:3500 DATABASE_URL="sqlite://$tmp/product.db" \
  OUTBOX_SINK_DIR="$tmp/outbox" RUST_LOG=warn \
  target/release/server >"$tmp/server.log" 2>&1 & pids+=($!)
wait_for 127.0.0.1:3400
wait_for 127.0.0.1:3500

# Latency first, on a quiet server (the ingest phases leave a backlog of
# tens of thousands of events for the processor).
step "event → message handed to the sink, at a sustained rate"
target/release/delivery-latency http://127.0.0.1:3500 "${3:-200}" "${1:-10}"

step "webhook ingest: product vs bare baseline"
target/release/webhook-load http://127.0.0.1:3500 http://127.0.0.1:3400 "${1:-10}" "${2:-16}"
