package dev.keyledger.edge.auth;

/** Names and fixed values of the JWT claims KeyLedger issues and checks. */
final class TokenClaims {
  static final String ORG = "org";
  static final String ROLES = "roles";
  static final String STEP_UP = "step_up";

  /** The {@code iss} of tokens minted by dev mode and {@code keyledger token}. */
  static final String DEV_ISSUER = "keyledger-dev";

  private TokenClaims() {}
}
