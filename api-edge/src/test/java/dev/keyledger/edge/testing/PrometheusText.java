package dev.keyledger.edge.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4 (what {@code /metrics}
 * serves), for tests: every line is a {@code # HELP}, a {@code # TYPE} or a sample; every sample
 * belongs to a family declared by a {@code # TYPE} line before it (histograms: {@code _bucket} with
 * {@code le}, {@code _sum}, {@code _count}); names, label names, escapes and values follow the
 * format; no series appears twice; histogram buckets are cumulative and end with {@code +Inf} equal
 * to {@code _count}. A violation fails with the line it is on.
 */
public final class PrometheusText {

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE =
      Pattern.compile("(" + NAME + ")(?:\\{(.*)\\})? (\\S+)(?: (-?[0-9]+))?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
  private static final Pattern FLOAT =
      Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN");

  /**
   * One sample line.
   *
   * @param name the sample's name, e.g. {@code http_server_requests_seconds_count}
   * @param labels its labels, unescaped
   * @param value its value
   */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  /**
   * Parses {@code text}.
   *
   * @throws AssertionError naming the first line that breaks the format
   */
  public static PrometheusText parse(String text) {
    Map<String, String> types = new HashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> series = new HashSet<>();
    List<Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    if (!text.endsWith("\n")) {
      throw new AssertionError("the exposition does not end with a line feed");
    }
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + ": " + line;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        Matcher help = HELP.matcher(line);
        require(help.matches(), "a malformed HELP", where);
        require(helped.add(help.group(1)), "a second HELP for the same name", where);
        require(validDocstring(help.group(2)), "a bad escape in a HELP text", where);
      } else if (line.startsWith("# TYPE ")) {
        Matcher type = TYPE.matcher(line);
        require(type.matches(), "a malformed TYPE", where);
        require(
            types.putIfAbsent(type.group(1), type.group(2)) == null,
            "a second TYPE for the same name",
            where);
      } else if (line.startsWith("#")) {
        continue; // a comment
      } else {
        Matcher sample = SAMPLE.matcher(line);
        require(sample.matches(), "not a sample line", where);
        String name = sample.group(1);
        Map<String, String> labels = labels(sample.group(2), where);
        require(FLOAT.matcher(sample.group(3)).matches(), "not a float value", where);
        String family = familyOf(name, labels, types, where);
        require(family != null, "a sample of no family declared by TYPE before it", where);
        require(series.add(name + new TreeMap<>(labels)), "the same series a second time", where);
        samples.add(new Sample(name, labels, value(sample.group(3))));
      }
    }
    PrometheusText parsed = new PrometheusText(samples);
    parsed.checkHistograms(types);
    return parsed;
  }

  /** Every sample, in the order of the text. */
  public List<Sample> samples() {
    return samples;
  }

  /** The samples named {@code name} whose labels include every pair of {@code labels}. */
  public List<Sample> find(String name, String... labels) {
    Map<String, String> wanted = pairs(labels);
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet()))
        .toList();
  }

  /** The sum of {@link #find} (0 when there is none). */
  public double sum(String name, String... labels) {
    return find(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Every label value of every sample. */
  public List<String> labelValues() {
    return samples.stream().flatMap(s -> s.labels().values().stream()).toList();
  }

  /** Whether any sample's name matches {@code name}. */
  public boolean anyNamed(Predicate<String> name) {
    return samples.stream().map(Sample::name).anyMatch(name);
  }

  private static Map<String, String> pairs(String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs");
    }
    Map<String, String> pairs = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      pairs.put(labels[i], labels[i + 1]);
    }
    return pairs;
  }

  private static Map<String, String> labels(String text, String where) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return labels;
    }
    Matcher label = LABEL.matcher(text);
    int at = 0;
    while (at < text.length()) {
      require(label.find(at) && label.start() == at, "a malformed label", where);
      require(
          labels.put(label.group(1), unescape(label.group(2))) == null,
          "a label given twice",
          where);
      at = label.end();
    }
    return labels;
  }

  private static String familyOf(
      String name, Map<String, String> labels, Map<String, String> types, String where) {
    String type = types.get(name);
    if (type != null) {
      require(!"histogram".equals(type), "a histogram sample without a suffix", where);
      return name;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String baseType = types.get(base);
        if ("histogram".equals(baseType) || "summary".equals(baseType)) {
          if (suffix.equals("_bucket")) {
            require("histogram".equals(baseType), "a bucket of a summary", where);
            require(labels.containsKey("le"), "a bucket without le", where);
            require(FLOAT.matcher(labels.get("le")).matches(), "le is not a float", where);
          }
          return base;
        }
      }
    }
    return null;
  }

  private void checkHistograms(Map<String, String> types) {
    types.forEach(
        (family, type) -> {
          if (!type.equals("histogram")) {
            return;
          }
          Map<Map<String, String>, List<Sample>> bucketsBySeries = new HashMap<>();
          for (Sample s : find(family + "_bucket")) {
            Map<String, String> series = new TreeMap<>(s.labels());
            series.remove("le");
            bucketsBySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
          }
          bucketsBySeries.forEach(
              (series, buckets) -> {
                double previousLe = Double.NEGATIVE_INFINITY;
                double previousCount = 0;
                for (Sample bucket : buckets) {
                  double le = value(bucket.labels().get("le"));
                  require(le > previousLe, "buckets in ascending le", family + " " + series);
                  require(
                      bucket.value() >= previousCount,
                      "cumulative bucket counts",
                      family + " " + series);
                  previousLe = le;
                  previousCount = bucket.value();
                }
                require(
                    previousLe == Double.POSITIVE_INFINITY,
                    "a last bucket le=+Inf",
                    family + " " + series);
                double count =
                    samples.stream()
                        .filter(s -> s.name().equals(family + "_count"))
                        .filter(s -> new TreeMap<>(s.labels()).equals(series))
                        .mapToDouble(Sample::value)
                        .findFirst()
                        .orElseThrow(
                            () -> new AssertionError(family + " " + series + ": no _count"));
                require(previousCount == count, "+Inf bucket equal to _count", family + series);
              });
        });
  }

  private static boolean validDocstring(String help) {
    for (int i = 0; i < help.length(); i++) {
      if (help.charAt(i) == '\\') {
        if (i + 1 == help.length() || "\\n".indexOf(help.charAt(i + 1)) < 0) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  /** Undoes the format's three escapes, {@code \\}, {@code \"} and {@code \n}, in one pass. */
  private static String unescape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        char next = value.charAt(++i);
        out.append(next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  private static void require(boolean condition, String expected, String where) {
    if (!condition) {
      throw new AssertionError("Prometheus text format: expected " + expected + " at " + where);
    }
  }
}
