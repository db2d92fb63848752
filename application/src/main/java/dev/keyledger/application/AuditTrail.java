package dev.keyledger.application;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.projections.query.AuditFilter;
import dev.keyledger.projections.query.AuditPage;
import java.util.Optional;

/**
 * The tenant's audit trail: pages of it, a re-walk of its hash chain, and the outcome of one
 * command.
 */
public final class AuditTrail {

  private final StateQueries queries;

  public AuditTrail(StateQueries queries) {
    this.queries = queries;
  }

  /** A page, newest first. */
  public Outcome<AuditPage> page(Caller caller, AuditFilter filter) {
    return Stop.outcome(
        () -> TenantReader.value(queries.audit(caller.tenant(), filter)).orElseThrow());
  }

  public Outcome<ChainReport> verify(Caller caller) {
    return Stop.outcome(
        () -> TenantReader.value(queries.verifyChain(caller.tenant())).orElseThrow());
  }

  /**
   * The outcome of one of the tenant's commands; empty while it is not decided (or not the
   * tenant's).
   */
  public Outcome<Optional<CommandOutcome>> outcome(Caller caller, String commandId) {
    return Stop.outcome(() -> TenantReader.value(queries.outcome(caller.tenant(), commandId)));
  }
}
