#!/usr/bin/env bash
# Installs every Debian package that gadehold's build, tests and benchmarks need, the
# dashboard's npm packages (web/package-lock.json) into web/node_modules, and buf, which
# guards the wire contract in the tests (proto/tools/package-lock.json), into
# proto/tools/node_modules.
# Idempotent: runs `apt-get update` and `apt-get install` only when something is missing,
# and `npm ci` in a folder only when its node_modules is missing or older than its lock file.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libboost-program-options1.81-dev libboost-json1.81-dev
  libsqlite3-dev sqlite3
  wbritish wdanish python3-fake-factory
  libjemalloc-dev
  libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev
  libssl-dev openssl
  doctest-dev
  clang libclang-rt-dev
  mount util-linux systemd
  python3 python3-websockets python3-protobuf python3-icalendar
  curl
  nginx
  chromium fonts-dejavu-core
)
# The dashboard (web/) is built with node and npm. A node already on PATH is used as it is:
# Debian's npm over another Node installation would break it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

  # nginx is here for tests/integration/test_nginx_proxy.py, which runs its own nginx on free
  # ports. Where systemd runs, the package starts its stock site on port 80: stop and disable
  # that one (production uses deploy/nginx/gadehold.conf). An nginx installed before is left alone.
  if [[ " ${missing[*]} " == *" nginx "* ]]; then
    $SUDO systemctl disable --now nginx >/dev/null 2>&1 || $SUDO service nginx stop >/dev/null 2>&1 || true
  fi
fi

# npm writes node_modules/.package-lock.json on every install: when it is newer than
# package.json and package-lock.json, node_modules is what the lock file asks for.
# The build (cmake/npm_ci_script.cmake) makes the same check for web/.
repo="$(cd "$(dirname "$0")/.." && pwd)"
npm_ci_if_stale() {
  local dir="$repo/$1"
  local record="$dir/node_modules/.package-lock.json"
  if [ ! -e "$record" ] || [ "$dir/package-lock.json" -nt "$record" ] || [ "$dir/package.json" -nt "$record" ]; then
    echo "install-deps: npm ci in $1/" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
npm_ci_if_stale web
# buf for tests/contract: its own npm project, so the dashboard's packages stay apart.
npm_ci_if_stale proto/tools
