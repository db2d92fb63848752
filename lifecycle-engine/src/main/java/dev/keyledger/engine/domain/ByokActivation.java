package dev.keyledger.engine.domain;

import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.event.ByokActivated;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import java.util.List;
import java.util.Optional;

/**
 * When the customer's key takes over (SPEC §2: BYOK activation needs both a verified key and an
 * acknowledged current waiver version). A registration of a tenant whose keys are platform-managed
 * adds its CMK-wrapped TMK version as {@code pending_waiver}: the platform-managed keys keep
 * serving the data plane, leases and rotation. The acknowledgment of the waiver is the switch: in
 * the same decision that version becomes the active one (the platform-wrapped one retires, unwrap
 * only), the binding becomes {@code active}, and a rewrap lease moves every DEK under the
 * CMK-wrapped version. Part of {@link Decider}; pure.
 */
public final class ByokActivation {

  private ByokActivation() {}

  /**
   * Whether a registration now adds its TMK as {@code pending_waiver} instead of active: when the
   * tenant's active TMK is wrapped by the platform key (before BYOK, after {@code DELETE /keys} or
   * after BYOK ended, and while an earlier registration waits). A tenant already under a CMK (an
   * onboarding UPSERT of an active or sealed binding, or a pending one folded by an earlier
   * release) switches at once, as before; so does a tenant without any keys, which only a sender of
   * an earlier release registers (today's sender provisions platform-managed keys first).
   */
  public static boolean registrationWaits(TenantState state) {
    return TenantStates.activeTmk(state)
        .map(v -> "platform".equals(v.getTmk().getWrapMethod()))
        .orElse(false);
  }

  /**
   * Whether the tenant's active keys may serve leases and rotations now: not sealed, keys present,
   * and not a CMK-wrapped version whose registration still waits for the waiver (only state folded
   * by an earlier release is in that case: today such a version is pending, not active). Public so
   * a sender can refuse before it makes keys; the fold applies the same rule.
   */
  public static Optional<Refusal> checkKeysServe(TenantState state) {
    BindingStatus status = TenantStates.status(state);
    if (status == BindingStatus.SEALED) {
      return Optional.of(Refusals.sealed(state));
    }
    Optional<TmkVersionState> active = TenantStates.activeTmk(state);
    boolean cmkBeforeWaiver =
        status == BindingStatus.PENDING_WAIVER
            && active.map(v -> "customer_kms".equals(v.getTmk().getWrapMethod())).orElse(false);
    return active.isEmpty() || cmkBeforeWaiver
        ? Optional.of(Refusals.notActive(status))
        : Optional.empty();
  }

  /**
   * The switch, appended to an acknowledgment of a pending binding: the binding becomes active, the
   * pending version (if any: not for state folded by an earlier release, whose CMK-wrapped version
   * is active already) becomes the active one, and the rewrap of every live DEK under it starts.
   */
  static void activate(TenantState state, List<Object> events) {
    events.add(ByokActivated.newBuilder().setKeyId(state.getBinding().getKeyId()).build());
    TenantStates.pendingTmk(state)
        .ifPresent(v -> KeyRotation.startRewrap(state, v.getTmk().getVersion(), events, false));
  }
}
