package dev.keyledger.application;

import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantStates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Sessions for agents of a tenant: 300 s while BYOK is active (to bound plaintext exposure after a
 * kill switch), 3600 s otherwise; refused while sealed (audited as {@value #OPERATION}).
 */
public final class AgentSessions {

  public static final Duration BYOK_TTL = Duration.ofSeconds(300);
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(3600);

  /** Port: issues the session token of an agent. */
  @FunctionalInterface
  public interface SessionTokens {
    /** A token for {@code sub} of {@code tenant} with the agent role, valid for {@code ttl}. */
    String issueAgentToken(String sub, String tenant, Duration ttl);
  }

  /** An agent session: its token and when it ends. */
  public record Session(String token, Duration ttl, Instant expiresAt) {}

  /** The audit operation of a refused session. */
  public static final String OPERATION = "agent_session";

  private final TenantReader reader;
  private final SessionTokens tokens;
  private final Commands commands;
  private final Clock clock;

  public AgentSessions(TenantReader reader, SessionTokens tokens, Commands commands, Clock clock) {
    this.reader = reader;
    this.tokens = tokens;
    this.commands = commands;
    this.clock = clock;
  }

  public Outcome<Session> open(Caller caller) {
    return Stop.outcome(
        () -> {
          Optional<TenantState> state = reader.tenant(caller.tenant());
          BindingStatus status = state.map(TenantStates::status).orElse(BindingStatus.NONE);
          if (status == BindingStatus.SEALED) {
            Refusal sealed = Refusals.sealed(state.orElseThrow());
            throw commands.refuse(
                caller,
                OPERATION,
                sealed,
                Stop.unavailable(sealed, ServiceRefusals.SEALED_RETRY_SECONDS));
          }
          Duration ttl = status == BindingStatus.ACTIVE ? BYOK_TTL : DEFAULT_TTL;
          String token = tokens.issueAgentToken(caller.sub(), caller.tenant(), ttl);
          return new Session(token, ttl, clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS));
        });
  }
}
