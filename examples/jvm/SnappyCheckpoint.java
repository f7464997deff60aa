/*
 * SnappyCheckpoint: mark the snapshot point of a JVM program recorded by
 * snappy-start, and learn afterwards whether this run is a restored one.
 *
 *   ... load classes, parse configuration, build tables ...
 *   boolean restored = SnappyCheckpoint.checkpoint();
 *   ... from here on every restored instance starts here ...
 *
 * The contract (DESIGN.md, "Recording"): the program calls
 * access("/proc/snappy-start/checkpoint", ...). Nobody can create a file in
 * /proc, so in a plain run the call fails with ENOENT; ptracer takes the
 * snapshot at that call, and every instance restore brings up resumes there
 * with the call succeeding. File.canRead() is a direct access(path, R_OK)
 * on Linux (UnixFileSystem.checkAccess: no cache, no stat first), so no JNI
 * is needed: checkpoint() returns false in a cold run and true restored.
 *
 * Call it once, on the main thread, when the deterministic part of startup
 * is done. Before it the program must not fork, open sockets or pipes, or
 * open files for writing: the recorder snapshots at the first of those
 * instead. Threads are fine (the JVM's own ones are recreated by restore).
 *
 * Every restored instance starts from the same heap: the same
 * java.util.Random states (seeded before the checkpoint), the same
 * String hash codes and HashMap orders, the same cached values
 * (ProcessHandle.current().pid() if it was asked before the checkpoint).
 * When checkpoint() returns true, reseed what must differ between instances.
 */
import java.io.File;

public final class SnappyCheckpoint {
  public static final String PATH = "/proc/snappy-start/checkpoint";

  private SnappyCheckpoint() {}

  /** Marks the snapshot point. Returns true when running restored. */
  public static boolean checkpoint() {
    return new File(PATH).canRead();
  }
}
