package dev.keyledger.engine.topology;

import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import java.util.List;

/**
 * Told of every tenant state the fold writes, on the stream thread, right after the write and
 * before the command's outcome is sent: a reader in the same process that keeps what it is told
 * sees a tenant's new state no later than the sender learns the outcome. Must be fast and must not
 * throw.
 */
@FunctionalInterface
public interface TenantWrites {

  /** Nobody listens. */
  TenantWrites NONE = (tenant, state, dekWrites) -> {};

  /**
   * @param state the tenant's state as stored now
   * @param dekWrites the DEK records written with it (each replaces the record of its version)
   */
  void written(String tenant, TenantState state, List<DekState> dekWrites);
}
