package dev.keyledger.edge.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * The checked content of a token whose signature, algorithm, issuer, times and claims were
 * verified.
 *
 * @param principal the caller
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 * @param stepUp {@code step_up} claim ({@code false} when absent)
 * @param tokenId {@code jti}, or {@code null} when absent; for audit records, not a secret
 * @param authTime {@code auth_time} (when the user signed in at the identity provider), or {@code
 *     null} when absent (always for KeyLedger's own HS256 tokens)
 * @param acr {@code acr} (how the user signed in), or {@code null} when absent
 */
public record VerifiedToken(
    Principal principal,
    Instant issuedAt,
    Instant expiresAt,
    boolean stepUp,
    String tokenId,
    Instant authTime,
    String acr) {

  public VerifiedToken {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
