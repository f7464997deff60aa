# Corpus case: perl with core modules. Builds data at startup, marks the
# snapshot point with access("/proc/snappy-start/checkpoint", F_OK)
# (syscall 21 = SYS_access on x86-64), then reads lines from stdin.
# Hash order is randomised per process, so every hash is printed sorted
# (Data::Dumper with Sortkeys). Exits 3 with a warning on stderr, so the
# exit status and stderr are compared too.
# Why a marker: perl_construct opens /dev/urandom (to seed drand48) before
# any script runs, and opening a character device is outside the model.
# snappy-test: case=perl
# snappy-test: run=perl,@FILE@
# snappy-test: stdin=input.txt
# snappy-test: expect-exit=3
use strict;
use warnings;
use List::Util qw(sum max min first reduce shuffle);
use POSIX qw(floor ceil fmod strftime);
use Data::Dumper;
use Storable qw(freeze thaw dclone);
use Digest::MD5 qw(md5_hex);
use Scalar::Util qw(looks_like_number);
use Text::Wrap qw(wrap $columns);

$Data::Dumper::Sortkeys = 1;
$Data::Dumper::Indent = 1;
my %squares = map { $_ => $_ * $_ } 1 .. 5000;
my @primes = grep { my $n = $_; !first { $n % $_ == 0 } 2 .. sqrt $n } 2 .. 3000;
print "startup: ", scalar(keys %squares), " squares, ", scalar(@primes), " primes\n";

my $marker = "/proc/snappy-start/checkpoint";
syscall(21, $marker, 0);

my @lines = map { chomp; $_ } <STDIN>;
my @nums = grep { looks_like_number($_) } @lines;
my @words = grep { !looks_like_number($_) } @lines;
print "nums: @nums\n";
print "sum ", sum(@nums), " max ", max(@nums), " min ", min(@nums), "\n";
print "product ", (reduce { $a * $b } @nums), "\n";
print "squares of input: ", join(",", map { $squares{$_} // "?" } @nums), "\n";
printf "floor %d ceil %d fmod %.3f\n", floor(-2.5), ceil(2.1), fmod(10, 3);
print "strftime: ", strftime("%Y-%m-%d %H:%M:%S %j", 5, 4, 3, 29, 1, 124), "\n";
my $data = { words => [sort @words], count => scalar(@words),
             nested => { md5 => md5_hex(join "", @words), primes => [@primes[0 .. 9]] } };
my $copy = thaw(freeze($data));
my $clone = dclone($copy);
push @{ $clone->{words} }, "extra";
print Dumper($copy);
print "clone has ", scalar(@{ $clone->{words} }), " words, original ", scalar(@{ $copy->{words} }), "\n";
print "md5: ", md5_hex("snappy-start"), "\n";
print "sprintf: ", sprintf("%08.3f|%-6s|%+d|%x|%e", 3.14159, "ab", 42, 255, 12345.678), "\n";
my %freq;
$freq{$_}++ for map { split // } @words;
print "freq: ", join(" ", map { "$_=$freq{$_}" } sort keys %freq), "\n";
(my $s = join(" ", @words)) =~ s/(\w+)/\u$1/g;
print "regex: $s\n";
$columns = 30;
print wrap("  ", "  ", join(" ", (@words) x 3)), "\n";
warn "perl job done\n";
exit 3;
