# Corpus case: jq. A module loaded at startup (-L DIR, import) with
# definitions; the program's input comes from stdin, whose first read is
# the snapshot point.
def squares: [range(1; 2001) | . * .];
def word_stats: group_by(length) | map({len: (.[0] | length), words: sort});
def fib(n): reduce range(n) as $i ([0, 1]; [.[1], .[0] + .[1]]) | .[0];
