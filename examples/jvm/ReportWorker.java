/*
 * ReportWorker: a JVM worker with real startup work, recorded by snappy-start.
 *
 * Startup (before the snapshot point): configures java.util.logging, parses
 * DATA_DIR/catalog.xml with the JDK's DOM parser (javax.xml) into records,
 * reads DATA_DIR/sales.csv (8,000 rows) with java.io, checks every row
 * with a regex, parses its date with java.time and aggregates it with
 * streams into sorted maps, then answers one query of every kind into a
 * throwaway buffer so that the classes and lambdas the job needs are loaded
 * and linked. Then SnappyCheckpoint.checkpoint().
 *
 * The job (after it): one query per line of stdin, one answer per query on
 * stdout:
 *   top N              the N products with the highest revenue
 *   region NAME        revenue per category in one region
 *   month YYYY-MM      units and revenue of one month, and its best region
 *   tag TAG            products carrying a tag
 *   match REGEX        products whose name matches
 *   quarter YYYY-Qn    revenue of a quarter against the same quarter a year before
 * Blank lines and lines starting with # are skipped; an unknown query is an
 * error line on stdout (so is one whose argument does not parse), and the
 * exit status counts them (capped at 100).
 * Output depends only on the data and the queries (sorted maps, no clock,
 * no hash order), so a cold run and a restored one print the same bytes.
 *
 *   javac -d classes examples/jvm/*.java
 *   java -cp classes ReportWorker examples/jvm/data < queries
 *
 * It leaves with Runtime.halt after flushing stdout: see README.md for what
 * the JVM's orderly shutdown costs a restored instance.
 */
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public final class ReportWorker {
  record Product(String sku, String name, String category, long listCents, List<String> tags) {}

  record Sale(LocalDate date, String region, String sku, int units, long unitCents) {
    long cents() {
      return units * unitCents;
    }
  }

  /** Revenue and units, summed. */
  record Total(long cents, long units) {
    static final Total ZERO = new Total(0, 0);

    Total plus(Sale s) {
      return new Total(cents + s.cents(), units + s.units());
    }

    Total plus(Total t) {
      return new Total(cents + t.cents, units + t.units);
    }
  }

  private static final Pattern ROW =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2}),([a-z]+),([A-Z]{3}-\\d{3}),(\\d+),(\\d+)");
  private static final Pattern QUERY = Pattern.compile("\\s*(\\w+)\\s+(\\S+)\\s*");
  private static final Pattern QUARTER = Pattern.compile("(\\d{4})-Q([1-4])");

  private final Map<String, Product> catalog;
  private final List<Sale> sales;
  private final Map<String, Total> bySku;
  private final Map<YearMonth, Map<String, Total>> byMonthRegion;
  private final Map<String, Map<String, Total>> byRegionCategory;
  private final Map<String, TreeSet<String>> skusByTag;

  private ReportWorker(File dataDir, Logger log) throws Exception {
    catalog = parseCatalog(new File(dataDir, "catalog.xml"));
    log.info(() -> String.format("catalog: %d products in %d categories", catalog.size(),
        catalog.values().stream().map(Product::category).distinct().count()));
    // java.io, not java.nio.file.Files: Files.lines opens a FileChannel,
    // and loading NIO's native code creates sockets (libnet probes IPv4 and
    // IPv6, libnio keeps a socketpair end): the recorder would snapshot there.
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(
        new FileInputStream(new File(dataDir, "sales.csv")), StandardCharsets.UTF_8))) {
      sales = lines.lines().skip(1).map(ReportWorker::parseSale)
          .collect(Collectors.toUnmodifiableList());
    }
    bySku = sales.stream().collect(Collectors.groupingBy(Sale::sku, TreeMap::new,
        Collectors.reducing(Total.ZERO, s -> Total.ZERO.plus(s), Total::plus)));
    byMonthRegion = sales.stream().collect(Collectors.groupingBy(s -> YearMonth.from(s.date()),
        TreeMap::new, Collectors.groupingBy(Sale::region, TreeMap::new,
            Collectors.reducing(Total.ZERO, s -> Total.ZERO.plus(s), Total::plus))));
    byRegionCategory = sales.stream().collect(Collectors.groupingBy(Sale::region, TreeMap::new,
        Collectors.groupingBy(s -> catalog.get(s.sku()).category(), TreeMap::new,
            Collectors.reducing(Total.ZERO, s -> Total.ZERO.plus(s), Total::plus))));
    skusByTag = new TreeMap<>();
    for (Product p : catalog.values()) {
      for (String t : p.tags()) skusByTag.computeIfAbsent(t, k -> new TreeSet<>()).add(p.sku());
    }
    LocalDate first = sales.stream().map(Sale::date).min(Comparator.naturalOrder()).orElseThrow();
    LocalDate last = sales.stream().map(Sale::date).max(Comparator.naturalOrder()).orElseThrow();
    log.info(() -> String.format("sales: %d rows from %s to %s, %d regions", sales.size(),
        first, last, byRegionCategory.size()));
  }

  private static Map<String, Product> parseCatalog(File file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document doc = factory.newDocumentBuilder().parse(file);
    NodeList nodes = doc.getElementsByTagName("product");
    Map<String, Product> out = new TreeMap<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      List<String> tags = new ArrayList<>();
      NodeList tagNodes = e.getElementsByTagName("tag");
      for (int j = 0; j < tagNodes.getLength(); j++) tags.add(tagNodes.item(j).getTextContent());
      Element price = (Element) e.getElementsByTagName("list-price").item(0);
      Product p = new Product(e.getAttribute("sku"),
          e.getElementsByTagName("name").item(0).getTextContent(), e.getAttribute("category"),
          Long.parseLong(price.getAttribute("cents")), List.copyOf(tags));
      out.put(p.sku(), p);
    }
    return out;
  }

  private static Sale parseSale(String line) {
    Matcher m = ROW.matcher(line);
    if (!m.matches()) throw new IllegalArgumentException("bad sales row: " + line);
    return new Sale(LocalDate.parse(m.group(1), DateTimeFormatter.ISO_LOCAL_DATE), m.group(2),
        m.group(3), Integer.parseInt(m.group(4)), Long.parseLong(m.group(5)));
  }

  private static String money(long cents) {
    return String.format("%,d.%02d", cents / 100, cents % 100);
  }

  /** Answers one query on out; returns false for a query it does not know. */
  boolean answer(String query, PrintWriter out) {
    Matcher q = QUERY.matcher(query);
    if (!q.matches()) return false;
    String arg = q.group(2);
    switch (q.group(1)) {
      case "top" -> {
        int n = Integer.parseInt(arg);
        bySku.entrySet().stream()
            .sorted(Map.Entry.<String, Total>comparingByValue(
                Comparator.comparingLong(Total::cents)).reversed()
                .thenComparing(Map.Entry.comparingByKey()))
            .limit(n)
            .forEach(e -> out.printf("top %s %-10s %12s  %5d units%n", e.getKey(),
                catalog.get(e.getKey()).name(), money(e.getValue().cents()),
                e.getValue().units()));
      }
      case "region" -> {
        Map<String, Total> cats = byRegionCategory.getOrDefault(arg, Map.of());
        if (cats.isEmpty()) out.printf("region %s: no sales%n", arg);
        cats.forEach((cat, t) -> out.printf("region %s %-8s %12s%n", arg, cat, money(t.cents())));
      }
      case "month" -> {
        Map<String, Total> regions = byMonthRegion.getOrDefault(YearMonth.parse(arg), Map.of());
        Total sum = regions.values().stream().reduce(Total.ZERO, Total::plus);
        String best = regions.entrySet().stream()
            .max(Comparator.comparingLong((Map.Entry<String, Total> e) -> e.getValue().cents())
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
            .map(Map.Entry::getKey).orElse("-");
        out.printf("month %s: %d units, %s, best region %s%n", arg, sum.units(),
            money(sum.cents()), best);
      }
      case "tag" -> out.printf("tag %s: %s%n", arg,
          skusByTag.getOrDefault(arg, new TreeSet<>()).stream()
              .map(sku -> catalog.get(sku).name()).sorted().collect(Collectors.joining(", ")));
      case "match" -> {
        Pattern p = Pattern.compile(arg);
        out.printf("match %s: %s%n", arg, catalog.values().stream()
            .filter(pr -> p.matcher(pr.name()).find()).map(Product::sku)
            .collect(Collectors.joining(" ")));
      }
      case "quarter" -> {
        Matcher m = QUARTER.matcher(arg);
        if (!m.matches()) return false;
        int year = Integer.parseInt(m.group(1)), quarter = Integer.parseInt(m.group(2));
        Function<Integer, Long> revenue = y -> sales.stream()
            .filter(s -> s.date().getYear() == y
                && s.date().get(IsoFields.QUARTER_OF_YEAR) == quarter)
            .mapToLong(Sale::cents).sum();
        long now = revenue.apply(year), before = revenue.apply(year - 1);
        out.printf("quarter %s: %s against %s%s%n", arg, money(now), money(before),
            before == 0 ? "" : String.format(" (%+.1f%%)", 100.0 * (now - before) / before));
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  public static void main(String[] args) throws Exception {
    List<String> options = List.of("--gc", "--end=halt", "--end=exit", "--end=return");
    if (args.length < 1 || !options.containsAll(Arrays.asList(args).subList(1, args.length))) {
      System.err.println("usage: ReportWorker DATA_DIR [--gc] [--end=halt|exit|return]");
      System.exit(2);
    }
    // The default SimpleFormatter prints the time of day: not reproducible.
    System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%n");
    Locale.setDefault(Locale.ROOT);  // number formats independent of LANG
    Logger log = Logger.getLogger("report");
    ReportWorker worker = new ReportWorker(new File(args[0]), log);
    // Warm-up: every kind of query once, into a buffer nobody reads, so the
    // job after the snapshot point finds its classes loaded and linked.
    PrintWriter sink = new PrintWriter(new StringWriter());
    for (String q : List.of("top 3", "region north", "month 2023-05", "tag eco",
        "match ^s", "quarter 2024-Q2")) {
      worker.answer(q, sink);
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
    log.info("ready");

    // Options after DATA_DIR, for bench/writing_jobs.py: --gc (System.gc()
    // before the marker), --end=halt (the default), --end=exit
    // (System.exit: shutdown hooks) or --end=return (main returns: the
    // status is then 0 whatever the queries).
    List<String> opts = Arrays.asList(args).subList(1, args.length);
    String end = opts.contains("--end=exit") ? "exit" : opts.contains("--end=return") ? "return" : "halt";
    SnappyCheckpoint.checkpoint(opts.contains("--gc"));  // the snapshot point

    int unknown = 0;
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank() || line.startsWith("#")) continue;
      boolean known;
      try {
        known = worker.answer(line, out);
      } catch (RuntimeException e) {  // a bad number, date or regex
        known = false;
      }
      if (!known) {
        out.printf("error: bad query: %s%n", line.strip());
        unknown++;
      }
    }
    out.flush();
    if (end.equals("exit")) System.exit(Math.min(unknown, 100));
    if (end.equals("return")) return;
    // Leave without the JVM's orderly shutdown (see README.md).
    SnappyCheckpoint.halt(Math.min(unknown, 100));
  }
}
