// A plain JVM program for jvm_defaults_test.sh: prints a line, marks its
// snapshot point, then prints its coredump_filter (which restore re-applies)
// and echoes stdin's first line, so a test can hold it running.
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStreamReader;

public class Probe {
  public static void main(String[] args) throws Exception {
    System.out.println("before the snapshot point");
    System.out.flush();
    new File("/proc/snappy-start/checkpoint").canRead();
    try (FileInputStream in = new FileInputStream("/proc/self/coredump_filter")) {
      System.out.print("coredump_filter " + new String(in.readAllBytes()));
    }
    System.out.flush();
    String line = new BufferedReader(new InputStreamReader(System.in)).readLine();
    System.out.println("read " + line);
  }
}
