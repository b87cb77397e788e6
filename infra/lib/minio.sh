# shellcheck shell=bash
# MinIO (S3 with Object Lock), built from its Go module at a pinned version.
# Sourced by infra/local after common.sh.

MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"   # final pseudo-version; the repository is archived
MINIO_GO_MIN="1.24"                                   # go.mod of that version asks for go 1.24
MINIO_HOME="$CACHE/minio-$MINIO_VERSION"
MINIO_BIN="$MINIO_HOME/minio"
MINIO_DIR="$DATA/minio"
MINIO_PIDFILE="$DATA/minio.pid"
MINIO_LOG="$LOGS/minio.log"

# Built once per cache (infra/lib/go.sh: temp GOBIN, one rename, under a flock).
minio_build() {
  go_build_once minio "github.com/minio/minio@$MINIO_VERSION" "$MINIO_BIN" "$MINIO_GO_MIN" "$LOGS/minio-build.log"
}

minio_pid() { live_pid "$MINIO_PIDFILE" "$MINIO_BIN server"; }

http_status() {
  curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || echo 000
}

minio_up() {
  local t0="$EPOCHREALTIME" pid port cport
  command -v curl >/dev/null || apt_install curl
  minio_build
  if pid="$(minio_pid)"; then
    port="$(recorded_port minio "$MINIO_PORT")"
    [[ "$port" == "$MINIO_PORT" ]] || say "minio already running on $port (pid $pid); 'infra/local down' to change the port"
  else
    port="$MINIO_PORT"
    cport="$MINIO_CONSOLE_PORT"
    require_free_port "$port" minio
    require_free_port "$cport" "minio console"
    mkdir -p "$MINIO_DIR"
    echo "--- start $(date -u +%FT%TZ)" >>"$MINIO_LOG"
    MINIO_ROOT_USER="$S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$S3_SECRET_KEY" \
      MINIO_UPDATE=off MINIO_BROWSER_REDIRECT=off \
      setsid "$MINIO_BIN" server --quiet --anonymous \
      --address "127.0.0.1:$port" --console-address "127.0.0.1:$cport" \
      "$MINIO_DIR" >>"$MINIO_LOG" 2>&1 </dev/null 8>&- 9>&- &
    echo $! >"$MINIO_PIDFILE"
    echo "$port" >"$DATA/minio.port"
  fi
  local i
  for ((i = 0; i < 300; i++)); do
    [[ "$(http_status "http://127.0.0.1:$port/minio/health/ready")" == 200 ]] && break
    minio_pid >/dev/null || die "minio exited during start; see $(rel "$MINIO_LOG")"
    sleep 0.1
  done
  [[ "$(http_status "http://127.0.0.1:$port/minio/health/ready")" == 200 ]] \
    || die "minio on 127.0.0.1:$port not ready within 30 s; see $(rel "$MINIO_LOG")"
  say "minio ready on 127.0.0.1:$port ($(elapsed "$t0") s)"
}

minio_down() {
  local pid
  if pid="$(minio_pid)"; then
    stop_pid "$pid" 15 minio
    say "minio stopped"
  fi
  rm -f "$MINIO_PIDFILE" "$DATA/minio.port"
}

minio_status() {
  local pid port state=stopped
  port="$(recorded_port minio "$MINIO_PORT")"
  if pid="$(minio_pid)"; then state=running; else pid="-"; port="$MINIO_PORT"; fi
  printf '%-9s %-8s 127.0.0.1:%-6s pid %-8s data %s  log %s\n' minio "$state" "$port" "$pid" "$(rel "$MINIO_DIR")" "$(rel "$MINIO_LOG")"
}
