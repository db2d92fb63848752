package dev.keyledger.engine.domain;

/** The status of one TMK version (SPEC §2): exactly one is active; retired ones only unwrap. */
public enum TmkStatus {
  ACTIVE,
  RETIRED,
  DESTROYED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
