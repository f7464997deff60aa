# Sourced by test scripts that snap live processes they start. ctest hands
# every test its open LastTest.log.tmp (fd 3, still being written by the
# other tests of a -j run) and a few pipes, and a live target started by the
# script inherits them: snap then records the log file, whose size has
# changed by the time the snapshot is verified ("size differs"). A program
# started by a user has no such fds; close them so the targets do not either.
# The fd bash reads the script through is kept.
_script=$(readlink -f "${BASH_SOURCE[-1]}")
for _fd in /proc/$$/fd/*; do
  _fd=${_fd##*/}
  (( _fd > 2 )) || continue
  [[ $(readlink "/proc/$$/fd/$_fd" 2>/dev/null) == "$_script" ]] && continue
  eval "exec $_fd>&-" 2>/dev/null
done
unset _fd _script
