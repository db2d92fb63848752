package dev.keyledger.application;

import dev.keyledger.avro.WaiverText;
import dev.keyledger.avro.command.AcknowledgeWaiver;
import dev.keyledger.avro.command.PublishWaiver;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.RefusalKind;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.Waivers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The legal waiver: the version in force, a tenant's acknowledgement (activates BYOK), and
 * publication of new versions.
 */
public final class LegalWaiver {

  /** How long a publication waits to become readable on this instance. */
  private static final Duration VISIBILITY_WAIT = Duration.ofSeconds(5);

  private final TenantReader reader;
  private final Commands commands;

  public LegalWaiver(TenantReader reader, Commands commands) {
    this.reader = reader;
    this.commands = commands;
  }

  /**
   * The waiver in force and what the tenant acknowledged.
   *
   * @param binding the tenant's binding, empty when it has none
   */
  public record Standing(WaiverText current, Optional<BindingState> binding) {}

  public Outcome<Standing> standing(Caller caller) {
    return Stop.outcome(
        () ->
            new Standing(current(), reader.tenant(caller.tenant()).flatMap(TenantStates::binding)));
  }

  /**
   * Acknowledges the version in force for the caller's tenant; refused (and audited) unless {@code
   * acknowledged} is true and {@code by} names someone.
   *
   * @return the tenant's state after the acknowledgement (its binding, and the rewrap the switch to
   *     the customer's key started)
   */
  public Outcome<TenantState> acknowledge(
      Caller caller, Boolean acknowledged, String by, List<String> terms) {
    return Stop.outcome(
        () -> {
          if (!Boolean.TRUE.equals(acknowledged)) {
            throw commands.refuse(
                caller,
                Operations.ACKNOWLEDGE_WAIVER,
                Refusals.of(
                    "waiver_not_acknowledged",
                    "BYOK_004",
                    RefusalKind.INVALID_REQUEST,
                    "Waiver not acknowledged: \"acknowledged\" must be true",
                    "Read GET /api/v1/byok/legal-waiver, then send {\"acknowledged\": true, \"acknowledged_by\": \"you@example.com\"}."));
          }
          if (by == null || by.isBlank()) {
            throw commands.refuse(
                caller,
                Operations.ACKNOWLEDGE_WAIVER,
                Refusals.of(
                    "invalid_request",
                    null,
                    RefusalKind.INVALID_REQUEST,
                    "acknowledged_by is required",
                    "Name the person acknowledging, e.g. their email address."));
          }
          commands.run(
              caller,
              AcknowledgeWaiver.newBuilder()
                  .setWaiverVersion(current().getWaiverVersion())
                  .setAcknowledgedBy(by)
                  .setAcknowledgedTerms(terms)
                  .build(),
              List.of());
          return reader.tenant(caller.tenant()).orElseThrow();
        });
  }

  /**
   * Publishes a new waiver version for every tenant (the platform's state); refused if it is the
   * current one.
   */
  public Outcome<WaiverText> publish(Caller caller, WaiverText waiver) {
    return Stop.outcome(
        () -> {
          commands.run(
              commands.envelope(
                  TenantIds.PLATFORM,
                  caller,
                  0,
                  PublishWaiver.newBuilder().setWaiver(waiver).build()),
              List.of());
          awaitVisible(waiver.getWaiverVersion());
          return waiver;
        });
  }

  /**
   * Waits (bounded) until this instance reads the published version, so whoever published it reads
   * it back: the platform's state reaches every instance's global table moments after the fold
   * decided. The global table has no change signal to wait on, hence the short re-reads.
   */
  private void awaitVisible(String version) {
    long deadline = System.nanoTime() + VISIBILITY_WAIT.toNanos();
    while (!version.equals(current().getWaiverVersion()) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private WaiverText current() {
    return Waivers.current(reader.platform().orElse(null));
  }
}
