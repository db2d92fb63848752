package dev.keyledger.projections;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static dev.keyledger.engine.testing.TestCommands.OTHER_KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.event.CommandUndecodable;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.engine.topology.LifecycleTopology;
import dev.keyledger.engine.topology.StreamsProperties;
import dev.keyledger.engine.topology.TenantStores;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.EventHashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fold and the projections on TopologyTestDriver: fast, no broker. */
class KeyLedgerTopologyTest {

  private final Topics topics = Topics.defaults();
  private final TestCommands acme = new TestCommands("acme");
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> commands;
  private TestInputTopic<String, KeyMaterial> keyMaterialIn;
  private TestOutputTopic<String, EventEnvelope> events;
  private TestOutputTopic<String, CommandOutcome> outcomes;
  private TestOutputTopic<String, byte[]> deadLetters;
  private TestOutputTopic<String, byte[]> keyMaterialOut;
  private TestOutputTopic<String, Alert> alerts;

  @BeforeEach
  void start(@TempDir Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    LifecycleTopology.build(builder, topics);
    ProjectionsTopology.build(builder, topics);
    Properties props =
        StreamsProperties.of(
            Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092"),
            "keyledger-test",
            stateDir,
            "localhost:8080",
            1,
            "test");
    driver = new TopologyTestDriver(builder.build(props), props);
    commands =
        driver.createInputTopic(
            topics.commands().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    keyMaterialIn =
        driver.createInputTopic(
            topics.keyMaterial().name(),
            Serdes.String().serializer(),
            topics.keyMaterial().valueSerde().serializer());
    events =
        driver.createOutputTopic(
            topics.events().name(),
            Serdes.String().deserializer(),
            topics.events().valueSerde().deserializer());
    outcomes =
        driver.createOutputTopic(
            topics.outcomes().name(),
            Serdes.String().deserializer(),
            topics.outcomes().valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetter().name(),
            Serdes.String().deserializer(),
            Serdes.ByteArray().deserializer());
    keyMaterialOut =
        driver.createOutputTopic(
            topics.keyMaterial().name(),
            Serdes.String().deserializer(),
            Serdes.ByteArray().deserializer());
  }

  private void startAlerts() {
    alerts =
        driver.createOutputTopic(
            topics.alerts().name(),
            Serdes.String().deserializer(),
            topics.alerts().valueSerde().deserializer());
  }

  @Test
  void aSealAndAnUnsealAreAnAlertOpenedAndResolvedOnTheAlertsTopicAndInItsStore() {
    startAlerts();
    send(acme.register(KEY_ARN, 1));
    send(acme.acknowledge("1.0"));
    send(acme.healthCheck("disabled", true, 0, 0));
    send(acme.unwrapSucceeded(false));
    List<Alert> published = alerts.readValuesToList();
    assertThat(published).extracting(Alert::getStatus).containsExactly("open", "resolved");
    assertThat(published)
        .allSatisfy(
            a -> {
              assertThat(a.getTenantId()).isEqualTo("acme");
              assertThat(a.getTitle()).isEqualTo("CMK inaccessible");
              assertThat(a.getSeverity()).isEqualTo("critical");
            });
    assertThat(published.get(0).getId()).isEqualTo(published.get(1).getId());
    KeyValueStore<String, AlertState> store =
        driver.getKeyValueStore(ProjectionsTopology.ALERT_STORE);
    assertThat(store.get("acme").getOpen()).isEmpty();
    assertThat(store.get("acme").getResolved()).hasSize(1);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(CommandEnvelope command) {
    commands.pipeInput(command.getTenantId(), Codecs.COMMANDS.encode(command));
  }

  @Test
  void aRegistrationIsFoldedIntoStateEventsAndAnOutcome() {
    CommandEnvelope register = acme.register(KEY_ARN, 1);
    send(register);
    List<KeyValue<String, EventEnvelope>> log = events.readKeyValuesToList();
    assertThat(log).extracting(kv -> kv.key).containsOnly("acme");
    assertThat(log).extracting(kv -> kv.value.getSeq()).containsExactly(1L, 2L);
    assertThat(log).allMatch(kv -> EventHashes.isIntact(kv.value));
    CommandOutcome outcome = outcomes.readValue();
    assertThat(outcome.getCommandId()).isEqualTo(register.getCommandId());
    assertThat(outcome.getAccepted()).isTrue();
    assertThat(outcome.getLastSeq()).isEqualTo(2);
    assertThat(fold("acme").getBinding().getStatus()).isEqualTo("pending_waiver");
  }

  @Test
  void aRefusedRegistrationTombstonesTheKeyMaterialItsSenderWrote() {
    send(acme.register(KEY_ARN, 1));
    CommandEnvelope second = acme.register(OTHER_KEY_ARN, 2);
    String tmkId = ((RegisterKey) second.getPayload()).getTmk().getTmkId();
    keyMaterialIn.pipeInput(
        dev.keyledger.engine.domain.MaterialKeys.tmk("acme", tmkId),
        KeyMaterial.newBuilder()
            .setTenantId("acme")
            .setTmk(((RegisterKey) second.getPayload()).getTmk())
            .setWrappedKey(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .build());
    send(second);
    assertThat(outcomes.readValuesToList())
        .extracting(o -> o.getAccepted())
        .containsExactly(true, false);
    assertThat(keyMaterialOut.readKeyValuesToList())
        .containsExactly(new KeyValue<>("acme/" + tmkId, null));
    KeyValueStore<String, KeyMaterial> material =
        driver.getKeyValueStore(Topics.KEY_MATERIAL_STORE);
    assertThat(material.get("acme/" + tmkId)).isNull();
  }

  @Test
  void anUndecodableCommandIsDeadLetteredAuditedAndTheStreamKeepsGoing() {
    commands.pipeInput("acme", "{not avro}".getBytes(StandardCharsets.UTF_8));
    send(acme.register(KEY_ARN, 1));
    assertThat(deadLetters.readKeyValue())
        .satisfies(
            kv -> {
              assertThat(kv.key).isEqualTo("acme");
              assertThat(new String(kv.value, StandardCharsets.UTF_8)).isEqualTo("{not avro}");
            });
    List<EventEnvelope> log = events.readValuesToList();
    assertThat(log.get(0).getPayload()).isInstanceOf(CommandUndecodable.class);
    assertThat(log).extracting(EventEnvelope::getSeq).containsExactly(1L, 2L, 3L);
    assertThat(fold("acme").getBinding()).isNotNull();
  }

  @Test
  void aCommandWhoseKeyIsNotItsTenantIsDeadLettered() {
    CommandEnvelope forAcme = acme.register(KEY_ARN, 1);
    commands.pipeInput("globex", Codecs.COMMANDS.encode(forAcme));
    assertThat(deadLetters.readKeyValue().key).isEqualTo("globex");
    assertThat(fold("acme")).isNull();
  }

  @Test
  void theTenantViewProjectionEqualsTheFoldStateBitForBit() {
    send(acme.registerWithDek(KEY_ARN, 1, 1));
    send(acme.register(OTHER_KEY_ARN, 2));
    send(acme.acknowledge("1.0"));
    send(acme.rotateDek(2, 1));
    send(acme.usage(3, 1, 2));
    send(acme.unwrapFailed());
    send(acme.unwrapSucceeded(false));
    send(acme.deregister(1));
    KeyValueStore<String, byte[]> view =
        driver.getKeyValueStore(ProjectionsTopology.TENANT_VIEW_STORE);
    KeyValueStore<String, byte[]> state = driver.getKeyValueStore(Topics.TENANT_STATE_STORE);
    assertThat(view.get("acme")).isEqualTo(state.get("acme"));
    assertThat(records(ProjectionsTopology.TENANT_VIEW_DEKS_STORE))
        .hasSize(2)
        .isEqualTo(records(Topics.TENANT_DEKS_STORE));
    assertThat(fold("acme").getSeq())
        .as(
            "3 register + 1 refusal + 2 acknowledge + rotate + usage + seal + unseal + 2 deregister")
        .isEqualTo(12);
  }

  @Test
  void aSeqGapStopsTheTenantsProjectionAtTheLastEventBeforeIt() throws Exception {
    TestCommands gappy = new TestCommands("gappy");
    TenantMemory memory = new TenantMemory();
    List<EventEnvelope> history = new ArrayList<>();
    for (CommandEnvelope command :
        List.of(gappy.register(KEY_ARN, 1), gappy.acknowledge("1.0"), gappy.rotateDek(2, 1))) {
      history.addAll(memory.fold(command).events());
    }
    assertThat(history).hasSizeGreaterThan(4);
    TestInputTopic<String, EventEnvelope> log =
        driver.createInputTopic(
            topics.events().name(),
            Serdes.String().serializer(),
            topics.events().valueSerde().serializer());
    log.pipeInput("gappy", history.get(0));
    log.pipeInput("gappy", history.get(1));
    for (EventEnvelope after : history.subList(3, history.size())) {
      log.pipeInput("gappy", after); // seq 3 never arrives
    }
    KeyValueStore<String, byte[]> views =
        driver.getKeyValueStore(ProjectionsTopology.TENANT_VIEW_STORE);
    assertThat(Codecs.TENANT_STATE.decode(views.get("gappy")).getSeq())
        .as("not applied through the gap")
        .isEqualTo(2);
    KeyValueStore<Bytes, byte[]> audit = driver.getKeyValueStore(ProjectionsTopology.AUDIT_STORE);
    List<Long> filed = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        audit.range(AuditKeys.of("gappy", Long.MAX_VALUE - 1), AuditKeys.oldest("gappy"))) {
      it.forEachRemaining(kv -> filed.add(decode(kv.value).getSeq()));
    }
    assertThat(filed).containsExactly(2L, 1L);
  }

  @Test
  void theAuditStoreListsATenantsEventsNewestFirstAndTheChainVerifies() {
    send(acme.register(KEY_ARN, 1));
    send(acme.acknowledge("1.0"));
    send(new TestCommands("acme-eu").register(KEY_ARN, 1));
    KeyValueStore<Bytes, byte[]> audit = driver.getKeyValueStore(ProjectionsTopology.AUDIT_STORE);
    List<EventEnvelope> acmeEvents = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        audit.range(AuditKeys.of("acme", Long.MAX_VALUE - 1), AuditKeys.oldest("acme"))) {
      it.forEachRemaining(kv -> acmeEvents.add(decode(kv.value)));
    }
    assertThat(acmeEvents).extracting(EventEnvelope::getSeq).containsExactly(4L, 3L, 2L, 1L);
    assertThat(acmeEvents).extracting(EventEnvelope::getTenantId).containsOnly("acme");
    assertThat(ChainVerifier.verify(reversed(acmeEvents)).intact()).isTrue();
  }

  private TenantState fold(String tenant) {
    KeyValueStore<String, byte[]> store = driver.getKeyValueStore(Topics.TENANT_STATE_STORE);
    byte[] stored = store.get(tenant);
    return stored == null ? null : TenantStores.decode(tenant, stored);
  }

  private List<KeyValue<String, DekState>> records(String dekStore) {
    KeyValueStore<String, DekState> store = driver.getKeyValueStore(dekStore);
    List<KeyValue<String, DekState>> all = new ArrayList<>();
    try (KeyValueIterator<String, DekState> it = store.all()) {
      it.forEachRemaining(all::add);
    }
    return all;
  }

  private static List<EventEnvelope> reversed(List<EventEnvelope> events) {
    List<EventEnvelope> copy = new ArrayList<>(events);
    java.util.Collections.reverse(copy);
    return copy;
  }

  private static EventEnvelope decode(byte[] bytes) {
    try {
      return Codecs.EVENTS.decode(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
