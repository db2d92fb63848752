package dev.keyledger.application;

import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.Waivers;

/**
 * Reads of a tenant's key binding: the key, its health and its KMS configuration, from the folded
 * state.
 */
public final class KeyStatus {

  private final TenantReader reader;

  public KeyStatus(TenantReader reader) {
    this.reader = reader;
  }

  /**
   * A bound tenant's state with the waiver version now in force.
   *
   * @param state the tenant's state; its binding is never null
   */
  public record BoundKey(TenantState state, String currentWaiverVersion) {}

  /** The tenant API's view: refused {@code no_byok_key} without a binding. */
  public Outcome<BoundKey> byokKey(Caller caller) {
    return Stop.outcome(
        () ->
            new BoundKey(
                bound(caller, false),
                Waivers.current(reader.platform().orElse(null)).getWaiverVersion()));
  }

  /** The state health is read from (no KMS call): refused {@code no_byok_key} without a binding. */
  public Outcome<TenantState> health(Caller caller) {
    return Stop.outcome(() -> bound(caller, false));
  }

  /** The admin API's view: refused {@code no_kms_config} without a binding. */
  public Outcome<TenantState> kmsConfig(Caller caller) {
    return Stop.outcome(() -> bound(caller, true));
  }

  private TenantState bound(Caller caller, boolean admin) {
    return reader
        .tenant(caller.tenant())
        .filter(s -> s.getBinding() != null)
        .orElseThrow(() -> Stop.refused(admin ? ServiceRefusals.noKmsConfig() : Refusals.noKey()));
  }
}
