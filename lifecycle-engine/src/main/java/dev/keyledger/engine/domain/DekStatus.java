package dev.keyledger.engine.domain;

/** Status wire names of a DEK version. */
public final class DekStatus {

  /** Encrypts new data; exactly one per tenant that has DEKs. */
  public static final String ACTIVE = "active";

  /** Decrypts only. */
  public static final String RETIRED = "retired";

  /** Its TMK version was destroyed: its data can never be decrypted again. */
  public static final String LOST = "lost";

  private DekStatus() {}
}
