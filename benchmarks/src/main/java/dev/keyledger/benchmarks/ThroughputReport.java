package dev.keyledger.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The results of {@link FoldThroughput}: per-run lines, the final table (medians) and JSON. */
final class ThroughputReport {

  /** One topology over one run's commands. */
  record Measurement(
      double commandsPerSecond,
      double seconds,
      long firstBatch,
      double visibleSeconds,
      double middlePerSecond,
      double streamThreadBusy,
      double streamThreadMicrosPerCommand,
      boolean coarse,
      double loadAverage) {
    static Measurement of(OutputWatch.Arrival arrival, double loadAverage) {
      return new Measurement(
          arrival.perSecond(),
          arrival.seconds(),
          arrival.firstBatch(),
          arrival.visibleSeconds(),
          arrival.middlePerSecond(),
          arrival.streamThreadBusy(),
          arrival.streamThreadMicrosPerRecord(),
          arrival.coarse(),
          loadAverage);
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%,.0f%s cmd/s (%.2f s; stream thread %.1f us CPU/cmd, busy %.0f %%; load %.2f)",
          commandsPerSecond,
          coarse ? "*" : "",
          seconds,
          streamThreadMicrosPerCommand,
          100 * streamThreadBusy,
          loadAverage);
    }
  }

  /** The pass-through and the fold over the same pre-produced commands. */
  record Run(int deks, String guarantee, int run, Measurement passThrough, Measurement fold) {
    double ratio() {
      return fold.commandsPerSecond() / passThrough.commandsPerSecond();
    }
  }

  /** The untimed seeding of one point. */
  record Seeding(int deks, int tenants, long commands, double seconds) {
    double perSecond() {
      return commands / seconds;
    }
  }

  private final ThroughputOptions options;
  private final List<Seeding> seedings = new ArrayList<>();
  private final List<Run> runs = new ArrayList<>();

  ThroughputReport(ThroughputOptions options) {
    this.options = options;
  }

  void add(Seeding seeding) {
    seedings.add(seeding);
  }

  void add(Run run) {
    runs.add(run);
  }

  /** One line per run, as it is measured; runs {@code <= 0} are warm-ups. */
  static String line(Run r, int of) {
    return String.format(
        Locale.ROOT,
        "D=%d %s %s: pass-through %s | fold %s | ratio %.3f",
        r.deks(),
        r.guarantee(),
        r.run() > 0 ? "run " + r.run() + "/" + of : "warm-up (not counted)",
        r.passThrough().describe(),
        r.fold().describe(),
        r.ratio());
  }

  /** Medians per DEK count and guarantee; ratio = median fold / median pass-through. */
  void printTable(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%nFold throughput: %d tenants, %,d commands per run, %d partitions, median of %d run(s)%n",
        options.tenants(),
        options.commands(),
        options.partitions(),
        options.runs());
    out.printf(
        Locale.ROOT,
        "%6s  %-16s %18s %12s %7s  %-23s %s%n",
        "DEKs",
        "guarantee",
        "pass-through cmd/s",
        "fold cmd/s",
        "ratio",
        "thread CPU us/cmd (p/f)",
        "load avg (1 min)");
    for (int deks : options.deks()) {
      for (String guarantee : options.guarantees()) {
        List<Run> point = point(deks, guarantee);
        if (point.isEmpty()) {
          continue;
        }
        double pass = median(point, r -> r.passThrough().commandsPerSecond());
        double fold = median(point, r -> r.fold().commandsPerSecond());
        out.printf(
            Locale.ROOT,
            "%6d  %-16s %,17.0f%1s %,11.0f%1s %7.3f  %6.1f / %-14.1f %s%n",
            deks,
            guarantee,
            pass,
            point.stream().anyMatch(r -> r.passThrough().coarse()) ? "*" : "",
            fold,
            point.stream().anyMatch(r -> r.fold().coarse()) ? "*" : "",
            fold / pass,
            median(point, r -> r.passThrough().streamThreadMicrosPerCommand()),
            median(point, r -> r.fold().streamThreadMicrosPerCommand()),
            loadRange(point));
      }
    }
    if (runs.stream().anyMatch(r -> r.passThrough().coarse() || r.fold().coarse())) {
      out.println(
          "* coarse: some run took under 1 s or had a tenth of its records in the first batch;"
              + " use more --commands");
    }
    for (Seeding s : seedings) {
      out.printf(
          Locale.ROOT,
          "seeding D=%d: %,d commands in %.1f s (%,.0f commands/s, untimed)%n",
          s.deks(),
          s.commands(),
          s.seconds(),
          s.perSecond());
    }
  }

  /** Writes every run, the medians and the seeding as JSON. */
  void writeJson() throws IOException {
    if (options.json() == null) {
      return;
    }
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"options\": {")
        .append(field("tenants", options.tenants()))
        .append(", ")
        .append(field("commands", options.commands()))
        .append(", ")
        .append(field("runs", options.runs()))
        .append(", ")
        .append(field("partitions", options.partitions()))
        .append(", \"cores\": ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(", \"java\": \"")
        .append(System.getProperty("java.version"))
        .append("\"},\n  \"points\": [");
    String sep = "\n";
    for (int deks : options.deks()) {
      for (String guarantee : options.guarantees()) {
        List<Run> point = point(deks, guarantee);
        if (point.isEmpty()) {
          continue;
        }
        double pass = median(point, r -> r.passThrough().commandsPerSecond());
        double fold = median(point, r -> r.fold().commandsPerSecond());
        json.append(sep)
            .append("    {")
            .append(field("deks", deks))
            .append(", \"guarantee\": \"")
            .append(guarantee)
            .append("\", ")
            .append(field("passThroughMedian", pass))
            .append(", ")
            .append(field("foldMedian", fold))
            .append(", ")
            .append(field("ratio", fold / pass))
            .append(", \"runs\": [");
        String runSep = "";
        for (Run r : point) {
          json.append(runSep)
              .append("\n      {")
              .append(field("run", r.run()))
              .append(", \"passThrough\": ")
              .append(json(r.passThrough()))
              .append(", \"fold\": ")
              .append(json(r.fold()))
              .append(", ")
              .append(field("ratio", r.ratio()))
              .append('}');
          runSep = ",";
        }
        json.append("]}");
        sep = ",\n";
      }
    }
    json.append("\n  ],\n  \"seeding\": [");
    sep = "\n";
    for (Seeding s : seedings) {
      json.append(sep)
          .append("    {")
          .append(field("deks", s.deks()))
          .append(", ")
          .append(field("tenants", s.tenants()))
          .append(", ")
          .append(field("commands", s.commands()))
          .append(", ")
          .append(field("seconds", s.seconds()))
          .append(", ")
          .append(field("commandsPerSecond", s.perSecond()))
          .append('}');
      sep = ",\n";
    }
    json.append("\n  ]\n}\n");
    Files.writeString(options.json(), json);
  }

  private List<Run> point(int deks, String guarantee) {
    return runs.stream().filter(r -> r.deks() == deks && r.guarantee().equals(guarantee)).toList();
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
    double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String loadRange(List<Run> runs) {
    List<Double> loads = new ArrayList<>();
    runs.forEach(r -> loads.addAll(List.of(r.passThrough().loadAverage(), r.fold().loadAverage())));
    loads.sort(Comparator.naturalOrder());
    return String.format(Locale.ROOT, "%.2f-%.2f", loads.get(0), loads.get(loads.size() - 1));
  }

  private static String json(Measurement m) {
    return "{"
        + field("commandsPerSecond", m.commandsPerSecond())
        + ", "
        + field("seconds", m.seconds())
        + ", "
        + field("firstBatch", m.firstBatch())
        + ", "
        + field("visibleSeconds", m.visibleSeconds())
        + ", "
        + field("middle80PerSecond", m.middlePerSecond())
        + ", "
        + field("streamThreadBusy", m.streamThreadBusy())
        + ", "
        + field("streamThreadMicrosPerCommand", m.streamThreadMicrosPerCommand())
        + ", \"coarse\": "
        + m.coarse()
        + ", "
        + field("loadAverage", m.loadAverage())
        + "}";
  }

  private static String field(String name, double value) {
    String number = Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "null";
    return "\"" + name + "\": " + number;
  }

  private static String field(String name, long value) {
    return "\"" + name + "\": " + value;
  }
}
