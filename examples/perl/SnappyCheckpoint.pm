# SnappyCheckpoint.pm: mark the snapshot point of a Perl program recorded
# by snappy-start, and learn afterwards whether this run is a restored one.
#
#   use lib '/path/to/examples/perl';
#   use SnappyCheckpoint;
#   my $restored = SnappyCheckpoint::checkpoint();
#
# The contract (docs/DESIGN.md, "Snapshot points"): the program calls
# access("/proc/snappy-start/checkpoint", F_OK). In a plain run the call
# fails with ENOENT; `ptracer` takes the snapshot at that syscall, and every
# instance `restore` brings up resumes there with the call succeeding. So
# checkpoint() returns 0 in a cold run and 1 in a restored instance.
#
# $! (errno) is left as it was before the call, in both: otherwise a cold
# run would see ENOENT and a restored one the old value, and everything that
# reads $! later differs, e.g. `die`, which exits with $! when it is
# non-zero (2 cold, 255 restored after a `die` with $! = 0 before).
#
# Perl has no access() builtin (-e and friends call stat), so the marker is
# syscall(2). 21 is SYS_access on x86-64, the only architecture snappy-start
# records; syscall.ph is often not installed. syscall() passes a string
# argument as a pointer only when it is a variable, hence $path.
package SnappyCheckpoint;

use strict;
use warnings;

use constant SYS_ACCESS => 21;  # x86-64
use constant F_OK => 0;

sub checkpoint {
  local $!;  # restored on return: $! stays what the caller had
  my $path = "/proc/snappy-start/checkpoint";
  return syscall(SYS_ACCESS, $path, F_OK) == 0 ? 1 : 0;
}

1;
