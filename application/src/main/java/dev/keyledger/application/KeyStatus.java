package dev.keyledger.application;

import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.Waivers;
import java.util.List;
import java.util.Optional;

/** Reads of a tenant's key binding: the key and its KMS configuration, from the folded state. */
public final class KeyStatus {

  private final TenantReader reader;
  private final PlatformKeys platformKeys;

  public KeyStatus(TenantReader reader, PlatformKeys platformKeys) {
    this.reader = reader;
    this.platformKeys = platformKeys;
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

  /** One page of a tenant's DEK records, as a store or a replay holds them. */
  @FunctionalInterface
  public interface DekPages {

    /** Up to {@code limit} of the records below version {@code beforeVersion}, newest first. */
    List<DekState> newestFirst(int beforeVersion, int limit);
  }

  /**
   * The tenant API's view: refused {@code no_byok_key} without a binding. A tenant without keys
   * gets platform-managed ones first (a key call is a first use); the 404 of a tenant whose keys
   * are platform-managed says so ({@code reason: platform_managed}, the TMK version in the
   * message).
   */
  public Outcome<BoundKey> byokKey(Caller caller, DekPage page) {
    return Stop.outcome(
        () ->
            boundKey(
                bound(caller, false),
                reader.platform().orElse(null),
                page,
                (before, limit) -> reader.deksNewestFirst(caller.tenant(), before, limit)));
  }

  /**
   * The tenant API's view of a state read elsewhere than the stores (a replay of the event log):
   * what {@link #byokKey(Caller, DekPage)} answers for the same states and DEK records.
   *
   * @param state the tenant's state, or null when it has none (refused {@code no_byok_key}, as
   *     without a binding)
   * @param platform the state of the platform's key ({@code TenantIds.PLATFORM}), which holds the
   *     waiver in force; null when it has none
   */
  public static Outcome<BoundKey> byokKey(
      TenantState state, TenantState platform, DekPage page, DekPages deks) {
    return Stop.outcome(
        () -> boundKey(requireBound(Optional.ofNullable(state), false), platform, page, deks));
  }

  private static BoundKey boundKey(
      TenantState state, TenantState platform, DekPage page, DekPages pages) {
    List<DekState> deks = pages.newestFirst(page.beforeVersion(), page.limit());
    int oldest = deks.isEmpty() ? 1 : deks.get(deks.size() - 1).getDek().getVersion();
    return new BoundKey(
        state,
        Waivers.current(platform).getWaiverVersion(),
        deks,
        deks.size() == page.limit() && oldest > 1 ? oldest : null);
  }

  /**
   * The admin API's view: refused {@code no_kms_config} without a binding, saying so when the
   * tenant's keys are platform-managed (as {@link #byokKey(Caller, DekPage)}).
   */
  public Outcome<TenantState> kmsConfig(Caller caller) {
    return Stop.outcome(() -> bound(caller, true));
  }

  private TenantState bound(Caller caller, boolean admin) {
    return requireBound(Optional.of(platformKeys.ensure(caller)), admin);
  }

  private static TenantState requireBound(Optional<TenantState> state, boolean admin) {
    if (state.isPresent() && state.get().getBinding() != null) {
      return state.get();
    }
    Refusal notFound = admin ? ServiceRefusals.noKmsConfig() : Refusals.noKey();
    throw Stop.refused(
        state
            .flatMap(TenantStates::activeTmk)
            .map(v -> ServiceRefusals.platformManaged(notFound, v.getTmk().getVersion()))
            .orElse(notFound));
  }
}
