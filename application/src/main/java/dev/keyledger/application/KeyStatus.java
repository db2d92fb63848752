package dev.keyledger.application;

import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.Waivers;
import java.util.List;

/** Reads of a tenant's key binding: the key and its KMS configuration, from the folded state. */
public final class KeyStatus {

  private final TenantReader reader;

  public KeyStatus(TenantReader reader) {
    this.reader = reader;
  }

  /**
   * Which of a tenant's DEK records to list, newest first.
   *
   * @param beforeVersion only versions below this one
   * @param limit at most this many, 1 to {@link #MAX_LIMIT}
   */
  public record DekPage(int beforeVersion, int limit) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    /** The newest {@link #DEFAULT_LIMIT} DEKs. */
    public static final DekPage FIRST = new DekPage(Integer.MAX_VALUE, DEFAULT_LIMIT);
  }

  /**
   * A bound tenant's state with the waiver version now in force and one page of its DEKs.
   *
   * @param state the tenant's state; its binding is never null
   * @param deks the requested page of DEK records, newest first
   * @param nextBeforeVersion the {@code beforeVersion} of the next page; null on the last
   */
  public record BoundKey(
      TenantState state,
      String currentWaiverVersion,
      List<DekState> deks,
      Integer nextBeforeVersion) {}

  /** The tenant API's view: refused {@code no_byok_key} without a binding. */
  public Outcome<BoundKey> byokKey(Caller caller, DekPage page) {
    return Stop.outcome(
        () -> {
          TenantState state = bound(caller, false);
          List<DekState> deks =
              reader.deksNewestFirst(caller.tenant(), page.beforeVersion(), page.limit());
          int oldest = deks.isEmpty() ? 1 : deks.get(deks.size() - 1).getDek().getVersion();
          return new BoundKey(
              state,
              Waivers.current(reader.platform().orElse(null)).getWaiverVersion(),
              deks,
              deks.size() == page.limit() && oldest > 1 ? oldest : null);
        });
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
