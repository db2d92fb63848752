package dev.keyledger.engine.domain;

import dev.keyledger.avro.state.TenantState;
import java.util.Locale;

/**
 * What the background rewrap does for a tenant now, as {@code rewrap_status} says it (the
 * onboarding answer and {@code GET /admin/tenant-kms}). Shown by its lower-case wire name.
 */
public enum RewrapStatus {
  /**
   * A CMK-wrapped version waits for the waiver: the rewrap under it starts with the acknowledgment.
   */
  WAITING_FOR_WAIVER,
  /** A rewrap lease is moving DEKs ({@code rewrap: {done, total}} shows the progress). */
  ENQUEUED,
  /** Nothing is left to move: every live DEK is under the active version. */
  COMPLETED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RewrapStatus of(TenantState state) {
    if (TenantStates.pendingTmk(state).isPresent()) {
      return WAITING_FOR_WAIVER;
    }
    return state.getRewrap() != null ? ENQUEUED : COMPLETED;
  }
}
