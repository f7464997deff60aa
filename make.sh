#!/usr/bin/env bash
# snappy-start build driver.
#   ./make.sh          install what is missing, build (build/)
#   ./make.sh test     build, then run every test but the long ones (ctest -LE long)
#   ./make.sh test-long  build, then run the long tests only (ctest -L long:
#                      most of CPython's regression modules, restored)
#   ./make.sh demo     build, record the bundled Python+numpy example, restore it
#   ./make.sh bench    build, then run the benchmark (bench/bench.py; --quick: smoke run)
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
# Debian packages the build and the tests need.
PACKAGES=(cmake g++ make pkg-config libseccomp-dev libxxhash-dev libzstd-dev
          libcli11-dev libgtest-dev python3 python3-numpy binutils file strace
          util-linux perl tcl tcl8.6 sqlite3 mawk gawk bc lua5.4 jq nodejs libpython3.11-testsuite python3-matplotlib gdb libfuse3-dev fuse3
          clang libclang-rt-14-dev openjdk-17-jdk-headless systemd curl ruby php-cli)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "make.sh: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  install_missing
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}

case "${1:-build}" in
  build) build ;;
  test)
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" -LE long
    ;;
  test-long)
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" -L long
    ;;
  demo)
    build
    examples/python-prewarm/demo.sh "$BUILD_DIR"
    ;;
  bench)
    build
    shift
    /usr/bin/python3 bench/bench.py --build "$BUILD_DIR" "$@"
    ;;
  *)
    echo "usage: ./make.sh [build|test|test-long|demo|bench [--quick]]" >&2
    exit 2
    ;;
esac
