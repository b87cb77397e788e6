#!/bin/sh
# Entry point of the lienthong image: `intake`, `signing`, `archive` or `delivery` runs that
# service; `lienthong ARGS...` runs the operator CLI. Before either, every readable file
# /run/secrets/LIENTHONG_* (compose secrets, or a Kubernetes Secret mounted there) becomes
# the variable of its name, so that secrets need not be passed as plain environment.
# LIENTHONG_SECRETS_DIR and LIENTHONG_APP_DIR move /run/secrets and /app.
set -eu

app="${LIENTHONG_APP_DIR:-/app}"

secrets_dir="${LIENTHONG_SECRETS_DIR:-/run/secrets}"
if [ -d "$secrets_dir" ]; then
  for file in "$secrets_dir"/LIENTHONG_*; do
    [ -f "$file" ] && [ -r "$file" ] || continue
    name="$(basename "$file")"
    case "$name" in
      *[!A-Z0-9_]*) echo "lienthong-entrypoint: ignoring $file (not a variable name)" >&2; continue ;;
    esac
    # $(cat) drops the trailing newline only: a PEM key keeps its inner lines.
    export "$name=$(cat "$file")"
  done
fi

command="${1:-}"
[ "$#" -gt 0 ] && shift
case "$command" in
  intake | signing | archive | delivery | console)
    exec node "$app/services/$command/src/server.ts" "$@"
    ;;
  lienthong)
    exec node "$app/libs/cli/src/main.ts" "$@"
    ;;
  *)
    echo "usage: lienthong-entrypoint intake|signing|archive|delivery|console, or lienthong ARGS..." >&2
    exit 64
    ;;
esac
