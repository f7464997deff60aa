<?php
// snappy_checkpoint.php: mark the snapshot point of a PHP script recorded
// by snappy-start, and learn afterwards whether this run is a restored one.
//
//   require '/path/to/examples/php/snappy_checkpoint.php';
//   $restored = snappy_checkpoint();
//
// The contract: the program calls access("/proc/snappy-start/checkpoint",
// ...). It fails with ENOENT in a plain run; ptracer takes the snapshot at
// that call and every restored instance resumes after it with the call
// succeeding, so the function returns false cold and true restored.
//
// PHP 8.2's is_readable() is access(path, R_OK) for a local path
// (php_stat -> VCWD_ACCESS; checked with strace on Debian's php8.2-cli),
// and nothing of PHP's state keeps the C errno it leaves: the posix
// extension's posix_get_last_error() reports only errors of posix_*
// functions, and is_readable() raises no warning (error_get_last() stays
// as it was). The stat cache is cleared so that a second call is a second
// access() too.
function snappy_checkpoint(): bool
{
    clearstatcache(true, '/proc/snappy-start/checkpoint');
    $restored = is_readable('/proc/snappy-start/checkpoint');
    clearstatcache(true, '/proc/snappy-start/checkpoint');
    return $restored;
}
