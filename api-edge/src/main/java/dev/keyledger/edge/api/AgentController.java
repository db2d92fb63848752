package dev.keyledger.edge.api;


import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.service.KeyOnboarding;
import dev.keyledger.edge.service.TenantReader;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /agent/v1/session}: a session for an agent of the caller's tenant, 300 s while BYOK
 * is active (to bound plaintext exposure after a kill switch), 3600 s otherwise; refused while sealed.
 */
public final class AgentController {

  static final Duration BYOK_TTL = Duration.ofSeconds(300);
  static final Duration DEFAULT_TTL = Duration.ofSeconds(3600);

  private final Guard guard;
  private final TenantReader reader;
  private final TokenIssuer issuer;
  private final Clock clock;

  public AgentController(Guard guard, TenantReader reader, TokenIssuer issuer, Clock clock) {
    this.guard = guard;
    this.reader = reader;
    this.issuer = issuer;
    this.clock = clock;
  }

  public void session(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, null, Role.AGENT, Role.ADMIN, Role.OWNER);
    BindingStatus status = reader.tenant(caller.tenant()).map(TenantStates::status).orElse(BindingStatus.NONE);
    if (status == BindingStatus.SEALED) {
      throw ApiException.of(Refusals.sealed());
    }
    Duration ttl = status == BindingStatus.ACTIVE ? BYOK_TTL : DEFAULT_TTL;
    String token = issuer.issueAccess(new Principal(caller.principal().sub(), caller.tenant(), EnumSet.of(Role.AGENT)), ttl);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("session_token", token);
    answer.put("ttl_seconds", ttl.toSeconds());
    answer.put("expires_at", clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    ctx.json(answer);
  }

}
