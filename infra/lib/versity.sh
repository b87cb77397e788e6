# shellcheck shell=bash
# Versity S3 Gateway (S3 with Object Lock over a POSIX folder), built from its Go module at a
# pinned version. The second S3 implementation the storage tests run on, next to MinIO.
# Sourced by infra/local after common.sh and go.sh.

VERSITY_VERSION="v1.8.0"
VERSITY_GO_MIN="1.25"                                 # go.mod of that version asks for go 1.25.0
VERSITY_HOME="$CACHE/versitygw-$VERSITY_VERSION"
VERSITY_BIN="$VERSITY_HOME/versitygw"
VERSITY_DIR="$DATA/versity"
VERSITY_PIDFILE="$DATA/versity.pid"
VERSITY_LOG="$LOGS/versity.log"

versity_build() {
  go_build_once versity "github.com/versity/versitygw/cmd/versitygw@$VERSITY_VERSION" "$VERSITY_BIN" \
    "$VERSITY_GO_MIN" "$LOGS/versity-build.log"
}

# The folder arguments are per clone, so another clone's gateway (same binary) is not ours.
versity_pid() { live_pid "$VERSITY_PIDFILE" "--versioning-dir $VERSITY_DIR/versions $VERSITY_DIR/buckets"; }

# HTTP status of a SigV4-signed ListBuckets: a real round trip through the gateway's auth.
# The gateway wants x-amz-content-sha256 on every request (here the empty body's digest).
versity_list_buckets() {
  curl -s -o /dev/null -m 2 -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "http://127.0.0.1:$1/" 2>/dev/null || echo 000
}

versity_up() {
  local t0="$EPOCHREALTIME" pid port
  command -v curl >/dev/null || apt_install curl
  versity_build
  if pid="$(versity_pid)"; then
    port="$(recorded_port versity "$VERSITY_PORT")"
    [[ "$port" == "$VERSITY_PORT" ]] || say "versity already running on $port (pid $pid); 'infra/local down' to change the port"
  else
    port="$VERSITY_PORT"
    require_free_port "$port" versity
    # Versions live outside the bucket folder (the gateway's rule); Object Lock state is kept
    # in extended attributes (user.*), which ext4, xfs and btrfs have.
    mkdir -p "$VERSITY_DIR/buckets" "$VERSITY_DIR/versions"
    echo "--- start $(date -u +%FT%TZ)" >>"$VERSITY_LOG"
    ROOT_ACCESS_KEY="$S3_ACCESS_KEY" ROOT_SECRET_KEY="$S3_SECRET_KEY" \
      setsid "$VERSITY_BIN" --port "127.0.0.1:$port" --quiet --keep-alive \
      posix --versioning-dir "$VERSITY_DIR/versions" "$VERSITY_DIR/buckets" \
      >>"$VERSITY_LOG" 2>&1 </dev/null 8>&- 9>&- &
    echo $! >"$VERSITY_PIDFILE"
    echo "$port" >"$DATA/versity.port"
  fi
  local i
  for ((i = 0; i < 300; i++)); do
    [[ "$(versity_list_buckets "$port")" == 200 ]] && break
    versity_pid >/dev/null || die "versity exited during start; see $(rel "$VERSITY_LOG")"
    sleep 0.1
  done
  [[ "$(versity_list_buckets "$port")" == 200 ]] \
    || die "versity on 127.0.0.1:$port did not answer a signed ListBuckets within 30 s; see $(rel "$VERSITY_LOG")"
  say "versity ready on 127.0.0.1:$port ($(elapsed "$t0") s)"
}

versity_down() {
  local pid
  if pid="$(versity_pid)"; then
    stop_pid "$pid" 15 versity
    say "versity stopped"
  fi
  rm -f "$VERSITY_PIDFILE" "$DATA/versity.port"
}

versity_status() {
  local pid port state=stopped
  port="$(recorded_port versity "$VERSITY_PORT")"
  if pid="$(versity_pid)"; then state=running; else pid="-"; port="$VERSITY_PORT"; fi
  printf '%-9s %-8s 127.0.0.1:%-6s pid %-8s data %s  log %s\n' versity "$state" "$port" "$pid" "$(rel "$VERSITY_DIR")" "$(rel "$VERSITY_LOG")"
}
