package dev.keyledger.engine.domain;

/** The status of a tenant's CMK binding (SPEC §2). Stored and shown by its lower-case wire name. */
public enum BindingStatus {
  NONE,
  PENDING_WAIVER,
  ACTIVE,
  SEALED,
  DISABLED,
  REVOKED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static BindingStatus fromWire(String wire) {
    return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
  }

  /** Whether a CMK is currently bound (registered and not ended). */
  public boolean isBound() {
    return this == PENDING_WAIVER || this == ACTIVE || this == SEALED;
  }
}
