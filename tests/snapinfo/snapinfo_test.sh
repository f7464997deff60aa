#!/usr/bin/env bash
# snapinfo on a real snapshot: the report (text and JSON), files and their
# changes, verify catching a flipped byte in a page run and in the info file,
# pack/unpack round-tripping bit for bit (holes included) into a pair that
# restores, and clear errors for bad input.
# usage: snapinfo_test.sh PTRACER RESTORE SNAPINFO WORKDIR PROG
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 snapinfo=$3 workdir=$4 prog=$5
t_workdir "$workdir"

cp "$prog" ./prog
printf 'data for the target\n' >data && : >log && mkdir dir && printf 'x\n' >dir/inside
"$ptracer" -o snap ./prog "$workdir/data" "$workdir/log" "$workdir/dir" </dev/null >/dev/null 2>rec.err ||
    fail "record: $(cat rec.err)"

"$snapinfo" snap >report.txt 2>&1 || fail "snapinfo: $(cat report.txt)"
head -4 report.txt
grep -q "trigger: access(.*\[checkpoint marker\]" report.txt || fail "report lacks the trigger"
grep -qE "r-xp .* file .* $workdir/prog$" report.txt || fail "report lacks the program's text mapping"
grep -qE "libc\.so\.6$" report.txt || fail "report lacks libc"
grep -q "KiB stored in snap.pages" report.txt || fail "report lacks the totals"
"$snapinfo" maps snap | cmp -s - report.txt || fail "snapinfo maps differs from snapinfo NAME"
"$snapinfo" --json snap >report.json || fail "--json"
/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
p = r["processes"][0]
assert p["trigger"]["syscall"] == "access", p["trigger"]
assert any(m["path"].endswith("/prog") and m["perms"] == "r-xp" for m in p["mappings"])
assert p["stored_bytes"] > 0 and p["total_bytes"] > p["stored_bytes"]
' report.json || fail "JSON report"

"$snapinfo" files snap >files.txt; status=$?
[[ $status == 0 ]] && grep -q "^ok .*/data " files.txt || fail "files: exit $status: $(cat files.txt)"
"$snapinfo" verify snap >verify.txt 2>&1 || fail "verify of a good snapshot: $(cat verify.txt)"

# pack / unpack: bit for bit, holes kept, and the result restores.
"$snapinfo" pack snap -o snap.snap.zst || fail "pack"
"$snapinfo" unpack snap.snap.zst -o copy || fail "unpack"
cmp -s snap.info copy.info && cmp -s snap.pages copy.pages || fail "unpack is not bit-identical"
[[ $(du -k snap.pages | cut -f1) == $(du -k copy.pages | cut -f1) ]] || fail "unpack lost the holes"
echo "pack: $(stat -c %s snap.snap.zst) bytes for $(du -k snap.pages | cut -f1) KiB of pages"
"$restore" copy </dev/null >copy.out 2>&1 || fail "restore of the unpacked pair: $(cat copy.out)"

# A changed file: files and verify name it.
printf 'changed\n' >>data
"$snapinfo" files snap >files2.txt; status=$?
[[ $status == 1 ]] && grep -q "^CHANGED .*/data .*size differs" files2.txt || fail "files after a change: exit $status: $(cat files2.txt)"
"$snapinfo" verify snap >v2.out 2>v2.err; status=$?
[[ $status == 1 ]] && grep -q "^snapinfo: verify: .*/data: size differs" v2.err || fail "verify after a change: exit $status: $(cat v2.err)"

# A flipped byte in a page run, and in the info file.
cp copy.info flip.info && cp copy.pages flip.pages
offset=$(/usr/bin/python3 -c '
import os, sys
fd = os.open("flip.pages", os.O_RDONLY)
print(os.lseek(fd, 0, os.SEEK_DATA))')
printf '\xff' | dd of=flip.pages bs=1 seek="$offset" conv=notrunc status=none
"$snapinfo" verify flip >v3.out 2>v3.err; status=$?
[[ $status == 1 ]] && grep -q "checksum mismatch in the page run at 0x" v3.err || fail "flipped page byte: exit $status: $(cat v3.err)"
cp copy.info flip2.info && cp copy.pages flip2.pages
size=$(stat -c %s flip2.info)
printf '\x5a' | dd of=flip2.info bs=1 seek=$((size / 2)) conv=notrunc status=none
"$snapinfo" flip2 >v4.out 2>v4.err; status=$?
[[ $status == 1 && $(wc -l <v4.err) == 1 ]] && grep -q "^snapinfo: .*flip2.info: checksum mismatch" v4.err || fail "flipped info byte: exit $status: $(cat v4.err)"

# Bad input and usage.
"$snapinfo" nonexistent >/dev/null 2>e1; status=$?
[[ $status == 1 ]] && grep -q "^snapinfo: nonexistent.info: No such file or directory" e1 || fail "missing snapshot: exit $status: $(cat e1)"
"$snapinfo" >/dev/null 2>e2; status=$?
[[ $status == 2 ]] || fail "no arguments: exit $status"
"$snapinfo" unpack report.txt -o x >/dev/null 2>e3; status=$?
[[ $status == 1 ]] && grep -q "not a snappy-start pack file" e3 || fail "unpack of a non-pack: exit $status: $(cat e3)"
[[ ! -e x.info && ! -e x.pages ]] || fail "a failed unpack left files"

t_result
