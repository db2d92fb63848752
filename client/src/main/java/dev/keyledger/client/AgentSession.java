package dev.keyledger.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An agent session opened by {@link KeyLedgerClient#openSession()}.
 *
 * <p>The TTL is 5 minutes while the tenant's BYOK is active and 1 hour otherwise, so callers should
 * renew by {@code expiresAt} rather than assume a fixed lifetime. The token is a bearer secret:
 * {@link #toString()} redacts it.
 *
 * @param token the session JWT, to send as {@code Authorization: Bearer <token>}
 * @param ttl how long the session was issued for
 * @param expiresAt when the session stops being accepted
 */
public record AgentSession(String token, Duration ttl, Instant expiresAt) {

  /** Rejects nulls. */
  public AgentSession {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  @Override
  public String toString() {
    return "AgentSession[token=<redacted>, ttl=" + ttl + ", expiresAt=" + expiresAt + "]";
  }
}
