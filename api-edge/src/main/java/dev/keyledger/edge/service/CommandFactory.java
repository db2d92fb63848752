package dev.keyledger.edge.service;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.keys.KeyMint;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Builds command envelopes. Time and ids are decided here, at the edge, so the fold stays
 * deterministic; times are truncated to the millisecond the log stores.
 */
public final class CommandFactory {

  private final Clock clock;

  public CommandFactory(Clock clock) {
    this.clock = clock;
  }

  public CommandEnvelope create(String tenantId, Principal who, String ip, String requestId, long latencyMs, Object payload) {
    return CommandEnvelope.newBuilder()
        .setCommandId(KeyMint.newId("cmd"))
        .setTenantId(tenantId)
        .setIssuedAt(now())
        .setActor(Actor.newBuilder().setSub(who.sub()).setRoles(who.roles().stream().map(Role::wireName).sorted().toList()).setIp(ip).build())
        .setCorrelationId(requestId)
        .setLatencyMs(latencyMs)
        .setPayload(payload)
        .build();
  }

  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
