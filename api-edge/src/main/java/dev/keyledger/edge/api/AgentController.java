package dev.keyledger.edge.api;

import dev.keyledger.application.AgentSessions;
import dev.keyledger.application.Caller;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.Outcomes;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * {@code POST /agent/v1/session}: a session for an agent of the caller's tenant ({@link
 * AgentSessions}).
 */
public final class AgentController {

  record SessionResponse(String sessionToken, long ttlSeconds, Instant expiresAt) {}

  private final Guard guard;
  private final AgentSessions sessions;

  public AgentController(Guard guard, AgentSessions sessions) {
    this.guard = guard;
    this.sessions = sessions;
  }

  public void session(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.AGENT, Role.ADMIN, Role.OWNER);
    Outcomes.respond(
        ctx,
        sessions.open(caller),
        s -> new SessionResponse(s.token(), s.ttl().toSeconds(), s.expiresAt()));
  }
}
