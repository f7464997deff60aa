#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in their own build
# directory, apart from the project's g++ build, and runs them.
#
#   fuzz/build_and_run.sh --build            build only
#   fuzz/build_and_run.sh --short            build, replay fuzz/crashes/*,
#                                            fuzz each target 20 s (ctest)
#   fuzz/build_and_run.sh --long SECONDS     build, fuzz both targets in
#                                            parallel, SECONDS each, in
#                                            libFuzzer's fork mode: it goes
#                                            on after a crash and keeps
#                                            every reproducer
#   fuzz/build_and_run.sh --run TARGET ARGS  build, run one target with
#                                            libFuzzer ARGS (a reproducer...)
#
# Environment: FUZZ_BUILD_DIR (default build/fuzz-clang), CXX
# (default clang++), SHORT_SECONDS (default 20).
# Targets: info_reader_fuzzer, core_writer_fuzzer. The seed corpus
# fuzz/corpus/info is read, never written: runs grow a working corpus in
# $FUZZ_BUILD_DIR/corpus/TARGET; findings go to $FUZZ_BUILD_DIR/artifacts/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${FUZZ_BUILD_DIR:-$root/build/fuzz-clang}
CXX=${CXX:-clang++}
# The project's default CXX may be g++; only clang has libFuzzer.
case "$("$CXX" --version 2>/dev/null | head -1)" in
  *clang*) ;;
  *) CXX=clang++ ;;
esac
targets=(info_reader_fuzzer core_writer_fuzzer)

build() {
  mkdir -p "$out/obj"
  local san=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  local flags=(-std=c++20 -O1 -g -Wall -Wextra -I"$root" "${san[@]}")
  local lib_sources=(common/info_reader.cc common/checksum.cc common/pages_binding.cc common/recorded_file.cc
                     common/snapshot_pair.cc
                     snapfs/snapshot_file.cc snapfs/core_image.cc)
  local objs=()
  for src in "${lib_sources[@]}"; do
    local obj="$out/obj/$(echo "$src" | tr / _).o"
    if [ ! -e "$obj" ] || [ "$root/$src" -nt "$obj" ] || [ "$0" -nt "$obj" ] ||
       [ -n "$(find "$root/common" "$root/snapfs" -name '*.h' -newer "$obj" -print -quit)" ]; then
      "$CXX" "${flags[@]}" -fsanitize=fuzzer-no-link -c "$root/$src" -o "$obj"
    fi
    objs+=("$obj")
  done
  for t in "${targets[@]}"; do
    local bin="$out/$t"
    local newer=0
    [ -e "$bin" ] || newer=1
    for dep in "$here/$t.cc" "$here/fuzz_util.h" "${objs[@]}"; do
      [ "$newer" = 1 ] || [ "$dep" -nt "$bin" ] && newer=1
    done
    if [ "$newer" = 1 ]; then
      "$CXX" "${flags[@]}" -fsanitize=fuzzer "$here/$t.cc" "${objs[@]}" -lxxhash -o "$bin"
    fi
  done
}

# Replays every kept reproducer: each must now run clean.
replay_crashes() {
  local files=()
  for f in "$here"/crashes/*; do
    [ -f "$f" ] && [ "$(basename "$f")" != README.md ] && files+=("$f")
  done
  [ ${#files[@]} -eq 0 ] && return 0
  for t in "${targets[@]}"; do
    echo "fuzz: replaying ${#files[@]} reproducer(s) with $t"
    "$out/$t" -runs=1 "${files[@]}" >"$out/replay-$t.log" 2>&1 || {
      cat "$out/replay-$t.log" >&2
      echo "fuzz: a reproducer in fuzz/crashes still fails $t" >&2
      return 1
    }
  done
}

# run TARGET SECONDS [extra libFuzzer flags]
run() {
  local t=$1 seconds=$2
  shift 2
  mkdir -p "$out/corpus/$t" "$out/artifacts"
  echo "fuzz: $t for ${seconds}s (log: $out/$t.log)"
  "$out/$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -max_len=262144 \
    -artifact_prefix="$out/artifacts/$t-" -print_final_stats=1 "$@" \
    "$out/corpus/$t" "$here/corpus/info" >"$out/$t.log" 2>&1 || {
    tail -n 80 "$out/$t.log" >&2
    echo "fuzz: $t found a problem; reproducer in $out/artifacts/" >&2
    return 1
  }
  grep -E '^(stat::|#[0-9]+ +DONE)' "$out/$t.log" || true
}

mode=${1:---short}
case "$mode" in
  --build) build ;;
  --short)
    build
    replay_crashes
    seconds=${SHORT_SECONDS:-20}
    status=0
    for t in "${targets[@]}"; do run "$t" "$seconds" || status=1; done
    exit $status
    ;;
  --long)
    seconds=${2:?usage: build_and_run.sh --long SECONDS}
    build
    pids=()
    for t in "${targets[@]}"; do
      run "$t" "$seconds" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 & pids+=($!)
    done
    status=0
    for p in "${pids[@]}"; do wait "$p" || status=1; done
    if compgen -G "$out/artifacts/*" >/dev/null; then
      echo "fuzz: findings:" >&2
      ls -l "$out/artifacts/" >&2
      status=1
    fi
    exit $status
    ;;
  --run)
    t=${2:?usage: build_and_run.sh --run TARGET [libFuzzer args]}
    shift 2
    build
    exec "$out/$t" "$@"
    ;;
  *)
    sed -n '2,23p' "$0" >&2
    exit 2
    ;;
esac
