#!/usr/bin/env bash
# Installs the Debian 12 packages Rapport needs that are missing.
#   deploy/install-deps.sh build   # to build rapportd and the rapport CLI
#   deploy/install-deps.sh test    # to build and run every test
# Uses sudo when not root. Installs nothing when everything is present.
set -euo pipefail

build_pkgs=(
  ca-certificates cmake g++ make pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  grpc-proto libabsl-dev prometheus-cpp-dev libcivetweb-dev zlib1g-dev
  libsqlite3-dev libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev libgsl-dev
  libcsv-dev libzip-dev libpq-dev
  # LLVM's linker: links the test binaries several times faster than GNU ld.
  lld
)
test_pkgs=(
  python3 python3-grpcio python3-protobuf procps curl
  python3-yaml prometheus prometheus-alertmanager chromium nghttp2-client
  sqlite3
  # The PostgreSQL store's tests start a real server of their own.
  postgresql-15
  # The fuzz targets: clang with libFuzzer and the sanitizer runtimes, and
  # llvm-symbolizer for their stack traces.
  clang-14 libclang-rt-14-dev llvm-14
)

case "${1:-build}" in
  build) wanted=("${build_pkgs[@]}") ;;
  test)
    wanted=("${build_pkgs[@]}" "${test_pkgs[@]}")
    # npm (for buf) may come with another Node.js build; Debian's otherwise.
    command -v npm >/dev/null || wanted+=(nodejs npm)
    ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
