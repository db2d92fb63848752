package dev.keyledger.edge.cli.log;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyledger.application.KeyStatus;
import dev.keyledger.application.Outcome;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.edge.api.KeyViews;
import dev.keyledger.edge.http.Json;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.schemas.Codecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LogReplayTest {

  private final TestCommands acme = new TestCommands("acme");
  private final TestCommands globex = new TestCommands("globex");
  private final TestCommands platform = new TestCommands(TenantIds.PLATFORM);

  @Test
  void asOfAnInstantTheStateIsTheFoldOfTheEventsUpToItBitForBit() {
    List<CommandEnvelope> history =
        List.of(
            acme.registerWithDek(KEY_ARN, 1, 1),
            acme.acknowledge("1.0"),
            acme.rotateDek(2, 1),
            acme.rotateDek(3, 1));
    LogRecords log = new LogRecords();
    history.forEach(log::fold);
    Instant afterAcknowledgement = history.get(1).getIssuedAt();
    TenantMemory upToThen = new TenantMemory();
    history.subList(0, 2).forEach(upToThen::fold);

    LogReplay replay = log.into(new LogReplay("acme"::equals, afterAcknowledgement));

    ReplayedTenant replayed = replay.tenant("acme").orElseThrow();
    assertThat(Codecs.TENANT_STATE.encode(replayed.state()))
        .isEqualTo(Codecs.TENANT_STATE.encode(upToThen.state("acme")));
    assertThat(encoded(replayed.all())).isEqualTo(encoded(upToThen.deks("acme").all()));
    assertThat(replayed.state().getActiveDek().getVersion()).isEqualTo(1);
    assertThat(replayed.chain().intact()).isTrue();
    assertThat(replayed.firstEventAt()).isEqualTo(history.get(0).getIssuedAt());
  }

  @Test
  void withoutAnInstantTheStateIsTheFoldsAtTheLogsEnd() {
    LogRecords log =
        new LogRecords()
            .fold(acme.registerWithDek(KEY_ARN, 1, 1), globex.registerWithDek(KEY_ARN, 1, 1))
            .fold(acme.acknowledge("1.0"), acme.rotateDek(2, 1), acme.rotateMaster(2));

    ReplayedTenant replayed = log.into(new LogReplay("acme"::equals, null)).tenant("acme").get();

    assertThat(Codecs.TENANT_STATE.encode(replayed.state()))
        .isEqualTo(Codecs.TENANT_STATE.encode(log.fold.state("acme")));
    assertThat(encoded(replayed.all())).isEqualTo(encoded(log.fold.deks("acme").all()));
  }

  @Test
  void onlyTheTenantsAskedForAreRebuilt() {
    LogRecords log = new LogRecords().fold(acme.register(KEY_ARN, 1), globex.register(KEY_ARN, 1));
    log.appendRaw("initech", new byte[] {1, 2, 3});

    LogReplay replay = log.into(new LogReplay(Set.of("acme")::contains, null));

    assertThat(replay.tenant("acme")).isPresent();
    assertThat(replay.tenant("globex")).isEmpty();
    assertThat(replay.tenant("initech")).isEmpty();
  }

  @Test
  void anInstantBeforeTheFirstEventLeavesTheTenantWithoutEvents() {
    CommandEnvelope register = acme.register(KEY_ARN, 1);
    LogRecords log = new LogRecords().fold(register);

    ReplayedTenant replayed =
        log.into(new LogReplay("acme"::equals, register.getIssuedAt().minusMillis(1)))
            .tenant("acme")
            .get();

    assertThat(replayed.state().getSeq()).isZero();
    assertThat(replayed.firstEventAt()).isEqualTo(register.getIssuedAt());
  }

  @Test
  void aBrokenChainEndsTheReplayBeforeTheBreak() {
    LogRecords honest =
        new LogRecords().fold(acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0"));
    LogRecords log = new LogRecords();
    for (EventEnvelope event : honest.events) {
      log.append(event.getSeq() == 3 ? EventEnvelope.newBuilder(event).setSeq(4).build() : event);
    }

    ReplayedTenant replayed = log.into(new LogReplay("acme"::equals, null)).tenant("acme").get();

    assertThat(replayed.chain().intact()).isFalse();
    assertThat(replayed.chain().brokenAtSeq()).isEqualTo(4);
    assertThat(replayed.state().getSeq()).isEqualTo(2);
  }

  @Test
  void theKeyViewPagesTheDeksAndTakesTheWaiverInForceFromThePlatformsEvents() throws Exception {
    LogRecords log =
        new LogRecords().fold(acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0"));
    CommandEnvelope last = null;
    for (int version = 2; version <= 25; version++) {
      last = acme.rotateDek(version, 1);
      log.fold(last);
    }
    // Each TestCommands has a clock of its own: the platform's publication comes after acme's last.
    log.fold(
        CommandEnvelope.newBuilder(platform.publishWaiver("2.0"))
            .setIssuedAt(last.getIssuedAt().plusSeconds(1))
            .build());
    LogReplay before =
        log.into(new LogReplay(Set.of("acme", TenantIds.PLATFORM)::contains, last.getIssuedAt()));
    LogReplay after = log.into(new LogReplay(Set.of("acme", TenantIds.PLATFORM)::contains, null));

    JsonNode then = keyView(before);
    JsonNode now = keyView(after);

    assertThat(now.path("status").asText()).isEqualTo("active");
    assertThat(now.path("active_dek_version").asInt()).isEqualTo(25);
    assertThat(now.path("dek_count").asInt()).isEqualTo(25);
    assertThat(now.path("dek_versions")).hasSize(KeyStatus.DekPage.DEFAULT_LIMIT);
    assertThat(now.path("dek_versions").get(0).path("version").asInt()).isEqualTo(25);
    assertThat(now.path("dek_versions_next_before").asInt()).isEqualTo(6);
    assertThat(now.path("waiver_version").asText()).isEqualTo("1.0");
    assertThat(now.path("requires_reacknowledgment").asBoolean()).isTrue();
    assertThat(then.path("requires_reacknowledgment").asBoolean()).isFalse();
  }

  @Test
  void aTenantWithoutABindingIsRefusedAsGetKeysRefusesIt() {
    LogRecords log = new LogRecords().fold(acme.acknowledge("1.0"));
    ReplayedTenant replayed = log.into(new LogReplay("acme"::equals, null)).tenant("acme").get();

    Outcome<KeyStatus.BoundKey> view =
        KeyStatus.byokKey(replayed.state(), null, KeyStatus.DekPage.FIRST, replayed);

    assertThat(view).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused<KeyStatus.BoundKey>) view).refusal().getCode())
        .isEqualTo("BYOK_005");
  }

  private static JsonNode keyView(LogReplay replay) throws Exception {
    ReplayedTenant acme = replay.tenant("acme").orElseThrow();
    TenantState platform =
        replay.tenant(TenantIds.PLATFORM).map(ReplayedTenant::state).orElse(null);
    Outcome<KeyStatus.BoundKey> view =
        KeyStatus.byokKey(acme.state(), platform, KeyStatus.DekPage.FIRST, acme);
    KeyStatus.BoundKey bound = ((Outcome.Done<KeyStatus.BoundKey>) view).value();
    return new ObjectMapper().readTree(Json.mapper().writeValueAsString(KeyViews.Key.of(bound)));
  }

  private static List<String> encoded(List<DekState> deks) {
    List<String> out = new ArrayList<>();
    deks.forEach(d -> out.add(HexFormat.of().formatHex(Codecs.DEK_STATE.encode(d))));
    return out;
  }
}
