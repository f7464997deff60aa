<?php
// corpus.php: setup before the marker (a table built), then real work
// after it: word counts of stdin, JSON, SHA-256, sorting, exit 3.
// snappy-test: case=php
// snappy-test: run=php,-n,@FILE@
// snappy-test: stdin=../perl/input.txt
// snappy-test: expect-exit=3
require __DIR__ . '/../../../examples/php/snappy_checkpoint.php';

$squares = [];
for ($i = 1; $i <= 50000; $i++) $squares[] = $i * $i;
$primes = [];
for ($n = 2; $n <= 20000; $n++) {
    $prime = true;
    for ($d = 2; $d * $d <= $n; $d++) if ($n % $d == 0) { $prime = false; break; }
    if ($prime) $primes[] = $n;
}

snappy_checkpoint();  // not printed: false cold, true restored

$counts = [];
while (($line = fgets(STDIN)) !== false) {
    preg_match_all('/[a-z]+/', strtolower($line), $m);
    foreach ($m[0] as $w) $counts[$w] = ($counts[$w] ?? 0) + 1;
}
uksort($counts, fn($a, $b) => [$counts[$b], $a] <=> [$counts[$a], $b]);
echo json_encode(['top' => array_slice($counts, 0, 10, true), 'words' => count($counts)]), "\n";
echo hash('sha256', implode(',', $squares)), "\n";
printf("primes: %d, last %d\n", count($primes), end($primes));
fwrite(STDERR, "done\n");
exit(3);
