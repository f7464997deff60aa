# Corpus case: jq. The program and its module (-L, import "lib") are
# compiled at startup; the first read of the JSON on stdin is the snapshot
# point.
# snappy-test: case=jq
# snappy-test: run=jq,-S,-L,@DIR@,-f,@FILE@
# snappy-test: stdin=input.json
# snappy-test: trigger=at read
import "lib" as lib;
(lib::squares) as $sq
| .records as $r
| {
    count: ($r | length),
    total: ($r | map(.n) | add),
    squares: ($r | map($sq[.n - 1])),
    by_len: ($r | map(.w) | lib::word_stats),
    upper: ($r | map(.w | ascii_upcase) | join("-")),
    fib50: lib::fib(50),
    dates: ["2024-02-28T23:30:00Z" | fromdateiso8601 | . + 6300 | todate],
    paths: ([.meta | paths | map(tostring) | join(".")] | sort),
    tests: ($r | map(select(.w | test("^[a-d]"))) | map(.w)),
    fmt: ([1, 2.5, "x", null, true] | @csv),
    b64: ("snappy-start" | @base64),
    sorted_keys: (.meta | keys),
    math: [pow(2; 10), (10 | log10), (2 | sqrt), (7.5 | floor), (1e300 * 10)]
  }
