package dev.keyledger.edge.api;

import dev.keyledger.avro.state.RewrapState;
import dev.keyledger.avro.state.TenantState;
import java.time.Instant;

/** Progress of the background rewrap; {@link #of} is null when none runs. */
record RewrapView(long leaseId, int toTmkVersion, int done, int total, Instant startedAt) {

  static RewrapView of(TenantState state) {
    RewrapState rewrap = state.getRewrap();
    return rewrap == null
        ? null
        : new RewrapView(
            rewrap.getLeaseId(),
            rewrap.getToTmkVersion(),
            rewrap.getDone(),
            rewrap.getTotal(),
            rewrap.getStartedAt());
  }
}
