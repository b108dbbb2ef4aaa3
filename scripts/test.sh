#!/usr/bin/env bash
# Runs every test: formatting and lints, unit and property tests, the core's
# golden cases compiled to WASM, integration tests, and the browser tests.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres.sh"

"$ROOT/scripts/setup.sh" --test
ensure_postgres
echo "PostgreSQL for tests: $TEST_POSTGRES_URL"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, all targets) -D warnings"
cargo clippy --workspace --exclude frontend --all-targets -- -D warnings

step "alerting rules: promtool check and unit tests (ops/alerts.yml)"
promtool check rules ops/alerts.yml
promtool test rules ops/alerts_test.yml

step "native tests: unit, property, integration"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --exclude frontend --no-fail-fast
else
  cargo test --workspace --exclude frontend --no-fail-fast
fi

step "drills, short: kill -9 under load, provider outage, bad input, rate limits, fairness (SQLite and PostgreSQL)"
cargo build -p server -p notify-bench --bin server --bin drill
SERVER_BIN=target/debug/server target/debug/drill all --short

step "API contract: schemathesis against /api/v1/openapi.json (every operation, positive, negative, stateful)"
SERVER_BIN=target/debug/server "$ROOT/scripts/api-contract.sh"

step "fuzz: each webhook normaliser and signature parser for a few seconds"
"$ROOT/scripts/fuzz.sh" "${FUZZ_SECONDS:-5}"

step "the page's WASM leaves every platform's webhook code out (notify-ingest without receive)"
if cargo tree -p frontend --target wasm32-unknown-unknown --no-default-features -e features --prefix none |
  grep -E '^notify-ingest feature "(default|receive)"'; then
  echo "the frontend would link notify-ingest's webhook code (2.3 times the WASM): only the server side may enable receive" >&2
  exit 1
fi

step "cargo leptos build (server + WASM frontend, for the browser tests)"
cargo leptos build

step "the page's WASM links none of the server-side libraries (a phone-number database, regular expressions)"
# A crate's code carries its source paths (panic locations) into the .wasm:
# its name there means the page links it. The phone-number library once
# came in through a deserialiser and doubled the page's download.
wasm="$(ls -S target/site/pkg/*.wasm | head -1)"
if linked="$(grep -a -o -E '/(phonenumber|regex|regex-automata|regex-syntax|sqlx-core|tokio)-[0-9]+\.[0-9]+\.[0-9]+' "$wasm" | sort -u)" && [ -n "$linked" ]; then
  echo "$wasm links: $linked" >&2
  exit 1
fi

step "the page's WASM is its islands only: the rule editor in it, the pages rendered only on the server not"
# The debug build keeps function names: each component is a
# `__component_<name>` function there.
if ! grep -a -q '__component_editor' "$wasm"; then
  echo "$wasm: the rule editor's island is missing (is the WASM built with names?)" >&2
  exit 1
fi
if hydrated="$(grep -a -o -E '__component_(app_layout|deliveries_page|delivery_page|orders_page|order_timeline_page|timeline_card|message_line|activity_page|integrations_page|notifications_page|log_in_page|sign_up_page|log_in_form|sign_up_form|integration_cards|integration_card)' "$wasm" | sort -u)" && [ -n "$hydrated" ]; then
  echo "$wasm carries server-only components (not islands): $hydrated" >&2
  exit 1
fi

# The real-order preview gets its messages rendered by the server: the WASM
# has no reader for a whole order (items, money, tracking: 24 KB of gzip).
if grep -a -q 'Deserialize for notify_core::event::TransactionEvent' "$wasm"; then
  echo "$wasm reads whole orders (TransactionEvent) from JSON: the real-order preview should get them rendered" >&2
  exit 1
fi

# The islands' server functions answer in JSON read from text, as their
# props are (app::json_text): server_fn's own Json reads bytes, which
# compiled a second serde_json reader into the WASM.
if grep -a -q 'server_fn::codec::json::JsonEncoding as server_fn::Decodes' "$wasm"; then
  echo "$wasm reads a server function's answer with server_fn's Json (from bytes): give it output = JsonText" >&2
  exit 1
fi

step "the page's WASM as a release build serves it: brotli within its 200 KiB budget"
"$ROOT/scripts/wasm-size.sh"

step "core compiled to wasm32: the same golden cases under wasm-bindgen-test (Node)"
cargo test -p notify-core --target wasm32-unknown-unknown --test golden

step "end-to-end: Playwright in Debian's Chromium"
(cd end2end && npx playwright test)
