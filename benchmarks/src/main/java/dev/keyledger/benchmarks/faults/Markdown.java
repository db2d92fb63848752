package dev.keyledger.benchmarks.faults;

import java.util.List;
import java.util.Locale;

/** The results of a run as a Markdown fragment for RELIABILITY.md. */
final class Markdown {

  private Markdown() {}

  /** {@code median M s, max X s (n N)} of seconds. */
  static String stats(List<Double> seconds) {
    if (seconds.isEmpty()) {
      return "(none)";
    }
    List<Double> sorted = seconds.stream().sorted().toList();
    return String.format(
        Locale.ROOT,
        "median %.1f s, max %.1f s (n %d)",
        sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1),
        sorted.size());
  }

  static String of(FaultTrials.Options options, FaultTrials.Result result) {
    StringBuilder md = new StringBuilder();
    md.append("Seed ")
        .append(result.seed())
        .append(", ")
        .append(options.threads())
        .append(" client threads, ")
        .append(options.tenantsPerThread())
        .append(" tenants per thread, faults every ")
        .append(options.minUptime())
        .append("-")
        .append(options.maxUptime())
        .append(" s.\n\n");
    md.append(
        "| phase | faults | requests | commands | 202s (unresolved) | events | lost | duplicated |"
            + " chain breaks | state != replay | undecryptable | encryptions / folded | restart to ready |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (FaultTrials.Phase p : result.phases()) {
      LogVerdict.Figures f = p.figures();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %d (%d) | %d | %d | %d | %d | %d | %d of %d | %d / %d | %s%s |%n",
              p.name(),
              p.faults(),
              p.requests(),
              f.commands(),
              f.pending(),
              f.unresolved(),
              f.events(),
              f.lost(),
              f.duplicated(),
              f.chainBreaks(),
              f.stateMismatches(),
              f.undecryptable(),
              f.ciphertexts(),
              f.encryptions(),
              f.encryptionsCounted(),
              stats(p.restartSeconds()),
              p.catchUpSeconds().isEmpty() ? "" : "; ISRs full " + stats(p.catchUpSeconds())));
    }
    md.append("\n").append(result.summary()).append("\n");
    return md.toString();
  }
}
