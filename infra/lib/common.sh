# shellcheck shell=bash
# shellcheck disable=SC2034  # settings here are used by the other lib/*.sh files
# Shared helpers for infra/local: paths, progress lines, pidfiles, ports, waits.
# Sourced, not executed. Every function prints to stderr only; stdout is kept for `env`.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$INFRA_DIR/.." && pwd)"
DATA="$ROOT/.data/infra"
LOGS="$DATA/logs"
CACHE="${LIENTHONG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lienthong}"

PG_PORT="${LIENTHONG_PG_PORT:-55432}"
KAFKA_PORT="${LIENTHONG_KAFKA_PORT:-59092}"
KAFKA_CONTROLLER_PORT="${LIENTHONG_KAFKA_CONTROLLER_PORT:-59093}"
MINIO_PORT="${LIENTHONG_MINIO_PORT:-59000}"
MINIO_CONSOLE_PORT="${LIENTHONG_MINIO_CONSOLE_PORT:-59001}"
VERSITY_PORT="${LIENTHONG_VERSITY_PORT:-59100}"
S3_ACCESS_KEY="lienthong"
S3_SECRET_KEY="lienthong-secret"

SERVICES=(postgres kafka minio versity)

say() { echo "infra: $*" >&2; }
die() { echo "infra: error: $*" >&2; exit 1; }

# Seconds elapsed since a start stamp taken from $EPOCHREALTIME, one decimal.
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# Path relative to the clone when inside it, for short messages.
rel() { local p="$1"; [[ "$p" == "$ROOT/"* ]] && p="${p#"$ROOT/"}"; echo "$p"; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Runs a package install, only possible as root. $@: Debian package names.
apt_install() {
  is_root || die "missing $*; install it (apt-get install $*) or run as root"
  say "installing $* from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"; } >"$LOGS/apt.log" 2>&1; then
    die "apt-get install $* failed; see $(rel "$LOGS/apt.log")"
  fi
}

# True when a TCP port on loopback accepts connections.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Fails when something we do not own already listens on the port.
require_free_port() {
  local port="$1" what="$2"
  if port_open "$port"; then
    local who=""
    who="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(([^)]*' | head -1 | sed 's/users:((//')" || true
    die "port 127.0.0.1:$port for $what is taken by another process${who:+ ($who)}; stop it or set the LIENTHONG_*_PORT variable"
  fi
}

# pid from a pidfile when that process is alive and its command line contains $2.
live_pid() {
  local file="$1" marker="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(head -1 "$file" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" || return 1
  echo "$pid"
}

# Sends SIGTERM, waits up to $2 seconds, then SIGKILL. $3: name for messages.
stop_pid() {
  local pid="$1" bound="$2" name="$3" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < bound * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "$name (pid $pid) did not stop within ${bound} s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

# Port a running service was started on (recorded at start), else the configured one.
recorded_port() {
  local file="$DATA/$1.port"
  if [[ -f "$file" ]]; then cat "$file"; else echo "$2"; fi
}

# Holds an exclusive lock on a file for the rest of the calling shell (fd given).
# The fd is inherited by children: every daemon is started with `8>&- 9>&-` so that a
# long-running service never keeps the lock.
lock_file() {
  local file="$1" fd="$2"
  mkdir -p "$(dirname "$file")"
  eval "exec $fd>>\"\$file\""
  flock "$fd"
}

# Short hash of the clone path, for per-clone folders outside it.
clone_hash() { printf '%s' "$ROOT" | sha256sum | cut -c1-12; }
