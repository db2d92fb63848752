package dev.keyledger.edge.auth;

import static dev.keyledger.edge.auth.TokenVerifierTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.engine.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessControlTest {

  private static final Principal AUDITOR = new Principal("carol", "acme", Set.of(Role.AUDITOR));

  private final JwtKeys keys = JwtKeys.of(new SecureRandom().generateSeed(32));
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
  private final TokenIssuer issuer = new TokenIssuer(keys, clock);
  private final TokenVerifier tokens = HmacTokenVerifier.forDev(keys, clock);
  private final AccessControl access = new AccessControl(tokens, new StepUpVerifier(tokens, clock));

  @Test
  void bearerWithOneOfTheRolesIsAuthorised() {
    String header = "Bearer " + issuer.issueAccess(AUDITOR);

    assertThat(access.authorize(header, Role.OWNER, Role.AUDITOR)).isEqualTo(AUDITOR);
    assertThat(access.authorize("bearer  " + issuer.issueAccess(AUDITOR), Role.AUDITOR).org())
        .isEqualTo("acme");
  }

  @Test
  void missingRoleIsForbidden() {
    String header = "Bearer " + issuer.issueAccess(AUDITOR);

    assertThatThrownBy(() -> access.authorize(header, Role.OWNER, Role.ADMIN))
        .isInstanceOfSatisfying(
            AuthException.class,
            e -> {
              assertThat(e.error()).isEqualTo(AuthError.FORBIDDEN);
              assertThat(e.error().httpStatus()).isEqualTo(403);
              assertThat(e.getMessage()).contains("owner, admin");
            });
  }

  @Test
  void missingOrNonBearerHeaderIsMissingToken() {
    assertCode(() -> access.authorize(null, Role.AUDITOR), AuthError.MISSING_TOKEN);
    assertCode(() -> access.authorize("Basic dXNlcjpwYXNz", Role.AUDITOR), AuthError.MISSING_TOKEN);
    assertCode(() -> access.authorize("Bearer ", Role.AUDITOR), AuthError.MISSING_TOKEN);
  }

  @Test
  void stepUpTokenInAuthorizationIsInvalid() {
    assertCode(
        () -> access.authorize("Bearer " + issuer.issueStepUp(AUDITOR), Role.AUDITOR),
        AuthError.INVALID_TOKEN);
  }
}
