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

# A Go toolchain new enough for MinIO: go on PATH, /usr/local/go, or Debian's package.
# Go >= 1.21 fetches a newer toolchain itself (GOTOOLCHAIN=auto, from the Go module proxy)
# when MinIO's go.mod asks for one.
minio_go() {
  local candidate v attempt
  for attempt in 1 2; do
    for candidate in "$(command -v go || true)" /usr/local/go/bin/go $(printf '%s\n' /usr/lib/go-*/bin/go | sort -V -r); do
      [[ -n "$candidate" && -x "$candidate" ]] || continue
      v="$("$candidate" env GOVERSION 2>/dev/null | sed 's/^go//')"
      if [[ -n "$v" && "$(printf '%s\n%s\n' 1.21 "$v" | sort -V | head -1)" == 1.21 ]]; then echo "$candidate"; return; fi
    done
    [[ "$attempt" == 1 && -z "$(command -v go || true)" && ! -x /usr/local/go/bin/go ]] || break
    apt_install golang-go
  done
  die "MinIO needs Go >= $MINIO_GO_MIN (any Go >= 1.21 fetches it by itself); found ${v:-no Go}. Install Go from https://go.dev/dl into /usr/local/go"
}

# Builds the server once per cache into a temp GOBIN, then one rename into place.
minio_build() {
  [[ -x "$MINIO_BIN" ]] && return
  mkdir -p "$MINIO_HOME"
  lock_file "$MINIO_HOME/.lock" 9
  if [[ -x "$MINIO_BIN" ]]; then flock -u 9; return; fi
  local go t0="$EPOCHREALTIME" tmp log="$LOGS/minio-build.log"
  go="$(minio_go)"
  rm -rf "$MINIO_HOME"/.tmp.*   # left by a killed build (we hold the lock); Go's own cache stays
  say "minio: building github.com/minio/minio@$MINIO_VERSION with $("$go" env GOVERSION) (a few minutes the first time; log $(rel "$log"))"
  tmp="$(mktemp -d "$MINIO_HOME/.tmp.XXXXXX")"
  if ! GOBIN="$tmp" GOFLAGS="-trimpath" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" \
      "$go" install "github.com/minio/minio@$MINIO_VERSION" >"$log" 2>&1 </dev/null; then
    rm -rf "$tmp"
    flock -u 9
    die "minio: go install failed; see $(rel "$log")"
  fi
  mv -f "$tmp/minio" "$MINIO_BIN"
  rm -rf "$tmp"
  flock -u 9
  say "minio: built $MINIO_BIN ($(elapsed "$t0") s)"
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
