package dev.keyledger.application;

import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.projections.AlertRules;

/** SPEC §5 {@code GET /alerts}: the tenant's open alerts and the last resolved ones. */
public final class TenantAlerts {

  private final StateQueries queries;

  public TenantAlerts(StateQueries queries) {
    this.queries = queries;
  }

  /** The caller's tenant's alerts; none for a tenant without events. */
  public Outcome<AlertState> list(Caller caller) {
    return Stop.outcome(
        () ->
            TenantReader.value(queries.alerts(caller.tenant()))
                .orElseGet(() -> AlertRules.empty(caller.tenant())));
  }
}
