# corpus.ruby: setup before the marker (stdlib loaded, a table built), then
# real work after it: word counts of stdin, JSON, SHA-256, sorting, exit 3.
# Ruby's startup creates its unblocking-function timer (thread_pthread.c
# ubf_timer_create: timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL SIGVTALRM))
# before any script runs; timers are modelled (docs/DESIGN.md, "Timers"), so
# the recording reaches the marker and each instance gets timer 0 back,
# disarmed, with its id.
# snappy-test: case=ruby
# snappy-test: run=ruby,@FILE@
# snappy-test: stdin=../perl/input.txt
# snappy-test: expect-exit=3
require 'json'
require 'digest'
require 'set'
require_relative '../../../examples/ruby/snappy_checkpoint'

squares = (1..50_000).map { |i| i * i }
primes = (2..20_000).select { |n| (2..Math.sqrt(n)).none? { |d| (n % d).zero? } }

SnappyCheckpoint.checkpoint  # not printed: false cold, true restored

counts = Hash.new(0)
STDIN.each_line { |line| line.downcase.scan(/[a-z]+/) { |w| counts[w] += 1 } }
top = counts.sort_by { |w, c| [-c, w] }.first(10)
puts JSON.generate({ 'top' => top, 'words' => counts.size })
puts Digest::SHA256.hexdigest(squares.join(','))
puts "primes: #{primes.size}, last #{primes.last}, set #{Set.new(primes.map { |p| p % 10 }).to_a.sort.inspect}"
STDERR.puts "done"
exit 3
