# snappy_checkpoint.rb: mark the snapshot point of a Ruby program recorded
# by snappy-start, and learn afterwards whether this run is a restored one.
#
#   require_relative '/path/to/examples/ruby/snappy_checkpoint'
#   restored = SnappyCheckpoint.checkpoint
#
# The contract: the program calls access("/proc/snappy-start/checkpoint",
# F_OK). It fails with ENOENT in a plain run; ptracer takes the snapshot at
# that call and every restored instance resumes after it with the call
# succeeding, so checkpoint returns false cold and true restored.
#
# Ruby's File.exist?/File.readable? call stat or eaccess/euidaccess
# (faccessat with AT_EACCESS on glibc), not access, so the helper calls
# libc's access through Fiddle (in Ruby's standard library). Fiddle keeps
# the errno of its last call in Fiddle.last_error: ENOENT cold, 0 restored.
# It is put back as it was, so later code sees the same value either way.
require 'fiddle'

module SnappyCheckpoint
  PATH = '/proc/snappy-start/checkpoint'
  ACCESS = Fiddle::Function.new(Fiddle::Handle::DEFAULT['access'],
                                [Fiddle::TYPE_VOIDP, Fiddle::TYPE_INT], Fiddle::TYPE_INT)

  def self.checkpoint
    saved = Fiddle.last_error
    ACCESS.call(PATH, 0).zero?
  ensure
    Fiddle.last_error = saved
  end
end
