/*
 * Launcher: a pre-warmed JVM, recorded once, restored to run any main class
 * of the recorded classpath as `java -cp CLASSPATH MainClass ARGS...` would.
 *
 *   ptracer -o /tmp/jvm-warm java FLAGS -Xbootclasspath/a:LAUNCHER_CLASSES -cp CLASSPATH Launcher
 *   restore /tmp/jvm-warm MainClass [ARGS...]
 *   java FLAGS -Xbootclasspath/a:LAUNCHER_CLASSES -cp CLASSPATH Launcher MainClass [ARGS...]   (cold)
 *
 * FLAGS: the ones examples/jvm/README.md says keep a JVM inside the
 * recorder's model, and three --add-opens for SnappyCheckpoint.adopt()
 * (README.md). Before the snapshot point it runs code most programs run
 * first (collections, streams and lambdas, string concatenation and
 * formatting, regex, java.time, BigDecimal, buffered text I/O on memory
 * streams: classes loaded and linked, call sites bootstrapped) without
 * touching stdout or stderr; then checkpointWithInvocation(). A restored
 * instance takes MainClass and ARGS from restore's invocation and adopts
 * its environment and cwd; a cold run (or a restore without arguments)
 * takes them from its own arguments.
 *
 * MainClass is loaded by the system class loader, as the java launcher
 * loads it, and its main(String[]) is called through a method handle from
 * main() below. Launcher is on the boot class path so that its
 * @Hidden annotation counts (the JVM honours it for boot and platform
 * classes only): its frame, like the method handle's, is left out of stack
 * traces, and an exception thrown by main comes out of this main into the
 * java launcher, which prints it (`Exception in thread "main" ...`, with the
 * trace `java MainClass` would print), waits for the other non-daemon
 * threads and exits 1. A normal return and System.exit are the JVM's own too.
 */
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

public final class Launcher {
  private static final String USAGE =
      "usage: java FLAGS -Xbootclasspath/a:DIR -cp CLASSPATH Launcher MainClass [ARGS...]"
      + "   (restored: restore NAME MainClass [ARGS...])";

  private Launcher() {}

  @jdk.internal.vm.annotation.Hidden
  public static void main(String[] recordedArgs) throws Throwable {
    warm();
    boolean restored = SnappyCheckpoint.checkpointWithInvocation();
    String mainClass;
    String[] args;
    try {
      if (SnappyCheckpoint.argsChanged()) {
        mainClass = SnappyCheckpoint.mainClass();
        args = SnappyCheckpoint.args(recordedArgs);
      } else {
        mainClass = recordedArgs.length > 0 ? recordedArgs[0] : null;
        args = Arrays.copyOfRange(recordedArgs, Math.min(1, recordedArgs.length),
                                  recordedArgs.length);
        if (mainClass != null && mainClass.startsWith("-")) {
          throw new IllegalArgumentException("JVM option " + mainClass
              + " cannot take effect here (give the main class first)");
        }
      }
    } catch (IllegalArgumentException e) {
      usage(e.getMessage().replaceFirst("^SnappyCheckpoint: ", ""));
      return;
    }
    if (mainClass == null) {
      usage("no main class");
      return;
    }
    if (restored) SnappyCheckpoint.adopt();
    System.setProperty("sun.java.command",
                       args.length == 0 ? mainClass : mainClass + " " + String.join(" ", args));
    mainHandle(mainClass).invokeExact(args);
  }

  // MainClass.main as the java launcher finds it (LauncherHelper), with its
  // messages and exit status 1 when it cannot.
  private static MethodHandle mainHandle(String name) throws IllegalAccessException {
    Class<?> cls;
    try {
      cls = Class.forName(name, false, ClassLoader.getSystemClassLoader());
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      System.err.println("Error: Could not find or load main class " + name);
      System.err.println("Caused by: " + e.getClass().getName() + ": " + e.getMessage());
      System.exit(1);
      return null;
    }
    Method main = null;
    try {
      main = cls.getMethod("main", String[].class);
    } catch (NoSuchMethodException e) {
      // reported below
    }
    if (main == null || !Modifier.isStatic(main.getModifiers())
        || main.getReturnType() != void.class) {
      System.err.println("Error: Main method "
          + (main == null ? "not found in class " + name + ", please define the main method as:"
             : main.getReturnType() != void.class
               ? "must return a value of type void in class " + name
                 + ", please \ndefine the main method as:"
               : "is not static in class " + name + ", please define the main method as:"));
      System.err.println("   public static void main(String[] args)");
      if (main == null) {
        System.err.println("or a JavaFX application class must extend javafx.application.Application");
      }
      System.exit(1);
    }
    main.setAccessible(true);  // a public main in a class that is not public
    return MethodHandles.lookup().unreflect(main);
  }

  private static void usage(String what) {
    System.err.println("jvm-launcher: " + what);
    System.err.println(USAGE);
    System.exit(2);
  }

  // What most programs do first, into memory: the classes and call sites
  // are then loaded, linked and partly compiled in the snapshot.
  private static void warm() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Map<String, Integer> counts = new HashMap<>();
    List<String> words = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new StringReader("a b c\nd e a\n"))) {
      for (String line; (line = in.readLine()) != null; ) {
        for (String w : line.split(" ")) {
          words.add(w);
          counts.merge(w, 1, Integer::sum);
        }
      }
    }
    Map<String, Long> grouped = words.stream().filter(w -> !w.isEmpty())
        .collect(Collectors.groupingBy(w -> w.toUpperCase(Locale.ROOT), TreeMap::new,
                                       Collectors.counting()));
    String joined = words.stream().sorted().distinct().collect(Collectors.joining(","));
    out.println("words " + words.size() + " " + joined + " " + grouped + " " + counts);
    out.printf(Locale.ROOT, "%s %d %.2f %5s%n", "x", 42, 3.14159, "y");
    out.println(String.format("%08.3f|%-6s|%x", 2.5, "z", 255));
    out.println(Pattern.compile("(\\w+)=(\\d+)").matcher("k=12").replaceAll("$2:$1"));
    LocalDate d = LocalDate.parse("2024-02-29").plusDays(1);
    out.println(d.format(DateTimeFormatter.ISO_LOCAL_DATE) + " " + d.getDayOfWeek());
    out.println(new BigDecimal("1.10").multiply(BigDecimal.valueOf(3)).toPlainString());
    out.println(Integer.parseInt("123") + Long.parseLong("456") + Double.parseDouble("7.5"));
    out.println(Arrays.toString(new int[] {3, 1, 2}) + List.of(1, 2) + Map.of("k", "v"));
    try {
      throw new IllegalStateException("warm");
    } catch (IllegalStateException e) {
      e.printStackTrace(out);
    }
    out.flush();
    if (bytes.size() == 0) throw new AssertionError();
  }
}
