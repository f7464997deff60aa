// Workload of the JVM launcher rows (bench/launchers.py): an ordinary main
// class, no snapshot marker, run as `java -cp D LauncherJob` and as
// `restore jvm-warm LauncherJob`. Collections, a stream, String.format, one
// line on stdout.
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

public class LauncherJob {
  public static void main(String[] args) {
    List<Integer> scores = new ArrayList<>();
    for (int i = 0; i < 2000; i++) scores.add((i * 37) % 101);
    Map<Integer, Long> byTens = scores.stream()
        .collect(Collectors.groupingBy(s -> s / 10, TreeMap::new, Collectors.counting()));
    double mean = scores.stream().mapToInt(Integer::intValue).average().orElse(0);
    System.out.println(String.format(Locale.ROOT, "LauncherJob: %d scores, mean %.2f, by tens %s",
                                     scores.size(), mean, byTens));
  }
}
