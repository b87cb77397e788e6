# shellcheck shell=bash
# shellcheck disable=SC2153  # DATA, LOGS, ... come from common.sh
# PostgreSQL: the project's own cluster (Debian's binaries), trust auth on 127.0.0.1 only.
# Sourced by infra/local after common.sh.

PG_LINK="$DATA/postgres"      # data folder, or a symlink to /var/tmp/lienthong-<hash>/postgres
PG_LOG="$LOGS/postgres.log"

pg_bin() {
  local dir
  dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  [[ -n "$dir" && -x "$dir/postgres" ]] && echo "$dir"
}

ensure_pg_installed() {
  pg_bin >/dev/null || apt_install postgresql
  pg_bin >/dev/null || die "postgresql installed but /usr/lib/postgresql/*/bin/postgres is missing"
}

# Runs a command as the owner of the cluster: the `postgres` user when we are root.
# cd / first: the postgres user may not be able to enter the clone.
as_pg() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Data folder of the cluster (resolves the symlink); creates it on first use.
# The postgres user cannot traverse e.g. /root (mode 700): then the data lives in
# /var/tmp/lienthong-<hash of clone path>/postgres with a symlink from .data/infra/postgres.
pg_data() {
  if [[ -L "$PG_LINK" ]]; then
    local target
    target="$(readlink "$PG_LINK")"
    mkdir -p "$target"
    echo "$target"
    return
  fi
  if [[ ! -d "$PG_LINK" ]]; then
    if ! is_root || runuser -u postgres -- test -x "$DATA/." 2>/dev/null; then
      mkdir -p "$PG_LINK"
    else
      local outside
      outside="/var/tmp/lienthong-$(clone_hash)"
      mkdir -p "$outside/postgres"
      chmod 755 "$outside"
      printf '%s\n' "$ROOT" >"$outside/clone-path"
      ln -sfn "$outside/postgres" "$PG_LINK"
      say "postgres data in $outside/postgres (the postgres user cannot reach $(dirname "$ROOT"))"
      echo "$outside/postgres"
      return
    fi
  fi
  echo "$PG_LINK"
}

pg_pid() {
  local dir="$PG_LINK"
  [[ -e "$dir/postmaster.pid" ]] || return 1
  live_pid "$dir/postmaster.pid" "postgres"
}

pg_init() {
  local data="$1" bin="$2"
  is_root && chown postgres:postgres "$data"
  chmod 700 "$data"
  say "postgres: initdb in $(rel "$PG_LINK")"
  if ! as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      --no-sync --no-instructions >"$LOGS/postgres-initdb.log" 2>&1; then
    die "postgres initdb failed; see $(rel "$LOGS/postgres-initdb.log")"
  fi
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<'CONF'

# lienthong test cluster (infra/local)
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_checkpoints = off
CONF
  as_pg tee "$data/pg_hba.conf" >/dev/null <<'HBA'
# lienthong test cluster: trust, TCP on loopback only (no Unix socket is opened).
host all all 127.0.0.1/32 trust
HBA
}

pg_psql() {
  "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres -tAc "$2"
}

pg_up() {
  local t0="$EPOCHREALTIME" bin data pid port
  ensure_pg_installed
  bin="$(pg_bin)"
  data="$(pg_data)"
  if pid="$(pg_pid)"; then
    port="$(recorded_port postgres "$PG_PORT")"
    [[ "$port" == "$PG_PORT" ]] || say "postgres already running on $port (pid $pid); 'infra/local down' to change the port"
  else
    port="$PG_PORT"
    [[ -f "$data/PG_VERSION" ]] || pg_init "$data" "$bin"
    local have want
    have="$(cat "$data/PG_VERSION")"
    want="$("$bin/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
    [[ "$have" == "$want" ]] || die "postgres data in $(rel "$PG_LINK") is version $have but the binaries are $want; run 'infra/local down --purge'"
    require_free_port "$port" postgres
    : >>"$PG_LOG"
    # pg_ctl's stdout (the server log) is opened here, by us: the postgres user may not reach .data/.
    if ! as_pg "$bin/pg_ctl" start -D "$data" -w -t 60 -o "-p $port" >>"$PG_LOG" 2>&1 </dev/null 8>&- 9>&-; then
      die "postgres did not start on 127.0.0.1:$port; see $(rel "$PG_LOG")"
    fi
    echo "$port" >"$DATA/postgres.port"
  fi
  local i ok=""
  for ((i = 0; i < 300; i++)); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        && [[ "$(pg_psql "$port" 'select 1' 2>/dev/null)" == 1 ]]; then ok=1; break; fi
    sleep 0.1
  done
  [[ -n "$ok" ]] || die "postgres on 127.0.0.1:$port does not answer queries after 30 s; see $(rel "$PG_LOG")"
  if [[ "$(pg_psql "$port" "select 1 from pg_database where datname = 'lienthong'")" != 1 ]]; then
    pg_psql "$port" 'create database lienthong' >/dev/null || die "could not create database lienthong; see $(rel "$PG_LOG")"
  fi
  say "postgres ready on 127.0.0.1:$port ($(elapsed "$t0") s)"
}

pg_down() {
  local pid
  if pid="$(pg_pid)"; then
    if ! as_pg "$(pg_bin)/pg_ctl" stop -D "$(readlink -f "$PG_LINK")" -m fast -w -t 30 >>"$PG_LOG" 2>&1; then
      say "postgres did not stop with pg_ctl; stopping pid $pid"
      stop_pid "$pid" 10 postgres
    fi
    say "postgres stopped"
  fi
  rm -f "$DATA/postgres.port"
}

pg_purge() {
  if [[ -L "$PG_LINK" ]]; then
    local target
    target="$(readlink "$PG_LINK")"
    # the whole /var/tmp/lienthong-<hash> folder is ours
    case "$target" in
      /var/tmp/lienthong-*/postgres) rm -rf "$(dirname "$target")" ;;
      *) rm -rf "$target" ;;
    esac
  fi
}

pg_status() {
  local pid port state=stopped
  port="$(recorded_port postgres "$PG_PORT")"
  if pid="$(pg_pid)"; then state=running; else pid="-"; port="$PG_PORT"; fi
  local data="$PG_LINK"
  [[ -L "$PG_LINK" ]] && data="$(rel "$PG_LINK") -> $(readlink "$PG_LINK")" || data="$(rel "$PG_LINK")"
  printf '%-9s %-8s 127.0.0.1:%-6s pid %-8s data %s  log %s\n' postgres "$state" "$port" "$pid" "$data" "$(rel "$PG_LOG")"
}

pg_url() { echo "postgres://postgres@127.0.0.1:$1/lienthong"; }
