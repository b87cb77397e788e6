# shellcheck shell=bash
# shellcheck disable=SC2153  # CACHE, LOGS, ... come from common.sh
# Outside tools the tests use as judges: poppler-utils (pdfsig, pdftotext, pdffonts,
# pdftoppm), qpdf, SoftHSM2, OpenSC and Chromium (the console's browser tests) from Debian's packages;
# pyHanko and bagit-python in Python venvs kept in the cache; promtool unpacked from Debian's prometheus
# package into the cache; kustomize built from its Go module. Sourced by infra/local after common.sh and go.sh.

PYHANKO_VERSION="0.38.0"
PYHANKO_CLI_VERSION="0.6.0"   # the CLI release that goes with pyhanko 0.38.0
PYHANKO_HOME="$CACHE/pyhanko-$PYHANKO_VERSION"
PYHANKO_BIN="$PYHANKO_HOME/bin/pyhanko"
PYHANKO_DONE="$PYHANKO_HOME/.complete"
SOFTHSM_MODULE="/usr/lib/softhsm/libsofthsm2.so"

# Debian package, then what proves it is installed: commands, or absolute file paths.
TOOLS_PACKAGES=(
  "poppler-utils pdfsig pdftotext pdffonts pdftoppm"
  "qpdf qpdf"
  "softhsm2 softhsm2-util $SOFTHSM_MODULE"
  "opensc pkcs11-tool"
  "chromium chromium"
)

# Prints the packages (one a line) whose commands or files are missing.
tools_missing_packages() {
  local entry item parts
  for entry in "${TOOLS_PACKAGES[@]}"; do
    read -r -a parts <<<"$entry"
    for item in "${parts[@]:1}"; do
      if [[ "$item" == /* ]]; then
        [[ -e "$item" ]] && continue
      else
        command -v "$item" >/dev/null 2>&1 && continue
      fi
      echo "${parts[0]}"
      break
    done
  done
}

tools_packages() {
  local missing
  mapfile -t missing < <(tools_missing_packages)
  [[ ${#missing[@]} -eq 0 ]] && return
  apt_install "${missing[@]}"
  mapfile -t missing < <(tools_missing_packages)
  [[ ${#missing[@]} -eq 0 ]] || die "tools: still missing after apt-get install: ${missing[*]}"
}

# The Python that makes the venv: Debian's own (/usr/bin/python3) before any python3 on
# PATH (pyenv, conda), so the venv depends only on Debian's packages. Debian ships
# ensurepip (what `python3 -m venv` needs for pip) in python3-venv, which also pulls
# python3: as root it is installed when missing; otherwise a python3 on PATH may serve.
tools_has_venv() { [[ -x "$1" ]] && "$1" -c 'import ensurepip, venv' >/dev/null 2>&1; }

tools_python() {
  local py
  if tools_has_venv /usr/bin/python3; then echo /usr/bin/python3; return; fi
  if is_root; then
    apt_install python3-venv
    tools_has_venv /usr/bin/python3 || die "tools: /usr/bin/python3 still lacks the venv module after installing python3-venv"
    echo /usr/bin/python3
    return
  fi
  py="$(command -v python3 || true)"
  if [[ -n "$py" ]] && tools_has_venv "$py"; then echo "$py"; return; fi
  apt_install python3-venv   # not root: dies with the command to run
}

# A venv cannot be moved after it is made (its scripts name their absolute path), so it is
# built in its final folder under the cache lock and marked complete last; a folder without
# the mark is a killed build and is made again.
tools_pyhanko() {
  [[ -f "$PYHANKO_DONE" && -x "$PYHANKO_BIN" ]] && return
  mkdir -p "$CACHE"
  lock_file "$CACHE/.pyhanko-$PYHANKO_VERSION.lock" 9
  if [[ -f "$PYHANKO_DONE" && -x "$PYHANKO_BIN" ]]; then flock -u 9; return; fi
  local py t0="$EPOCHREALTIME" log="$LOGS/pyhanko-build.log" version
  py="$(tools_python)"
  rm -rf "$PYHANKO_HOME"
  say "tools: installing pyhanko $PYHANKO_VERSION (cli $PYHANKO_CLI_VERSION) from PyPI into $PYHANKO_HOME with $py (log $(rel "$log"))"
  if ! { "$py" -m venv "$PYHANKO_HOME" \
      && "$PYHANKO_HOME/bin/python" -m pip install --quiet --disable-pip-version-check \
        "pyhanko==$PYHANKO_VERSION" "pyhanko-cli==$PYHANKO_CLI_VERSION"; } >"$log" 2>&1 </dev/null; then
    rm -rf "$PYHANKO_HOME"
    flock -u 9
    die "tools: pyhanko install failed; see $(rel "$log")"
  fi
  version="$("$PYHANKO_BIN" --version 2>>"$log")" || version=""
  if [[ "$version" != *"version $PYHANKO_VERSION"* ]]; then
    rm -rf "$PYHANKO_HOME"
    flock -u 9
    die "tools: 'pyhanko --version' answered '$version', expected $PYHANKO_VERSION; see $(rel "$log")"
  fi
  echo "$version" >"$PYHANKO_DONE"
  flock -u 9
  say "tools: $version ready ($(elapsed "$t0") s)"
}

# promtool (Prometheus's rule checker) for the alert rules' tests: only the binary of
# Debian's `prometheus` package, unpacked into the cache (installing the package would add
# a Prometheus server and try to start it, which the tests do not need).
PROMTOOL_HOME="$CACHE/promtool"
PROMTOOL_BIN="$PROMTOOL_HOME/usr/bin/promtool"

tools_promtool() {
  [[ -x "$PROMTOOL_BIN" ]] && return
  local t0="$EPOCHREALTIME" tmp log="$LOGS/promtool.log"
  say "tools: fetching promtool from Debian's prometheus package into $(rel "$PROMTOOL_HOME")"
  tmp="$(mktemp -d)"
  if ! (cd "$tmp" && apt-get download prometheus) >"$log" 2>&1; then
    # A fresh machine may have no package lists yet.
    if ! { is_root && apt-get update -qq && (cd "$tmp" && apt-get download prometheus); } >>"$log" 2>&1; then
      rm -rf "$tmp"
      die "tools: could not download Debian's prometheus package; see $(rel "$log")"
    fi
  fi
  rm -rf "$PROMTOOL_HOME.tmp"
  mkdir -p "$PROMTOOL_HOME.tmp"
  dpkg -x "$tmp"/prometheus_*.deb "$PROMTOOL_HOME.tmp" >>"$log" 2>&1 || { rm -rf "$tmp"; die "tools: dpkg -x prometheus failed; see $(rel "$log")"; }
  rm -rf "$tmp" "$PROMTOOL_HOME"
  mv -T "$PROMTOOL_HOME.tmp" "$PROMTOOL_HOME"
  [[ -x "$PROMTOOL_BIN" ]] || die "tools: the prometheus package holds no usr/bin/promtool"
  say "tools: $("$PROMTOOL_BIN" --version 2>&1 | head -1) ready ($(elapsed "$t0") s)"
}

# bagit-python (PyPI `bagit`), the judge of the archive's BagIt exports (`bagit.py --validate`),
# in a venv of its own built like pyHanko's.
BAGIT_VERSION="1.9.0"
BAGIT_HOME="$CACHE/bagit-$BAGIT_VERSION"
BAGIT_BIN="$BAGIT_HOME/bin/bagit.py"

tools_bagit() {
  [[ -f "$BAGIT_HOME/.complete" && -x "$BAGIT_BIN" ]] && return
  mkdir -p "$CACHE"
  lock_file "$CACHE/.bagit-$BAGIT_VERSION.lock" 9
  if [[ -f "$BAGIT_HOME/.complete" && -x "$BAGIT_BIN" ]]; then flock -u 9; return; fi
  local py t0="$EPOCHREALTIME" log="$LOGS/bagit-build.log"
  py="$(tools_python)"
  rm -rf "$BAGIT_HOME"
  say "tools: installing bagit $BAGIT_VERSION from PyPI into $BAGIT_HOME with $py (log $(rel "$log"))"
  if ! { "$py" -m venv "$BAGIT_HOME" \
      && "$BAGIT_HOME/bin/python" -m pip install --quiet --disable-pip-version-check "bagit==$BAGIT_VERSION" \
      && "$BAGIT_BIN" --version; } >"$log" 2>&1 </dev/null; then
    rm -rf "$BAGIT_HOME"
    flock -u 9
    die "tools: bagit install failed; see $(rel "$log")"
  fi
  touch "$BAGIT_HOME/.complete"
  flock -u 9
  say "tools: bagit $BAGIT_VERSION ready ($(elapsed "$t0") s)"
}

# kustomize, which builds deploy/kubernetes (base and overlays) in the deploy tests; built once
# per cache like MinIO (infra/lib/go.sh). v5.8 needs Go 1.27; v5.7.1's go.mod asks for 1.22.7.
KUSTOMIZE_VERSION="v5.7.1"
KUSTOMIZE_BIN="$CACHE/kustomize-$KUSTOMIZE_VERSION/kustomize"

tools_kustomize() {
  go_build_once kustomize "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" "$KUSTOMIZE_BIN" 1.22.7 \
    "$LOGS/kustomize-build.log"
}

# Installs what is missing; a no-op (a few file checks) when everything is there.
tools_up() {
  tools_packages
  tools_pyhanko
  tools_bagit
  tools_promtool
  tools_kustomize
}

# export lines for .data/infra/env: where the tests find each tool.
tools_env() {
  local name cmd
  echo "export LIENTHONG_TEST_PYHANKO=$PYHANKO_BIN"
  echo "export LIENTHONG_TEST_SOFTHSM_MODULE=$SOFTHSM_MODULE"
  [[ -x "$PROMTOOL_BIN" ]] && echo "export LIENTHONG_TEST_PROMTOOL=$PROMTOOL_BIN"
  [[ -x "$BAGIT_BIN" ]] && echo "export LIENTHONG_TEST_BAGIT=$BAGIT_BIN"
  [[ -x "$KUSTOMIZE_BIN" ]] && echo "export LIENTHONG_TEST_KUSTOMIZE=$KUSTOMIZE_BIN"
  for name in PDFSIG:pdfsig QPDF:qpdf SOFTHSM2_UTIL:softhsm2-util PKCS11_TOOL:pkcs11-tool CHROMIUM:chromium; do
    cmd="$(command -v "${name#*:}" || true)"
    [[ -n "$cmd" ]] && echo "export LIENTHONG_TEST_${name%%:*}=$cmd"
  done
  return 0
}

tools_status() {
  local missing state=ready
  missing="$(tools_missing_packages | tr '\n' ' ')"
  [[ -f "$PYHANKO_DONE" && -x "$PYHANKO_BIN" ]] || missing+="pyhanko "
  [[ -x "$PROMTOOL_BIN" ]] || missing+="promtool "
  [[ -f "$BAGIT_HOME/.complete" && -x "$BAGIT_BIN" ]] || missing+="bagit "
  [[ -x "$KUSTOMIZE_BIN" ]] || missing+="kustomize "
  [[ -z "$missing" ]] || state="missing: ${missing% }"
  printf '%-9s %s  (pyhanko %s)\n' tools "$state" "$(rel "$PYHANKO_HOME")"
}
