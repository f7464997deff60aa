// A main class run cold (`java -cp CLASSES Job MODE ...`) and through the
// pre-warmed JVM (`restore jvm-warm Job MODE ...`): everything it prints,
// its stderr and its exit status must be the same.
import java.io.BufferedReader;
import java.io.File;
import java.io.FileReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.TreeMap;

public class Job {
  public static void main(String[] args) throws IOException {
    System.out.println("args " + Arrays.toString(args));
    System.out.println("env " + new TreeMap<>(System.getenv()));
    System.out.println("JOB_VAR " + System.getenv("JOB_VAR"));
    System.out.println("user.dir " + System.getProperty("user.dir")
                       + " absolute " + new File("data.txt").getAbsolutePath());
    System.out.println("sun.java.command " + System.getProperty("sun.java.command"));
    try (BufferedReader in = new BufferedReader(new FileReader("data.txt"))) {
      System.out.println("data.txt: " + in.readLine());
    }
    String mode = args.length > 0 ? args[0] : "";
    if (mode.equals("exit3")) System.exit(3);
    if (mode.equals("throw")) fail(String.join(" ", Arrays.copyOfRange(args, 1, args.length)));
  }

  private static void fail(String what) {
    throw new IllegalStateException("job failed: " + what, new IOException("the cause"));
  }
}
