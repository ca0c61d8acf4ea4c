# Shared by scripts/run, scripts/test and scripts/bench: install missing Debian packages, configure, build.
set -euo pipefail

PIETUNE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PIETUNE_PACKAGES=(build-essential cmake googletest libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libfmt-dev libsqlite3-dev libcli11-dev libflatbuffers-dev flatbuffers-compiler chromium)

log() { printf '[pietune] %s\n' "$*" >&2; }

# Installs only what is missing, so a machine that has everything never touches the network.
ensure_packages() {
  local missing=()
  for pkg in "${PIETUNE_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  log "installing missing packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  if ! $sudo apt-get install -y --no-install-recommends "${missing[@]}"; then
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

# configure_and_build BUILD_DIR [cmake args...]; PIETUNE_TARGET, if set, builds only those targets
# (one name or several separated by spaces, e.g. "pietune pietune_capi").
configure_and_build() {
  local dir="$1"; shift
  cmake -S "$PIETUNE_ROOT" -B "$dir" "$@" >&2
  local build=(cmake --build "$dir" -j "$(nproc)") targets=()
  if [ -n "${PIETUNE_TARGET:-}" ]; then
    read -r -a targets <<<"$PIETUNE_TARGET"
    build+=(--target "${targets[@]}")
  fi
  "${build[@]}" >&2
}
