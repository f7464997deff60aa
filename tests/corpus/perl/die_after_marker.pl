# Corpus case: perl dies after the snapshot point with $! left from before
# it. die exits with $! when it is non-zero, so the exit status shows the
# errno the marker left: SnappyCheckpoint::checkpoint() keeps $!, a bare
# syscall(21, ...) would leave ENOENT (2) cold and the old value restored.
# snappy-test: case=perl_die_errno
# snappy-test: run=perl,-I@SRCDIR@/examples/perl,@FILE@
# snappy-test: expect-exit=4
# snappy-test: timeout=60
use strict;
use warnings;
use SnappyCheckpoint;

$! = 4;  # EINTR, as some earlier failed call would leave it
SnappyCheckpoint::checkpoint();
print "errno after the marker: ", 0 + $!, "\n";
die "x\n";
