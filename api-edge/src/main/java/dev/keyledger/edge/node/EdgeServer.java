package dev.keyledger.edge.node;

import dev.keyledger.application.AgentSessions;
import dev.keyledger.application.Readiness;
import dev.keyledger.application.runtime.UseCases;
import dev.keyledger.edge.KeyLedgerApp;
import dev.keyledger.edge.api.AgentController;
import dev.keyledger.edge.api.AuditController;
import dev.keyledger.edge.api.ByokKeysController;
import dev.keyledger.edge.api.CommandsController;
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
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.StepUpVerifier;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.auth.TokenVerifier;
import dev.keyledger.edge.http.HttpMetrics;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.edge.ratelimit.RateLimiter;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumSet;
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

  /**
   * A configured, not yet started, app on {@code host:port} serving {@code useCases}, answering
   * {@code /readyz} from {@code readiness} and recording its requests in {@code metrics}.
   */
  public static Javalin create(
      UseCases useCases,
      Supplier<Readiness> readiness,
      MeterRegistry metrics,
      JwtKeys keys,
      RateLimitConfig limits,
      Clock clock,
      String host,
      int port) {
    TokenVerifier tokens =
        new CachingTokenVerifier(
            HmacTokenVerifier.forDev(keys, clock),
            clock,
            HmacTokenVerifier.DEFAULT_CLOCK_SKEW,
            CachingTokenVerifier.DEFAULT_MAX_TOKENS);
    Guard guard =
        new Guard(
            new AccessControl(tokens, new StepUpVerifier(tokens, clock)), new RateLimiter(limits));
    return KeyLedgerApp.create(
        new KeyLedgerApp.Controllers(
            new ProbesController(readiness),
            new ByokKeysController(
                guard, useCases.onboarding(), useCases.deregistration(), useCases.keys(), clock),
            new WaiverController(guard, useCases.waiver()),
            new AuditController(guard, useCases.audit()),
            new CommandsController(guard, useCases.audit()),
            new TenantKmsController(guard, useCases.onboarding(), useCases.keys()),
            new DataPlaneController(guard, useCases.dataPlane()),
            new DataKeysController(guard, useCases.dataKeys(), clock),
            new RotationController(guard, useCases.rotations(), useCases.unseal()),
            new AgentController(guard, useCases.agents())),
        new HttpMetrics(metrics),
        host,
        port);
  }
}
