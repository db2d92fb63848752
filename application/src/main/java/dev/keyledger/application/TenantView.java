package dev.keyledger.application;

import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;

/**
 * A tenant's state and, on demand, the DEK records it names: what the data plane needs for one
 * request. A view may be reused while the stored state is unchanged.
 */
public interface TenantView {

  TenantState state();

  /** The record of one DEK version, as of {@link #state()}. */
  QueryResult<DekState> dek(int version);
}
