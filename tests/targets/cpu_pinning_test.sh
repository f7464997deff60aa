#!/bin/bash
# While recording, ptracer pins itself and the program's first thread to
# one CPU (ptracer/cpu_pinning.h), threads the program makes get the
# caller's mask back, and --no-pin leaves the program the caller's mask.
# target_cpu_affinity with "status" prints the Cpus_allowed_list of its
# main and its other thread before its marker, where the pinning shows,
# and a restore replays what the recorded run printed: one CPU for the
# main thread by default, the cold run's list for the other thread, and
# for both with --no-pin. sched_getaffinity's lines are the cold run's in
# both (targets.cpu_affinity checks them too).
#
# usage: cpu_pinning_test.sh PTRACER RESTORE WORKDIR TARGET_CPU_AFFINITY
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
t_usage 4 "PTRACER RESTORE WORKDIR TARGET_CPU_AFFINITY" "$@"
ptracer=$(realpath "$1")
restore=$(realpath "$2")
target=$(realpath "$4")
t_workdir "$3"

t_run cold "$target" status
[[ $t_status == 0 ]] || fail "cold run exited $t_status"
cold_cpus=$(grep '^setup: main Cpus_allowed_list:' cold.out | cut -f2)
if [[ $cold_cpus != *[,-]* ]]; then
  echo "SKIP: this process may use one CPU only ($cold_cpus): there is nothing to pin"
  exit 77
fi
grep -q '^setup: sched_getaffinity(0): 1 CPUs' cold.out && fail "cold run sees one CPU"

# replayed SNAP: the setup lines a restore of SNAP replays.
replayed() { grep '^setup: ' "$1.r1.out"; }

t_record pinned "$target" status || t_result
t_run pinned.r1 "$restore" pinned  # differs from cold in Cpus_allowed_list
[[ $t_status == 0 ]] || fail "restore of pinned exited $t_status: $(head -c 300 pinned.r1.err)"
pinned_cpus=$(replayed pinned | grep 'main Cpus_allowed_list' | cut -f2)
other_cpus=$(replayed pinned | grep 'other Cpus_allowed_list' | cut -f2)
echo "cold Cpus_allowed_list: $cold_cpus; recorded (pinned): main $pinned_cpus, other thread $other_cpus"
[[ $pinned_cpus =~ ^[0-9]+$ ]] || fail "recorded main thread was not on one CPU: '$pinned_cpus'"
[[ $other_cpus == "$cold_cpus" ]] || fail "recorded other thread was not given the caller's CPUs: '$other_cpus'"
diff <(grep -v Cpus_allowed cold.out | grep '^setup: ') <(replayed pinned | grep -v Cpus_allowed) ||
  fail "sched_getaffinity while recorded differs from the cold run's"

t_record unpinned --no-pin "$target" status || t_result
t_restores_match cold unpinned 2 && echo "--no-pin: restores equal the cold run, Cpus_allowed_list included"
if [[ $failed != 0 ]]; then
  for f in cold.out pinned.rec.err pinned.r1.out pinned.r1.err unpinned.rec.err unpinned.r*.out; do
    echo "--- $f"; cat "$f"
  done
fi
t_result
