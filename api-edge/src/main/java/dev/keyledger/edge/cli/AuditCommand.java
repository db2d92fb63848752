package dev.keyledger.edge.cli;

import dev.keyledger.edge.cli.log.EventLog;
import dev.keyledger.edge.cli.log.ProgressBar;
import dev.keyledger.edge.cli.log.ReadProgress;
import dev.keyledger.edge.cli.log.TenantChains;
import dev.keyledger.edge.cli.log.Terminals;
import dev.keyledger.projections.ChainReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keyledger audit}: the audit trail, read from the event log itself. */
@Command(
    name = "audit",
    description = "The audit trail, from the event log.",
    subcommands = AuditCommand.Verify.class)
public final class AuditCommand {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  /**
   * {@code keyledger audit verify [--tenant T]}: re-walks every tenant's hash chain (or one
   * tenant's) from the event log, one line per tenant on standard output. Exit 0 only if every
   * chain is intact; 1 if one breaks or the tenant has no events; 3 if the log cannot be read.
   */
  @Command(
      name = "verify",
      sortOptions = false,
      description = {
        "Re-walk the hash chain of every tenant (or one) from the event log.",
        "Prints '<tenant> intact <N> events head <hash>' or where the chain breaks (seq, expected,"
            + " found). Exit 0 only if every chain is intact, 1 if one is broken or the tenant"
            + " is unknown, 2 on a usage error, 3 if the log cannot be read."
      })
  static final class Verify implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
        names = "--tenant",
        paramLabel = "TENANT",
        converter = TenantIdConverter.class,
        description = "Only this tenant's chain (default: every tenant's).")
    private String tenant;

    @Mixin private LogOptions log;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      TenantChains chains = new TenantChains(tenant == null ? t -> true : tenant::equals);
      String topic;
      try (EventLog events = log.open()) {
        topic = events.topic();
        List<Integer> partitions =
            tenant == null ? events.allPartitions() : List.of(events.partitionOf(tenant));
        ReadProgress progress =
            Terminals.stderrIsTerminal()
                ? new ProgressBar(err, "verify", System::nanoTime)
                : ReadProgress.NONE;
        events.read(partitions, chains, progress);
      }
      SortedMap<String, ChainReport> reports = chains.reports();
      if (tenant != null && reports.isEmpty()) {
        err.println("keyledger: unknown tenant '" + tenant + "': no events of it in " + topic);
        err.flush();
        return 1;
      }
      long events = 0;
      int broken = 0;
      for (Map.Entry<String, ChainReport> e : reports.entrySet()) {
        ChainReport r = e.getValue();
        events += r.checked();
        if (r.intact()) {
          out.println(e.getKey() + " intact " + r.checked() + " events head " + r.headHash());
        } else {
          broken++;
          out.println(
              e.getKey()
                  + " broken at seq "
                  + r.brokenAtSeq()
                  + ": "
                  + r.reason()
                  + ": expected "
                  + r.expected()
                  + " found "
                  + r.found()
                  + " ("
                  + r.checked()
                  + " events intact before it, head "
                  + r.headHash()
                  + ")");
        }
      }
      out.println(
          reports.size()
              + (reports.size() == 1 ? " tenant, " : " tenants, ")
              + events
              + " intact events"
              + (broken == 0 ? ": every chain intact" : ": " + broken + " broken"));
      out.flush();
      return broken == 0 ? 0 : 1;
    }
  }
}
