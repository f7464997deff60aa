#!/usr/bin/env bash
# `#!` scripts are recorded as the kernel would run them: through their
# interpreter, `#!/usr/bin/env NAME` resolved in PATH. A restored instance
# prints what a cold run prints; a bad interpreter is one clear line, 127.
# usage: shebang_test.sh PTRACER RESTORE WORKDIR SOURCE_DIR
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ptracer=$1 restore=$2 workdir=$3 source=$4
t_workdir "$workdir"
export PATH=/usr/bin:/bin PYTHONPATH=$source/examples/python PYTHONDONTWRITEBYTECODE=1

body='import json, sys
import snappy_checkpoint
print("args", sys.argv[1:], flush=True)
snappy_checkpoint.checkpoint()
print("after", json.dumps({"k": [1, 2]}), sys.argv[0].endswith(".py"))'
printf '#!/usr/bin/python3\n%s\n' "$body" >direct.py
printf '#!/usr/bin/env python3\n%s\n' "$body" >via_env.py
printf '#!/usr/bin/python3 -B\n%s\n' "$body" >with_arg.py
chmod +x direct.py via_env.py with_arg.py

for script in direct via_env with_arg; do
  ./$script.py one two </dev/null >"$script.cold" 2>&1 || fail "$script: cold run"
  "$ptracer" -o "$script" ./$script.py one two </dev/null >/dev/null 2>"$script.rec" || fail "$script: record: $(cat "$script.rec")"
  grep -q "checkpoint marker" "$script.rec" || fail "$script: not snapshotted at the marker: $(cat "$script.rec")"
  "$restore" "$script" </dev/null >"$script.out" 2>&1 || fail "$script: restore: $(cat "$script.out")"
  cmp -s "$script.cold" "$script.out" || { fail "$script: restored output differs"; diff "$script.cold" "$script.out"; }
  echo "$script: $(tr '\n' '|' <"$script.out")"
done

printf '#!/nonexistent/interpreter\n' >bad.sh && chmod +x bad.sh
status=0
"$ptracer" -o bad ./bad.sh >bad.out 2>bad.err || status=$?
echo "bad interpreter: exit $status: $(cat bad.err)"
[[ $status == 127 ]] && grep -q "bad interpreter /nonexistent/interpreter" bad.err || fail "bad interpreter not reported"

t_result
