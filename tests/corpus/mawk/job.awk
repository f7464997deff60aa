# Corpus case: mawk. The BEGIN block builds tables (startup work); the
# first read of stdin, for the main rules, is the snapshot point.
# Numeric subscripts stay numeric ($1 + 0): a string subscript would make
# mawk convert the whole integer table to a hash after the snapshot point.
# gawk runs the same job: its main sets O_APPEND on stderr first thing
# (fcntl(2, F_SETFL)), recorded as a change to the caller's fd, so its
# snapshot is still at the first read of stdin.
# snappy-test: stdin=input.txt
# snappy-test: expect-exit=5
# snappy-test: trigger=at read
# snappy-test: case=mawk
# snappy-test: run=mawk,-f,@FILE@
# snappy-test: case=gawk
# snappy-test: run=gawk,-f,@FILE@
BEGIN {
    for (i = 1; i <= 200000; i++) sq[i] = i * i
    n = split("alpha beta gamma delta epsilon zeta eta theta", greek, " ")
    for (i = 1; i <= n; i++) idx[greek[i]] = i
    printf "startup: %d squares, %d letters\n", length(sq), n
}
$1 ~ /^[0-9]+$/ { nums[++nn] = $1 + 0; total += sq[$1 + 0]; next }
{ words[++nw] = $1; pos = ($1 in idx) ? idx[$1] : 0; printf "%-8s index %d upper %s\n", $1, pos, toupper($1) }
END {
    printf "sum of squares %d over %d numbers\n", total, nn
    for (i = 1; i <= nn; i++) printf "%d^2=%d sqrt=%.6f log=%.6f\n", nums[i], sq[nums[i]], sqrt(nums[i]), log(nums[i])
    s = ""
    for (i = 1; i <= nw; i++) { w = words[i]; gsub(/a/, "4", w); s = s w " " }
    print "gsub: " s
    printf "format: %08.3f|%-6s|%+d|%x|%e|%c\n", 3.14159, "ab", 42, 255, 12345.678, 65
    print "substr:", substr("snappy-start", 3, 5), index("snappy-start", "start"), length("snappy-start")
    srand(7); r1 = rand(); srand(7); r2 = rand()
    print "srand repeatable:", (r1 == r2)
    print "mawk job done" > "/dev/stderr"
    exit 5
}
