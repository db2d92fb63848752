package dev.keyledger.edge.cli;

import dev.keyledger.application.KeyStatus;
import dev.keyledger.application.Outcome;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.edge.api.KeyViews;
import dev.keyledger.edge.cli.log.EventLog;
import dev.keyledger.edge.cli.log.LogReplay;
import dev.keyledger.edge.cli.log.ProgressBar;
import dev.keyledger.edge.cli.log.ReadProgress;
import dev.keyledger.edge.cli.log.ReplayedTenant;
import dev.keyledger.edge.cli.log.Terminals;
import dev.keyledger.edge.http.Json;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.projections.ChainReport;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keyledger replay --tenant T [--at ISO-8601]}: rebuilds the tenant's key state from the
 * event log with the engine's own {@code Evolver}, as of the instant (its events up to the first
 * that occurred after it), checking its hash chain on the way, and prints it on standard output as
 * {@code GET /api/v1/byok/keys} would have shown it then (its JSON, the newest 20 DEKs, the waiver
 * in force from the platform's own events). Exit 0 when shown; 1 when the tenant is unknown, had no
 * events or no key by then, or its chain breaks before then; 2 on a usage error; 3 if the log
 * cannot be read. A progress bar goes to standard error when it is a terminal.
 */
@Command(
    name = "replay",
    sortOptions = false,
    description = {
      "Rebuild a tenant's key state from the event log as of an instant and print it as the JSON"
          + " of GET /api/v1/byok/keys.",
      "Exit 0 when shown, 1 if the tenant is unknown, had no key then or its chain is broken,"
          + " 2 on a usage error, 3 if the log cannot be read."
    })
public final class ReplayCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--tenant",
      paramLabel = "TENANT",
      required = true,
      converter = TenantIdConverter.class,
      description = "The tenant (the tokens' org).")
  private String tenant;

  @Option(
      names = "--at",
      paramLabel = "ISO-8601",
      converter = InstantConverter.class,
      description =
          "Show the state as of this instant, e.g. 2026-12-01T12:00:00Z (default: the log's end).")
  private Instant at;

  @Mixin private LogOptions log;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    LogReplay replay = new LogReplay(Set.of(tenant, TenantIds.PLATFORM)::contains, at);
    String topic;
    try (EventLog events = log.open()) {
      topic = events.topic();
      ReadProgress progress =
          Terminals.stderrIsTerminal()
              ? new ProgressBar(err, "replay", System::nanoTime)
              : ReadProgress.NONE;
      events.read(
          List.of(events.partitionOf(tenant), events.partitionOf(TenantIds.PLATFORM)),
          replay,
          progress);
    }
    Optional<ReplayedTenant> found = replay.tenant(tenant);
    if (found.isEmpty()) {
      return fail("unknown tenant '" + tenant + "': no events of it in " + topic);
    }
    ReplayedTenant replayed = found.get();
    Optional<ReplayedTenant> platform = replay.tenant(TenantIds.PLATFORM);
    for (ReplayedTenant checked :
        platform.isPresent() ? List.of(replayed, platform.get()) : List.of(replayed)) {
      ChainReport chain = checked.chain();
      if (!chain.intact()) {
        String id = checked.state().getTenantId();
        return fail(
            "the hash chain of "
                + id
                + " breaks at seq "
                + chain.brokenAtSeq()
                + " ("
                + chain.reason()
                + "): its state is not shown; keyledger audit verify --tenant "
                + id
                + " says more");
      }
    }
    TenantState state = replayed.state();
    if (state.getSeq() == 0) {
      return fail(
          "tenant "
              + tenant
              + " had no events at or before "
              + at
              + " (its first event occurred at "
              + replayed.firstEventAt()
              + ")");
    }
    Outcome<KeyStatus.BoundKey> view =
        KeyStatus.byokKey(
            state,
            platform.map(ReplayedTenant::state).orElse(null),
            KeyStatus.DekPage.FIRST,
            replayed);
    if (view instanceof Outcome.Refused<KeyStatus.BoundKey> refused) {
      Refusal r = refused.refusal();
      return fail(
          "tenant "
              + tenant
              + " had no BYOK key "
              + asOf(state)
              + ": GET /api/v1/byok/keys would have answered "
              + (r.getCode() == null ? "" : r.getCode() + " ")
              + r.getType()
              + " ("
              + r.getMessage()
              + ")");
    }
    if (!(view instanceof Outcome.Done<KeyStatus.BoundKey> done)) {
      throw new IllegalStateException("a replayed state's key view is done or refused: " + view);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(Json.mapper().writeValueAsString(KeyViews.Key.of(done.value())));
    out.flush();
    err.println("keyledger: tenant " + tenant + " " + asOf(state));
    err.flush();
    return 0;
  }

  private String asOf(TenantState state) {
    return (at == null ? "at the log's end" : "as of " + at)
        + " (seq "
        + state.getSeq()
        + ", last event at "
        + state.getLastEventAt()
        + ")";
  }

  private int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("keyledger: " + message);
    err.flush();
    return 1;
  }
}
