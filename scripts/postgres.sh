# Makes a PostgreSQL server reachable for the tests and exports
# TEST_POSTGRES_URL. Sourced by test.sh. In order of preference:
#   1. TEST_POSTGRES_URL already set and reachable;
#   2. the machine's server on 127.0.0.1:5432 (started if it is stopped);
#   3. a throwaway cluster from the installed PostgreSQL binaries (Debian's
#      postgresql package is installed if missing), stopped on exit.

pg_ready() { pg_isready -q -d "$1" >/dev/null 2>&1; }

ensure_postgres() {
  if [ -n "${TEST_POSTGRES_URL:-}" ] && pg_ready "$TEST_POSTGRES_URL"; then return 0; fi
  apt_install postgresql postgresql-client
  local default="postgres://postgres@127.0.0.1:5432/postgres"
  if ! pg_ready "$default" && have pg_ctlcluster && [ -d /etc/postgresql ]; then
    step "starting the machine's PostgreSQL cluster"
    for v in $(ls /etc/postgresql); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
    done
    for _ in $(seq 1 20); do pg_ready "$default" && break; sleep 0.5; done
  fi
  if pg_ready "$default" && psql "$default" -Atqc 'select 1' >/dev/null 2>&1; then
    export TEST_POSTGRES_URL="$default"
    return 0
  fi
  start_throwaway_postgres 54329
}

# Starts a private cluster on 127.0.0.1:$1 in a temporary folder; stops it
# when the calling shell exits.
start_throwaway_postgres() {
  local port="$1" bin dir as_pg=""
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  dir="$(mktemp -d /tmp/cn-pg.XXXXXX)"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as_pg="runuser -u postgres --"; fi
  step "starting a throwaway PostgreSQL cluster on port $port ($dir)"
  $as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
  $as_pg "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/log" -w start >/dev/null
  trap "$as_pg '$bin/pg_ctl' -D '$dir/data' -m fast stop >/dev/null 2>&1 || true; rm -rf '$dir'" EXIT
  export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
}
