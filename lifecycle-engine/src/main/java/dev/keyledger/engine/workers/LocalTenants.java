package dev.keyledger.engine.workers;

import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import java.util.List;
import java.util.function.Consumer;

/**
 * The tenants whose state this instance owns right now (its partitions of the tenant-state store).
 */
public interface LocalTenants {

  /**
   * Calls {@code action} for each owned tenant; nothing when the store is not available
   * (rebalancing).
   */
  void forEach(Consumer<TenantState> action);

  /**
   * Up to {@code limit} of an owned tenant's DEK records, from version {@code fromVersion} up;
   * empty when the store is not available.
   */
  List<DekState> deks(String tenant, int fromVersion, int limit);
}
