package dev.keyledger.benchmarks.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The results of one {@code HttpLoad} run: a Markdown table per part (for BENCHMARKS.md), the
 * throughput ratios against the 401 baseline, and the same as JSON.
 */
public final class Report {

  private static final String BASELINE = "401 no token";

  private final Map<String, Object> run;
  private final List<PhaseResult> dataPlane;
  private final List<PhaseResult> commands;

  /**
   * @param run what was run (settings, machine, load averages), written first in the JSON
   */
  public Report(Map<String, Object> run, List<PhaseResult> dataPlane, List<PhaseResult> commands) {
    this.run = run;
    this.dataPlane = dataPlane;
    this.commands = commands;
  }

  /**
   * For each data-plane scenario, against {@code 401 no token}: its throughput at saturation
   * divided by the 401's ({@code req/s}: below 1 = more expensive), and the node's CPU time per
   * request at saturation divided by the 401's, net of the idle baseline ({@code node CPU}: above 1
   * = more expensive).
   */
  public Map<String, Map<String, Double>> ratios() {
    Map<String, PhaseResult> saturation = new LinkedHashMap<>();
    for (PhaseResult r : dataPlane) {
      if (r.offeredRate() == 0) {
        saturation.put(r.scenario(), r);
      }
    }
    PhaseResult base = saturation.get(BASELINE);
    Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
    if (base == null) {
      return ratios;
    }
    saturation.forEach(
        (name, r) -> {
          if (!name.equals(BASELINE)) {
            Map<String, Double> ratio = new LinkedHashMap<>();
            ratio.put("req_per_s", r.requestsPerSecond() / base.requestsPerSecond());
            ratio.put(
                "node_cpu_per_request",
                r.serverNetCpuMicrosPerRequest() / base.serverNetCpuMicrosPerRequest());
            ratios.put(name + " / 401", ratio);
          }
        });
    return ratios;
  }

  /** Prints both tables, the ratios, error samples and load averages as Markdown. */
  public void print(PrintStream out) {
    out.println();
    out.println(
        "| scenario | pacing | req/s | p50 µs | p99 µs | p99.9 µs | max µs | node CPU µs/req (net) | errors |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---|");
    for (PhaseResult r : dataPlane) {
      Percentiles l = r.latency();
      out.printf(
          "| %s | %s | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %s |%n",
          r.scenario(),
          r.pacing(),
          r.requestsPerSecond(),
          l.p50(),
          l.p99(),
          l.p999(),
          l.max(),
          r.serverNetCpuMicrosPerRequest(),
          errors(r));
    }
    out.println();
    ratios()
        .forEach(
            (k, v) ->
                out.printf(
                    "- %s at saturation: req/s %.2f, node CPU per request %.2f%n",
                    k, v.get("req_per_s"), v.get("node_cpu_per_request")));
    out.println();
    out.println(
        "| command | pacing | done/s | p50 ms | p99 ms | p99.9 ms | max ms | service p50 ms | node CPU µs/req (net) | errors |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (PhaseResult r : commands) {
      Percentiles l = r.latency();
      out.printf(
          "| %s | %s | %,.0f | %,.1f | %,.1f | %,.1f | %,.1f | %,.1f | %,.0f | %s |%n",
          r.scenario(),
          r.pacing(),
          r.requestsPerSecond(),
          l.p50() / 1e3,
          l.p99() / 1e3,
          l.p999() / 1e3,
          l.max() / 1e3,
          r.serviceTime().p50() / 1e3,
          r.serverNetCpuMicrosPerRequest(),
          errors(r));
    }
    out.println();
    out.printf(
        "node idle baseline: %.3f cores (subtracted in the net CPU columns); load average before %s,"
            + " after %s%n",
        run.get("node_idle_cores"), run.get("load_average_before"), run.get("load_average_after"));
    out.println("load average (1/5/15 min) as each window closed:");
    for (PhaseResult r : dataPlane) {
      out.println("  " + r.scenario() + ", " + r.pacing() + ": " + r.loadAverage());
    }
    for (PhaseResult r : commands) {
      out.println("  " + r.scenario() + ", " + r.pacing() + ": " + r.loadAverage());
    }
    for (PhaseResult r : dataPlane) {
      samples(out, r);
    }
    for (PhaseResult r : commands) {
      samples(out, r);
    }
  }

  private static void samples(PrintStream out, PhaseResult r) {
    r.errorSamples()
        .forEach(
            (kind, sample) ->
                out.println(
                    "first " + kind + " of " + r.scenario() + ", " + r.pacing() + ": " + sample));
  }

  /** Writes everything as JSON to {@code file}. */
  public void writeJson(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>(run);
    json.put("data_plane", dataPlane);
    json.put("ratios_at_saturation", ratios());
    json.put("commands", commands);
    new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), json);
  }

  private static String errors(PhaseResult r) {
    if (r.errors().isEmpty()) {
      return "0";
    }
    return r.errorCount()
        + " ("
        + r.errors().entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining(", "))
        + ")";
  }
}
