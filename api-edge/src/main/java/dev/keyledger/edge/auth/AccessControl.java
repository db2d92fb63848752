package dev.keyledger.edge.auth;

import dev.keyledger.engine.domain.TenantIds;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What route handlers call first: authenticates the bearer token, checks roles, and for destructive
 * calls checks the step-up token. The tenant is always {@link Principal#org()} of the returned
 * principal; a handler never reads a tenant id from the request.
 *
 * <pre>{@code
 * Principal who = access.require(ctx, Role.OWNER, Role.ADMIN);
 * Principal who = access.requireStepUp(ctx, StepUpVerifier.UNSEAL_WINDOW, Role.OWNER);
 * }</pre>
 *
 * <p>All refusals are {@link AuthException}s for the edge's single exception mapper. The verified
 * principal is also stored on the context under {@link #PRINCIPAL_ATTRIBUTE} for later stages (rate
 * limiting by {@code sub}, audit, request logs).
 */
public final class AccessControl {

  /** Javalin context attribute holding the verified {@link Principal}. */
  public static final String PRINCIPAL_ATTRIBUTE = "keyledger.principal";

  /** Header carrying the step-up token. */
  public static final String STEP_UP_HEADER = "X-Step-Up";

  private static final String BEARER = "bearer ";

  private final TokenVerifier tokens;
  private final StepUpVerifier stepUp;

  public AccessControl(TokenVerifier tokens, StepUpVerifier stepUp) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.stepUp = Objects.requireNonNull(stepUp, "stepUp");
  }

  /**
   * Authenticates the request and requires one of {@code anyOf}.
   *
   * @throws AuthException {@code missing_token}, {@code invalid_token}, {@code token_expired} or
   *     {@code forbidden}; {@code identity_provider_unavailable} when an identity provider's keys
   *     cannot be fetched
   */
  public Principal require(Context ctx, Role... anyOf) {
    Principal principal = authorize(ctx.header("Authorization"), anyOf);
    ctx.attribute(PRINCIPAL_ATTRIBUTE, principal);
    return principal;
  }

  /**
   * Like {@link #require(Context, Role...)}, then checks {@code X-Step-Up} within {@code window}.
   *
   * @throws AuthException as {@link #require(Context, Role...)}, or a {@code step_up_*} code
   */
  public Principal requireStepUp(Context ctx, Duration window, Role... anyOf) {
    Principal principal = require(ctx, anyOf);
    stepUp.verify(principal, ctx.header(STEP_UP_HEADER), window);
    return principal;
  }

  /**
   * The header-level core of {@link #require(Context, Role...)}.
   *
   * @param authorizationHeader the {@code Authorization} header value, may be {@code null}
   */
  public Principal authorize(String authorizationHeader, Role... anyOf) {
    if (anyOf.length == 0) {
      throw new IllegalArgumentException("name at least one role");
    }
    Principal principal = tokens.verifyAccess(bearerToken(authorizationHeader));
    if (!TenantIds.isValid(principal.org())) {
      // The fold would dead-letter every command of such a tenant: refuse the token, not the
      // command.
      throw new AuthException(
          AuthError.INVALID_TOKEN,
          "The token's org claim is not a tenant id",
          "An org is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (!principal.hasAnyRole(anyOf)) {
      throw new AuthException(
          AuthError.FORBIDDEN,
          "This call needs one of the roles: " + wireNames(anyOf),
          "Use a token that grants one of those roles");
    }
    return principal;
  }

  private static String bearerToken(String header) {
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    return header.substring(BEARER.length()).strip();
  }

  private static String wireNames(Role... roles) {
    return Arrays.stream(roles).map(Role::wireName).collect(Collectors.joining(", "));
  }
}
