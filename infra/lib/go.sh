# shellcheck shell=bash
# The Go toolchain that builds MinIO and Versity S3 Gateway from their Go modules.
# Sourced by infra/local after common.sh.

# A Go toolchain new enough for a module whose go.mod asks for $1 ($2 names it in messages):
# go on PATH, /usr/local/go, or Debian's package. Go >= 1.21 fetches a newer toolchain itself
# (GOTOOLCHAIN=auto, from the Go module proxy) when the module's go.mod asks for one.
go_command() {
  local min="$1" what="$2" candidate v="" attempt
  for attempt in 1 2; do
    for candidate in "$(command -v go || true)" /usr/local/go/bin/go $(printf '%s\n' /usr/lib/go-*/bin/go | sort -V -r); do
      [[ -n "$candidate" && -x "$candidate" ]] || continue
      v="$("$candidate" env GOVERSION 2>/dev/null | sed 's/^go//')"
      if [[ -n "$v" && "$(printf '%s\n%s\n' 1.21 "$v" | sort -V | head -1)" == 1.21 ]]; then echo "$candidate"; return; fi
    done
    [[ "$attempt" == 1 && -z "$(command -v go || true)" && ! -x /usr/local/go/bin/go ]] || break
    apt_install golang-go
  done
  die "$what needs Go >= $min (any Go >= 1.21 fetches it by itself); found ${v:-no Go}. Install Go from https://go.dev/dl into /usr/local/go"
}

# Builds `go install PACKAGE@VERSION` once per cache into a temp GOBIN next to its final
# place, then one rename into it, under a per-cache flock: a killed or concurrent build never
# leaves half a binary. $1: name for messages, $2: package@version, $3: final binary path,
# $4: minimum Go of the module's go.mod, $5: log file.
go_build_once() {
  local name="$1" package="$2" bin="$3" min="$4" log="$5" home go t0="$EPOCHREALTIME" tmp
  [[ -x "$bin" ]] && return
  home="$(dirname "$bin")"
  mkdir -p "$home"
  lock_file "$home/.lock" 9
  if [[ -x "$bin" ]]; then flock -u 9; return; fi
  go="$(go_command "$min" "$name")"
  rm -rf "$home"/.tmp.*   # left by a killed build (we hold the lock); Go's own cache stays
  say "$name: building $package with $("$go" env GOVERSION) (log $(rel "$log"))"
  tmp="$(mktemp -d "$home/.tmp.XXXXXX")"
  if ! GOBIN="$tmp" GOFLAGS="-trimpath" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" \
      "$go" install "$package" >"$log" 2>&1 </dev/null; then
    rm -rf "$tmp"
    flock -u 9
    die "$name: go install failed; see $(rel "$log")"
  fi
  mv -f "$tmp/$(basename "$bin")" "$bin"
  rm -rf "$tmp"
  flock -u 9
  say "$name: built $bin ($(elapsed "$t0") s)"
}
