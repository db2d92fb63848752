package dev.keyledger.edge.node;

import dev.keyledger.application.AgentSessions;
import dev.keyledger.application.PlatformIdentity;
import dev.keyledger.application.Readiness;
import dev.keyledger.application.TenantOwnership;
import dev.keyledger.application.runtime.UseCases;
import dev.keyledger.edge.KeyLedgerApp;
import dev.keyledger.edge.api.AgentController;
import dev.keyledger.edge.api.AlertsController;
import dev.keyledger.edge.api.AuditController;
import dev.keyledger.edge.api.ByokKeysController;
import dev.keyledger.edge.api.CommandsController;
import dev.keyledger.edge.api.ConsoleController;
import dev.keyledger.edge.api.DataKeysController;
import dev.keyledger.edge.api.DataPlaneController;
import dev.keyledger.edge.api.Guard;
import dev.keyledger.edge.api.ProbesController;
import dev.keyledger.edge.api.RotationController;
import dev.keyledger.edge.api.TenantKmsController;
import dev.keyledger.edge.api.WaiverController;
import dev.keyledger.edge.auth.AccessControl;
import dev.keyledger.edge.auth.CachingTokenVerifier;
import dev.keyledger.edge.auth.HmacTokenVerifier;
import dev.keyledger.edge.auth.JwksModeTokenVerifier;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.OidcSettings;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.SecretFile;
import dev.keyledger.edge.auth.StepUpVerifier;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.auth.TokenVerifier;
import dev.keyledger.edge.http.HttpMetrics;
import dev.keyledger.edge.http.routing.HopMarker;
import dev.keyledger.edge.http.routing.RequestForwarder;
import dev.keyledger.edge.http.routing.TenantRouter;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.edge.ratelimit.RateLimiter;
import dev.keyledger.envelope.SecretBytes;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The HTTP edge of one instance: tokens, access control and rate limits in front of the use cases.
 */
public final class EdgeServer {

  private EdgeServer() {}

  /** The token issuer agent sessions are minted with. */
  public static AgentSessions.SessionTokens sessionTokens(JwtKeys keys, Clock clock) {
    TokenIssuer issuer = new TokenIssuer(keys, clock);
    return (sub, tenant, ttl) ->
        issuer.issueAccess(new Principal(sub, tenant, EnumSet.of(Role.AGENT)), ttl);
  }

  /** The file in {@code <dataDir>/secrets/} of the secret external ids are derived from. */
  public static final String EXTERNAL_ID_SECRET_FILE = "external-id-hmac.key";

  /**
   * The platform's identity to customers ({@code GET /admin/tenant-kms/external-id}), external ids
   * derived from the configured secret ({@code kms.external.id.secret.file}), else from {@code
   * <dataDir>/secrets/external-id-hmac.key} (created on first use).
   */
  public static PlatformIdentity platformIdentity(
      Path dataDir, Optional<SecretBytes> configured, String platformPrincipalArn)
      throws IOException {
    byte[] secret =
        configured.isPresent()
            ? configured.get().toByteArray()
            : SecretFile.loadOrCreate(
                dataDir,
                EXTERNAL_ID_SECRET_FILE,
                "every tenant's external id changes and their roles' trust policies must follow");
    try {
      return new PlatformIdentity(SecretBytes.copyOf(secret), platformPrincipalArn);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * How requests are authenticated: without an identity provider (dev mode, {@code
   * auth.mode=shared-secret}) by HS256 tokens of {@code keys}, step-up by {@code step_up} tokens;
   * with one ({@code auth.mode=jwks}) by its tokens and KeyLedger's agent session tokens ({@link
   * JwksModeTokenVerifier}), step-up by a recent sign-in with a listed {@code acr}. Accepted tokens
   * are remembered ({@link CachingTokenVerifier}).
   */
  public static AccessControl accessControl(
      JwtKeys keys, Optional<OidcSettings> identityProvider, Clock clock) {
    if (identityProvider.isEmpty()) {
      TokenVerifier tokens =
          new CachingTokenVerifier(
              HmacTokenVerifier.forDev(keys, clock),
              clock,
              HmacTokenVerifier.DEFAULT_CLOCK_SKEW,
              CachingTokenVerifier.DEFAULT_MAX_TOKENS);
      return new AccessControl(tokens, new StepUpVerifier(tokens, clock));
    }
    OidcSettings idp = identityProvider.get();
    TokenVerifier tokens =
        new CachingTokenVerifier(
            new JwksModeTokenVerifier(idp, keys, clock),
            clock,
            idp.clockSkew(),
            CachingTokenVerifier.DEFAULT_MAX_TOKENS);
    return new AccessControl(
        tokens, StepUpVerifier.forIdentityProvider(tokens, idp.stepUpAcr(), clock));
  }

  /**
   * Forwards each tenant-scoped request to the instance that owns the tenant. Forwarded exchanges
   * may take the owner's wait for the fold ({@code commandWait}) plus 5 s; the hop proof's key is
   * derived from {@code keys}, so instances sharing the JWT secret trust each other's request id
   * and {@code X-Forwarded-For}.
   */
  public static TenantRouter router(
      TenantOwnership ownership,
      AccessControl access,
      JwtKeys keys,
      Duration commandWait,
      MeterRegistry metrics) {
    HopMarker hop = new HopMarker(keys.derive(HopMarker.KEY_PURPOSE));
    return new TenantRouter(
        ownership,
        access,
        new RequestForwarder(hop, commandWait.plusSeconds(5), metrics),
        hop,
        TenantRouter.DEFAULT_OWNER_WAIT,
        metrics);
  }

  /**
   * A configured, not yet started, app on {@code host:port} serving {@code useCases}, answering
   * {@code /readyz} from {@code readiness} and recording its requests in {@code metrics}.
   */
  public static Javalin create(
      UseCases useCases,
      PlatformIdentity platform,
      Supplier<Readiness> readiness,
      MeterRegistry metrics,
      AccessControl access,
      RateLimitConfig limits,
      Clock clock,
      String host,
      int port) {
    return create(useCases, platform, readiness, metrics, access, limits, clock, null, host, port);
  }

  /**
   * As {@link #create(UseCases, PlatformIdentity, Supplier, MeterRegistry, AccessControl,
   * RateLimitConfig, Clock, String, int)}, serving each tenant-scoped request on the instance that
   * owns the tenant ({@code router}; null = every tenant is served here).
   */
  public static Javalin create(
      UseCases useCases,
      PlatformIdentity platform,
      Supplier<Readiness> readiness,
      MeterRegistry metrics,
      AccessControl access,
      RateLimitConfig limits,
      Clock clock,
      TenantRouter router,
      String host,
      int port) {
    Guard guard = new Guard(access, new RateLimiter(limits), useCases.refusals());
    return KeyLedgerApp.create(
        new KeyLedgerApp.Controllers(
            new ProbesController(readiness),
            new ByokKeysController(
                guard,
                useCases.onboarding(),
                useCases.deregistration(),
                useCases.keys(),
                useCases.health(),
                clock),
            new WaiverController(guard, useCases.waiver()),
            new AuditController(guard, useCases.audit()),
            new CommandsController(guard, useCases.audit()),
            new TenantKmsController(guard, useCases.onboarding(), useCases.keys(), platform),
            new DataPlaneController(guard, useCases.dataPlane()),
            new DataKeysController(guard, useCases.dataKeys(), clock),
            new RotationController(guard, useCases.rotations(), useCases.unseal()),
            new AgentController(guard, useCases.agents()),
            new AlertsController(guard, useCases.alerts()),
            new ConsoleController()),
        router == null ? ctx -> {} : router::route,
        new HttpMetrics(metrics),
        host,
        port);
  }
}
