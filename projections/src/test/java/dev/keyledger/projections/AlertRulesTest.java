package dev.keyledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.HealthChecked;
import dev.keyledger.avro.event.KeyValidated;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.avro.event.TenantUnsealed;
import dev.keyledger.avro.event.UsageRecorded;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.schemas.EventHashes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The four alerts of SPEC §5, from events alone, in event time. */
class AlertRulesTest {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  /** The tenant's events so far and what the rules made of them. */
  private final List<Alert> changes = new ArrayList<>();

  private AlertState state = AlertRules.empty("acme");
  private long seq;

  @Test
  void aSealOpensTheCriticalAlertAndAnUnsealResolvesIt() {
    apply(T0, sealed());
    assertThat(state.getOpen())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRule()).isEqualTo("cmk_inaccessible");
              assertThat(a.getTitle()).isEqualTo("CMK inaccessible");
              assertThat(a.getSeverity()).isEqualTo("critical");
              assertThat(a.getStatus()).isEqualTo("open");
              assertThat(a.getOpenedAt()).isEqualTo(T0);
              assertThat(a.getMessage()).contains("key is disabled");
            });
    apply(T0.plusSeconds(5), health(null, 10, 10));
    assertThat(state.getOpen()).as("a good probe does not end a seal; an unseal does").hasSize(1);
    apply(T0.plusSeconds(6), sealed());
    assertThat(state.getOpen()).as("opened once while it lasts").hasSize(1);
    apply(
        T0.plusSeconds(40),
        TenantUnsealed.newBuilder().setTmkVersion(1).setReporter("n").setManual(false).build());
    assertThat(state.getOpen()).isEmpty();
    assertThat(state.getResolved())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getStatus()).isEqualTo("resolved");
              assertThat(a.getResolvedAt()).isEqualTo(T0.plusSeconds(40));
            });
    assertThat(changes).extracting(Alert::getStatus).containsExactly("open", "resolved");
    assertThat(changes.get(0).getId()).isEqualTo(changes.get(1).getId());
  }

  @Test
  void aHealthCheckThatProvesTheKeyUnusableOpensItAndAThrottledOneDoesNot() {
    apply(T0, health("throttled", 0, 0));
    assertThat(state.getOpen()).isEmpty();
    apply(T0.plusSeconds(3), health("access_denied", 0, 0));
    assertThat(state.getOpen()).extracting(Alert::getRule).containsExactly("cmk_inaccessible");
  }

  @Test
  void latencyOverTwoHundredMillisecondsForFiveMinutesOpensTheWarning() {
    for (int minute = 0; minute < 5; minute++) {
      apply(T0.plus(Duration.ofMinutes(minute)), health(null, 300, 20));
      assertThat(state.getOpen()).as("minute " + minute).isEmpty();
    }
    apply(
        T0.plus(Duration.ofMinutes(5)),
        KeyValidated.newBuilder().setEncryptMs(310).setDecryptMs(300).build());
    assertThat(state.getOpen())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRule()).isEqualTo("high_latency");
              assertThat(a.getSeverity()).isEqualTo("warning");
            });
    apply(T0.plus(Duration.ofMinutes(6)), health(null, 40, 30));
    assertThat(state.getOpen()).isEmpty();
    apply(T0.plus(Duration.ofMinutes(7)), health(null, 300, 20));
    apply(T0.plus(Duration.ofMinutes(11)), health(null, 300, 20));
    assertThat(state.getOpen()).as("a fast sample restarted the span").isEmpty();
  }

  @Test
  void elevenFailuresWithinFiveMinutesOpenTheHighAlertAndItResolvesWhenTheyAge() {
    apply(T0, failures(6));
    apply(T0.plus(Duration.ofMinutes(6)), failures(5));
    assertThat(state.getOpen()).as("6 of them are older than 5 minutes").isEmpty();
    apply(T0.plus(Duration.ofMinutes(7)), failures(6));
    assertThat(state.getOpen())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRule()).isEqualTo("encryption_failures");
              assertThat(a.getSeverity()).isEqualTo("high");
              assertThat(a.getMessage()).startsWith("11 data-plane failures");
            });
    apply(T0.plus(Duration.ofMinutes(13)), health(null, 10, 10));
    assertThat(state.getOpen()).isEmpty();
  }

  @Test
  void ninetyOneDaysAfterTheLastRotationTheMediumAlertOpensAndARotationResolvesIt() {
    TestCommands acme = new TestCommands("acme");
    TenantMemory memory = new TenantMemory();
    List<EventEnvelope> history = new ArrayList<>();
    history.addAll(memory.fold(acme.register(TestCommands.KEY_ARN, 1)).events());
    history.addAll(memory.fold(acme.acknowledge("1.0")).events());
    history.forEach(e -> state = AlertRules.apply(state, e).state());
    Instant registered = history.get(0).getOccurredAt();
    seq = state.getSeq();

    apply(registered.plus(Duration.ofDays(90)), health(null, 10, 10));
    assertThat(state.getOpen()).isEmpty();
    apply(registered.plus(Duration.ofDays(91)), health(null, 10, 10));
    assertThat(state.getOpen())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getRule()).isEqualTo("key_rotation_needed");
              assertThat(a.getSeverity()).isEqualTo("medium");
              assertThat(a.getMessage()).contains("91 days");
            });
    DekCreated newDek =
        DekCreated.newBuilder()
            .setDek(
                DekRef.newBuilder()
                    .setDekId("dek-2")
                    .setVersion(2)
                    .setTmkVersion(1)
                    .setFingerprint("f")
                    .build())
            .setReason("scheduled")
            .setAutomatic(false)
            .build();
    apply(registered.plus(Duration.ofDays(91)), newDek); // as a DEK rotation writes it
    assertThat(state.getOpen()).isEmpty();
  }

  @Test
  void anEventAlreadyAppliedChangesNothing() {
    apply(T0, sealed());
    EventEnvelope again = event(seq, T0, sealed());
    AlertRules.Applied applied = AlertRules.apply(state, again);
    assertThat(applied.state()).isSameAs(state);
    assertThat(applied.changes()).isEmpty();
  }

  private void apply(Instant at, Object payload) {
    AlertRules.Applied applied = AlertRules.apply(state, event(++seq, at, payload));
    state = applied.state();
    changes.addAll(applied.changes());
  }

  private static EventEnvelope event(long seq, Instant at, Object payload) {
    return EventEnvelope.newBuilder()
        .setEventId("evt-" + seq)
        .setTenantId("acme")
        .setSeq(seq)
        .setOccurredAt(at)
        .setActor(Actor.newBuilder().setSub("engine").setRoles(List.of()).setIp("").build())
        .setCommandId("cmd-" + seq)
        .setPrevHash(EventHashes.GENESIS)
        .setHash("")
        .setPayload(payload)
        .build();
  }

  private static TenantSealed sealed() {
    return TenantSealed.newBuilder()
        .setTmkVersion(1)
        .setFailure("disabled")
        .setMessage("Cannot access CMK: key is disabled")
        .setReporter("n")
        .build();
  }

  private static HealthChecked health(String failure, long encryptMs, long decryptMs) {
    return HealthChecked.newBuilder()
        .setEncryptMs(encryptMs)
        .setDecryptMs(decryptMs)
        .setFailure(failure)
        .setMessage(failure == null ? null : "KMS said " + failure)
        .build();
  }

  private static UsageRecorded failures(long n) {
    return UsageRecorded.newBuilder()
        .setEncryptions(0)
        .setDecryptions(0)
        .setFailures(n)
        .setLastUsed(T0)
        .build();
  }
}
