#!/usr/bin/env bash
# Every tool's bad command lines and unusable paths (issue 7, "Arguments"):
# missing and extra arguments, unknown options, bad values, nonexistent
# paths, directories where files are expected, unreadable files, a NAME
# whose .info exists but .pages does not, an output in a directory that does
# not exist or cannot be written. Each must give exactly one line on stderr
# that starts with the tool's name and contains the expected text (the path
# or argument, and why), the exit code of the README's table ("Exit codes"),
# nothing on stdout, and never a crash.
#
# Unreadable files: root reads everything, so as root those cases run as
# nobody (setpriv) against root's 0600 snapshot files; as another user they
# run directly against files made mode 000.
#
# usage: arguments_test.sh PTRACER RESTORE SNAPINFO SNAPFS SNAP ELF_LOADER WORKDIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
if [[ $# != 7 ]]; then
  echo "usage: arguments_test.sh PTRACER RESTORE SNAPINFO SNAPFS SNAP ELF_LOADER WORKDIR" >&2
  exit 2
fi
P=$(realpath "$1") R=$(realpath "$2") I=$(realpath "$3") F=$(realpath "$4") N=$(realpath "$5") L=$(realpath "$6")
work=$7
t_workdir "$work"
work=$workdir
work=$(pwd)
chmod 755 "$work"

cases=0 failed=0
RUN_AS=()  # a prefix for the unreadable-file cases (setpriv as nobody)

# check CODE TEXT TOOL ARGS...: TOOL ARGS exits CODE with exactly one line on
# stderr, starting "NAME:" or "NAME SUBCOMMAND:" and containing TEXT, and
# prints nothing on stdout.
check() {
  local code=$1 text=$2 name status=0
  shift 2
  name=$(basename "$1")
  cases=$((cases + 1))
  timeout -k 5 30 "${RUN_AS[@]}" "$@" </dev/null >out 2>err || status=$?
  local line lines
  line=$(head -n 1 err)
  lines=$(wc -l <err)
  printf '%-3s %s %s\n    -> %s\n' "$status" "${RUN_AS[*]:+(as nobody)}" "$name ${*:2}" "$line"
  [[ $status == "$code" ]] || fail "$name ${*:2}: exit $status, expected $code"
  [[ $status != 124 ]] || fail "$name ${*:2}: timed out"
  (( status < 128 )) || fail "$name ${*:2}: killed by signal $((status - 128))"
  [[ $lines == 1 ]] || fail "$name ${*:2}: $lines lines on stderr: $(head -c 500 err | tr '\n' '|')"
  [[ $line == "$name:"* || $line == "$name "[a-z]*:* ]] || fail "$name ${*:2}: the line does not start with '$name:'"
  [[ $line == *"$text"* ]] || fail "$name ${*:2}: the line lacks '$text'"
  [[ -s out ]] && fail "$name ${*:2}: something on stdout: $(head -c 200 out)"
  return 0
}

# check_help TOOL ARGS...: exit 0, the help on stdout, nothing on stderr.
check_help() {
  local name status=0
  name=$(basename "$1")
  cases=$((cases + 1))
  timeout -k 5 30 "$@" </dev/null >out 2>err || status=$?
  echo "$status   $name ${*:2} (help: $(wc -l <out) lines on stdout)"
  [[ $status == 0 && -s out && ! -s err ]] || fail "$name ${*:2}: exit $status, stderr: $(head -c 300 err)"
}

# ---- the files the cases use -------------------------------------------------
# good: a real snapshot (cat stops at its first read of stdin).
timeout -k 5 120 "$P" -o good /bin/cat </dev/null >/dev/null 2>rec.err ||
    { echo "FAIL: recording /bin/cat: $(cat rec.err)"; exit 1; }
cp good.info nopages.info                 # NAME.info without NAME.pages
mkdir dirname.info && cp good.pages dirname.pages   # NAME.info a directory
mkdir adir                                # a directory where a file is expected
mkdir taken.info                          # an output NAME.info that is a directory
mkdir ro && chmod 555 ro                  # an output directory nobody may write
printf 'just text\n' >textexec && chmod 755 textexec   # executable, not ELF, no #!
cp /bin/true noread && chmod 711 noread   # executable, not readable
cp good.info secret.info && cp good.pages secret.pages && chmod 600 secret.*   # unreadable
cp good.info pub.info && cp good.pages pub.pages && chmod 644 pub.*            # readable by all
sleep 300 & target=$!
trap 'kill $target 2>/dev/null' EXIT

# ---- ptracer -----------------------------------------------------------------
#     code text                                          command
check 2   "ptracer: no program given; see ptracer --help" "$P"
check 2   "no program given"                              "$P" -o x
check 2   "no program given"                              "$P" "$L"
check 2   "unknown option --bogus"                        "$P" --bogus /bin/cat
check 2   "unknown option -v=3"                           "$P" -v=3 /bin/cat
check 2   "--output needs a value"                        "$P" -o
check 2   "--output given more than once"                 "$P" -o a -o b /bin/cat
check 2   "empty -o NAME"                                 "$P" -o "" /bin/cat
check 2   "--at needs a value"                            "$P" --at
check 2   "ptracer: --quiesce: Value abc not in range 0 to 60000; see ptracer --help" "$P" --quiesce abc /bin/cat
check 2   "--quiesce: Value -5 not in range 0 to 60000"   "$P" --quiesce -5 /bin/cat
check 2   "--at: unknown syscall 'nosuchcall'"            "$P" --at nosuchcall /bin/cat
check 2   "ptracer: --at: empty path prefix in 'path='; see ptracer --help" "$P" --at openat,path= /bin/cat
check 2   "ptracer: --at: getpid has no path argument (path=PREFIX is for open, openat, access, stat-likes, mkdir, execve, unlink, ...); see ptracer --help" \
                                                          "$P" --at getpid,path=/tmp /bin/cat
check 2   "ptracer: --at: bad argument condition 'ARG1=3' (ARG0=VALUE or path=PREFIX expected); see ptracer --help" \
                                                          "$P" --at openat,ARG1=3 /bin/cat
check 127 "/nonexistent/prog: no such executable file"    "$P" /nonexistent/prog
check 127 "no-such-prog-x: no such executable file in PATH" "$P" no-such-prog-x
check 127 "$work/adir: is a directory"                    "$P" "$work/adir"
check 127 "./good.info: not executable"                   "$P" ./good.info
check 127 "./textexec: not an ELF executable"             "$P" ./textexec
check 1   "/nonexistent/snap.info: cannot write the snapshot there: directory /nonexistent: No such file or directory" \
                                                          "$P" -o /nonexistent/snap /bin/cat
check 1   "taken.info: cannot write the snapshot there: Is a directory" "$P" -o taken /bin/cat
check 1   "adir/: cannot write the snapshot there"        "$P" -o adir/ /bin/cat

# ---- restore -----------------------------------------------------------------
check 2   "restore: no snapshot NAME given; see restore --help" "$R"
check 2   "unknown option --bogus"                        "$R" --bogus good
check 2   "restore: --env needs a value; see restore --help" "$R" --env
check 2   "restore: --env needs K=V, not FOO; see restore --help" "$R" --env FOO good
check 2   "restore: --env needs K=V, not =x; see restore --help" "$R" --env =x good
check 2   "restore: no snapshot NAME given; see restore --help" "$R" --clear-env
check 2   "-n needs a value"                              "$R" -n
check 2   "-n needs a count from 1 to 100000, not 0"      "$R" -n 0 good
check 2   "-n needs a count from 1 to 100000, not x"      "$R" -n x good
check 2   "empty snapshot NAME"                           "$R" ""
check 2   "restore: --anon takes =exact or =mapped, not --anon=copy; see restore --help" "$R" --anon=copy good
check 2   "restore: --anon takes =exact or =mapped, not --anon; see restore --help" "$R" --anon good
check 1   "nosuch.info: No such file or directory"        "$R" nosuch
check 1   "nopages.pages: No such file or directory"      "$R" nopages
check 1   "dirname.info: not a regular file"              "$R" dirname
check 1   "adir.info: No such file or directory"          "$R" adir

# ---- snapinfo and its subcommands --------------------------------------------
check 2   "snapinfo: no snapshot NAME given; see snapinfo --help" "$I"
check 2   "snapinfo: unknown option --bogus"              "$I" --bogus good
check 2   "snapinfo: unexpected argument extra"           "$I" good extra
check 2   "snapinfo: empty snapshot NAME"                 "$I" ""
check 2   "snapinfo maps: NAME is required; see snapinfo maps --help" "$I" maps
check 2   "snapinfo maps: unexpected argument extra"      "$I" maps good extra
check 2   "snapinfo files: NAME is required"              "$I" files
check 2   "snapinfo files: unknown option --bogus"        "$I" files --bogus good
check 2   "snapinfo verify: NAME is required"             "$I" verify
check 2   "snapinfo verify: unexpected argument extra"    "$I" verify good extra
check 2   "snapinfo core: NAME is required"               "$I" core
check 2   "snapinfo core: --pid: 'abc' is not a valid value" "$I" core good --pid abc
check 2   "snapinfo core: --output needs a value"         "$I" core good -o
check 2   "snapinfo core: empty -o"                       "$I" core good -o ""
check 2   "snapinfo pack: NAME is required"               "$I" pack
check 2   "snapinfo pack: unexpected argument extra"      "$I" pack good extra
check 2   "snapinfo unpack: FILE is required"             "$I" unpack
check 2   "snapinfo unpack: unexpected argument extra"    "$I" unpack good.info extra
for sub in "" maps files verify core pack; do
  check 1 "nosuch.info: No such file or directory"        "$I" $sub nosuch
  check 1 "nopages.pages: No such file or directory"      "$I" $sub nopages
  check 1 "dirname.info: not a regular file"              "$I" $sub dirname
done
check 1   "good: no process 99999"                        "$I" core good --pid 99999
check 1   "/nonexistent/x.core: cannot write there: directory /nonexistent: No such file or directory" \
                                                          "$I" core good -o /nonexistent/x.core
check 1   "adir: cannot write there: Is a directory"      "$I" core good -o adir
check 1   "/nonexistent/x.zst: cannot write there: directory /nonexistent" "$I" pack good -o /nonexistent/x.zst
check 1   "/nonexistent/pack.zst: No such file or directory" "$I" unpack /nonexistent/pack.zst
check 1   "adir: Is a directory"                          "$I" unpack adir
check 1   "good.info: not a snappy-start pack file"       "$I" unpack good.info -o unpacked
"$I" pack good -o good.snap.zst >/dev/null 2>&1 || fail "snapinfo pack good"
check 1   "/nonexistent/u.info: cannot write there: directory /nonexistent" "$I" unpack good.snap.zst -o /nonexistent/u

# ---- snapfs (every case fails before mounting) ---------------------------------
check 2   "snapfs: no snapshot NAME given; see snapfs --help" "$F"
check 2   "snapfs: unknown option --bogus"                "$F" --bogus good
check 2   "snapfs: --mountpoint needs a value"            "$F" -m
check 2   "snapfs: empty -m MOUNTPOINT"                   "$F" -f -m "" good
check 2   "snapfs: empty snapshot NAME"                   "$F" -f ""
check 1   "nosuch.info: No such file or directory"        "$F" -f -m adir nosuch
check 1   "nopages.pages: No such file or directory"      "$F" -f -m adir nopages
check 1   "dirname.info: not a regular file"              "$F" -f -m adir dirname
check 1   "/nonexistent/mnt: No such file or directory"   "$F" -f -m /nonexistent/mnt good
check 1   "good.info: not a directory"                    "$F" -f -m good.info good

# ---- snap --------------------------------------------------------------------
check 2   "snap: no PID or PROGNAME given; see snap --help" "$N"
check 2   "snap: unknown option --bogus"                  "$N" --bogus "$target"
check 2   "snap: --output needs a value"                  "$N" -o
check 2   "snap: empty -o NAME"                           "$N" -o "" "$target"
check 2   "snap: --count needs --every"                   "$N" --count 2 "$target"
check 2   "snap: --every: SECONDS must be a positive number, not '0'" "$N" --every 0 "$target"
check 2   "snap: --every: SECONDS must be a positive number, not 'x'" "$N" --every x "$target"
check 2   "snap: --include: unknown content class 'bogus'" "$N" --include bogus "$target"
check 2   "snap: empty PROGNAME"                          "$N" ""
check 1   "snap: 0: no such process"                      "$N" -o s0 0
check 1   "snap: 99999999999999999999: no such process"   "$N" -o s1 99999999999999999999
check 1   "snap: 999999999: no such process"              "$N" -o s2 999999999
check 1   "snap: no-such-prog-x: no process of that name" "$N" -o s3 no-such-prog-x
check 1   "/nonexistent/s.info: cannot write the snapshot there: directory /nonexistent" "$N" -o /nonexistent/s "$target"
check 1   "/nonexistent/s.snap.zst: cannot write the snapshot there" "$N" -z -o /nonexistent/s "$target"
check 1   "taken.info: cannot write the snapshot there: Is a directory" "$N" -o taken "$target"

# ---- elf_loader --------------------------------------------------------------
check 2   "elf_loader: no program given; see elf_loader --help" "$L"
check 2   "elf_loader: no program given"                  "$L" --no-vdso
check 2   "elf_loader: no program given"                  "$L" --
check 2   "elf_loader: unknown option --bogus; see elf_loader --help" "$L" --bogus /bin/true
check 2   "elf_loader: --argv0 needs a NAME; see elf_loader --help" "$L" --argv0
check 2   "elf_loader: no program given"                  "$L" --argv0 name
check 127 "elf_loader: /nonexistent/prog: No such file or directory" "$L" /nonexistent/prog
check 127 "elf_loader: $work/adir: Is a directory"        "$L" "$work/adir"
check 127 "elf_loader: ./textexec: not an ELF executable" "$L" ./textexec
check 127 "elf_loader: ./good.info: Permission denied"    "$L" ./good.info

# ---- help: stdout, exit 0 ------------------------------------------------------
check_help "$P" --help
check_help "$R" --help
check_help "$I" --help
check_help "$I" core --help
check_help "$F" --help
check_help "$N" --help
check_help "$L" --help

# ---- unreadable files and unwritable directories ----------------------------------
if (( $(id -u) == 0 )); then
  if command -v setpriv >/dev/null &&
     setpriv --reuid=65534 --regid=65534 --clear-groups "$I" --help >/dev/null 2>&1; then
    RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  else
    echo "note: cannot run the tools as nobody here; unreadable-file cases skipped"
  fi
else
  chmod 000 secret.* && chmod 111 noread
fi
if (( $(id -u) != 0 )) || (( ${#RUN_AS[@]} )); then
  for sub in "" maps files verify core pack; do
    check 1 "secret.info: Permission denied"              "$I" $sub secret
  done
  check 1   "secret.info: Permission denied"              "$I" unpack secret.info
  check 1   "secret.info: Permission denied"              "$R" secret
  check 1   "secret.info: Permission denied"              "$R" --trust secret
  check 1   "secret.info: Permission denied"              "$F" -f -m adir secret
  check 127 "./noread: cannot read it: Permission denied" "$P" ./noread
  check 127 "elf_loader: ./noread: Permission denied"     "$L" ./noread
  check 1   "ro/x.info: cannot write the snapshot there: directory ro: Permission denied" "$P" -o ro/x /bin/cat
  # As nobody the work directory (root's, 0755) is not writable: the default NAME.
  (( ${#RUN_AS[@]} )) &&
  check 1   "snapshot.info: cannot write the snapshot there: directory .: Permission denied" "$P" /bin/cat
  check 1   "ro/x.info: cannot write the snapshot there: directory ro: Permission denied" "$N" -o ro/x "$target"
  check 1   "ro/x.core: cannot write there: directory ro: Permission denied" "$I" core pub -o ro/x.core
  check 1   "ro/x.zst: cannot write there: directory ro: Permission denied" "$I" pack pub -o ro/x.zst
  RUN_AS=()
fi

# Nothing was written by a refused command.
leftovers=$(find ro adir taken.info -mindepth 1; ls | grep -E '^(x|s[0-9]?|snapshot|unpacked|u)\.|^snapfs-mnt$|\.core$')
[[ -z $leftovers ]] || fail "files left by refused commands: $leftovers"

echo "$cases cases"
t_result
