package dev.keyledger.engine.domain;

/**
 * The status of one TMK version (SPEC §2): exactly one is active; retired ones only unwrap; a
 * version a registration added while it waits for the waiver is {@link #PENDING_WAIVER} (wrapped by
 * the CMK, not used) until the acknowledgment activates it ({@link ByokActivation}).
 */
public enum TmkStatus {
  ACTIVE,
  PENDING_WAIVER,
  RETIRED,
  DESTROYED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
