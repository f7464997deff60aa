/*
 * SnappyCheckpoint: mark the snapshot point of a JVM program recorded by
 * snappy-start, and learn afterwards whether this run is a restored one.
 *
 *   ... load classes, parse configuration, build tables ...
 *   boolean restored = SnappyCheckpoint.checkpoint();
 *   ... from here on every restored instance starts here ...
 *
 * The contract (docs/DESIGN.md, "Snapshot points"): the program calls
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
 *
 * A restored instance can be given a command line, environment and cwd of
 * its own (restore NAME MainClass ARGS..., --env, --clear-env): mark the
 * point with checkpointWithInvocation(), then args(mainArgs), env(), cwd(),
 * and adopt() to make System.getenv() and user.dir follow (see below).
 * Without them nothing changes.
 */
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class SnappyCheckpoint {
  public static final String PATH = "/proc/snappy-start/checkpoint";

  private SnappyCheckpoint() {}

  /** Marks the snapshot point. Returns true when running restored. */
  public static boolean checkpoint() {
    boolean restored = new File(PATH).canRead();
    // A cold run timed up to its snapshot point (bench/writing_jobs.py)
    // ends here (SNAPPY_EXIT_AT_MARKER=1) or says when it got here
    // (SNAPPY_MARKER_CLOCK=1). Never a restored instance: neither variable is
    // in the environment a snapshot is recorded with.
    if (!restored && "1".equals(System.getenv("SNAPPY_MARKER_CLOCK"))) reportMarkerClock();
    if (!restored && "1".equals(System.getenv("SNAPPY_EXIT_AT_MARKER"))) {
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(0);
    }
    return restored;
  }

  // When a cold run passed its snapshot point, in the run itself:
  // "snappy-marker ns=N minflt=M" on stderr (System.nanoTime is
  // CLOCK_MONOTONIC on Linux; minflt is field 10 of /proc/self/stat, read
  // first so that reading it counts as before the point).
  private static void reportMarkerClock() {
    String stat = new String(readProc("/proc/self/stat"), java.nio.charset.StandardCharsets.US_ASCII);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ns = System.nanoTime();
    System.err.println("snappy-marker ns=" + ns + " minflt=" + f[7]);
    System.err.flush();
  }

  /**
   * checkpoint(), with System.gc() just before the marker when gc is true
   * (a full collection: the instance inherits an empty young generation).
   * Measured in README.md ("Jobs that write memory"): it does not make a
   * restored instance cheaper, which is why it is off by default.
   */
  public static boolean checkpoint(boolean gc) {
    if (gc) System.gc();
    return checkpoint();
  }

  /**
   * Ends the JVM with status after flushing System.out and System.err:
   * Runtime.halt, so no shutdown hooks run (java.util.logging's, which
   * closes its handlers: flush or close your own first), no finalization,
   * and DestroyJavaVM's orderly teardown of the VM's threads is skipped.
   * The cheap end for a restored instance (examples/jvm/README.md,
   * "Leaving: Runtime.halt"; README.md, "Jobs that write memory").
   */
  public static void halt(int status) {
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }

  // --- the invocation (issue 13) -------------------------------------------
  //
  // restore NAME ARGS... (and --env, --clear-env) hands a restored instance a
  // new command line, environment and cwd: the kernel shows the first two in
  // /proc/self/cmdline and /proc/self/environ, and the cwd is the caller's.
  // The JVM's own copies (main's String[], System.getenv(), user.dir) are the
  // recorded ones. These methods read the invocation; adopt() also makes
  // System.getenv() and user.dir follow it, where the JVM lets it.

  private static byte[] recordedCmdline;
  private static boolean restored;

  /**
   * Marks the snapshot point like checkpoint(), and first keeps the recorded
   * command line (a read of /proc/self/cmdline: java.io, inside the
   * recorder's model) so that args() can tell a new one from it.
   */
  public static boolean checkpointWithInvocation() {
    recordedCmdline = readProc("/proc/self/cmdline");
    restored = checkpoint();
    return restored;
  }

  /**
   * The program's arguments. Cold, or restored with the recorded command
   * line: mainArgs. Restored with an invocation ([java, MainClass, ARGS...]
   * in /proc/self/cmdline): ARGS, the arguments after the main class, as
   * `java MainClass ARGS...` would pass them (none for `restore NAME --`).
   * JVM options cannot take effect in a running JVM: an argument starting
   * with '-' where the main class belongs throws IllegalArgumentException.
   */
  public static String[] args(String[] mainArgs) {
    List<String> cmdline = invocationCmdline();
    if (cmdline == null) return mainArgs.clone();
    if (cmdline.size() < 2) return new String[0];
    return cmdline.subList(2, cmdline.size()).toArray(new String[0]);
  }

  /**
   * The main class the invocation names (cmdline[1]), or null: cold, restored
   * with the recorded command line, or with no arguments at all.
   */
  public static String mainClass() {
    List<String> cmdline = invocationCmdline();
    return cmdline == null || cmdline.size() < 2 ? null : cmdline.get(1);
  }

  /** Whether this restored instance was given a command line of its own. */
  public static boolean argsChanged() {
    return invocationCmdline() != null;
  }

  // The invocation's command line, or null when the arguments are unchanged.
  private static List<String> invocationCmdline() {
    if (!restored || recordedCmdline == null) return null;
    byte[] now = readProc("/proc/self/cmdline");
    if (Arrays.equals(now, recordedCmdline)) return null;
    List<String> cmdline = nulList(now);
    if (cmdline.size() >= 2 && cmdline.get(1).startsWith("-")) {
      throw new IllegalArgumentException("SnappyCheckpoint: JVM option " + cmdline.get(1)
          + " cannot take effect in a restored instance (give the main class first)");
    }
    return cmdline;
  }

  /**
   * The environment: restored, /proc/self/environ's (the caller's, or what
   * --env/--clear-env made it), in its order, the first of two equal names
   * winning as getenv finds it; cold, System.getenv().
   */
  public static Map<String, String> env() {
    if (!restored) return System.getenv();
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : nulList(readProc("/proc/self/environ"))) {
      int eq = entry.indexOf('=');
      if (eq > 0) env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return Collections.unmodifiableMap(env);
  }

  /**
   * The working directory: restored, the process's real one (restore leaves
   * the caller's; user.dir still names the recorded one); cold, user.dir.
   */
  public static String cwd() {
    if (!restored) return System.getProperty("user.dir");
    try {
      return new File("/proc/self/cwd").getCanonicalPath();
    } catch (IOException e) {
      throw new UncheckedIOException("SnappyCheckpoint: /proc/self/cwd", e);
    }
  }

  /**
   * Restored: makes System.getenv() return env() (and ProcessBuilder pass it
   * on), and user.dir, File.getAbsolutePath() and Path.toAbsolutePath()
   * resolve against cwd(). The JVM keeps these in private fields of
   * java.base, so the JVM must run with --add-opens java.base/java.lang=ALL-UNNAMED
   * --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/sun.nio.fs=ALL-UNNAMED;
   * without them nothing changes and adopt() returns false. What the JVM read
   * from the environment while starting stays (the locale, the default
   * charset, the time zone if it was asked for before the snapshot point).
   */
  public static boolean adopt() {
    if (!restored) return true;
    try {
      Map<String, String> env = env();
      String cwd = cwd();
      Class<?> pe = Class.forName("java.lang.ProcessEnvironment");
      Field the = pe.getDeclaredField("theEnvironment");
      the.setAccessible(true);
      @SuppressWarnings("unchecked")
      Map<Object, Object> map = (Map<Object, Object>) the.get(null);
      Method variable = Class.forName("java.lang.ProcessEnvironment$Variable")
          .getDeclaredMethod("valueOf", String.class);
      Method value = Class.forName("java.lang.ProcessEnvironment$Value")
          .getDeclaredMethod("valueOf", String.class);
      variable.setAccessible(true);
      value.setAccessible(true);
      Field ioDir = Class.forName("java.io.UnixFileSystem").getDeclaredField("userDir");
      ioDir.setAccessible(true);
      Field fsField = File.class.getDeclaredField("fs");
      fsField.setAccessible(true);
      Class<?> nioFs = Class.forName("sun.nio.fs.UnixFileSystem");
      Field nioDir = nioFs.getDeclaredField("defaultDirectory");
      nioDir.setAccessible(true);
      // All accessible: now change them.
      synchronized (map) {
        map.clear();
        for (Map.Entry<String, String> e : env.entrySet()) {
          map.put(variable.invoke(null, e.getKey()), value.invoke(null, e.getValue()));
        }
      }
      ioDir.set(fsField.get(null), cwd);
      Object nio = java.nio.file.FileSystems.getDefault();
      if (nioFs.isInstance(nio)) nioDir.set(nio, cwd.getBytes(jnuCharset()));
      System.setProperty("user.dir", cwd);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;  // InaccessibleObjectException: java.base not opened
    }
  }

  private static Charset jnuCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }

  private static byte[] readProc(String path) {
    try (FileInputStream in = new FileInputStream(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("SnappyCheckpoint: " + path, e);
    }
  }

  // NUL-terminated strings, decoded as the JVM decodes its arguments.
  private static List<String> nulList(byte[] data) {
    Charset cs = jnuCharset();
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == 0) {
        out.add(new String(data, start, i - start, cs));
        start = i + 1;
      }
    }
    if (start < data.length) out.add(new String(data, start, data.length - start, cs));
    return out;
  }
}
