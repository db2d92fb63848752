package dev.keyledger.engine.topology;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static dev.keyledger.engine.testing.TestCommands.OTHER_KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.command.ProvisionKeys;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.event.CommandUndecodable;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.DekRecords;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.domain.Waivers;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.schemas.Codecs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fold alone on TopologyTestDriver, built with the production Streams properties. */
class LifecycleTopologyTest {

  private final Topics topics = Topics.defaults();
  private final TestCommands acme = new TestCommands("acme");
  private Topology topology;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> commands;
  private TestInputTopic<String, KeyMaterial> keyMaterialIn;
  private TestOutputTopic<String, EventEnvelope> events;
  private TestOutputTopic<String, CommandOutcome> outcomes;
  private TestOutputTopic<String, KeyMaterial> keyMaterialOut;
  private TestOutputTopic<String, byte[]> deadLetters;
  private final List<String> materialArrivals = new ArrayList<>();
  private KeyValueStore<String, KeyMaterial> materialStore;

  @BeforeEach
  void start(@TempDir Path stateDir) {
    Properties props =
        StreamsProperties.of(
            Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "unused:9092"),
            "keyledger-test",
            stateDir,
            "localhost:8080",
            1,
            "test");
    StreamsBuilder builder = new StreamsBuilder();
    LifecycleTopology.build(
        builder,
        topics,
        TenantWrites.NONE,
        key -> materialArrivals.add(key + (materialStore.get(key) != null ? " stored" : " gone")));
    topology = builder.build(props);
    driver = new TopologyTestDriver(topology, props);
    commands =
        driver.createInputTopic(
            topics.commands().name(),
            topics.commands().keySerde().serializer(),
            topics.commands().valueSerde().serializer());
    keyMaterialIn =
        driver.createInputTopic(
            topics.keyMaterial().name(),
            topics.keyMaterial().keySerde().serializer(),
            topics.keyMaterial().valueSerde().serializer());
    events = output(topics.events());
    outcomes = output(topics.outcomes());
    keyMaterialOut = output(topics.keyMaterial());
    deadLetters = output(topics.deadLetter());
    materialStore = driver.getKeyValueStore(Topics.KEY_MATERIAL_STORE);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  /** The fold's dead-letter count, as the Streams client reports it (summed over threads). */
  private double deadLettersCounted() {
    return driver.metrics().entrySet().stream()
        .filter(
            e ->
                e.getKey().group().equals("stream-" + LifecycleTopology.METRICS_SCOPE + "-metrics")
                    && e.getKey().name().equals(LifecycleTopology.DEAD_LETTERS_METRIC + "-total"))
        .mapToDouble(e -> (Double) e.getValue().metricValue())
        .sum();
  }

  private void send(CommandEnvelope command) {
    commands.pipeInput(command.getTenantId(), Codecs.COMMANDS.encode(command));
  }

  @Test
  void theFoldWritesEachOutputThroughItsOwnNamedSink() {
    Map<String, String> sinks = new HashMap<>();
    TopologyDescription.Node fold = null;
    for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
      for (TopologyDescription.Node node : subtopology.nodes()) {
        if (node instanceof TopologyDescription.Sink sink) {
          sinks.put(sink.name(), sink.topic());
        } else if (node.name().equals(LifecycleTopology.FOLD)) {
          fold = node;
        }
      }
    }
    assertThat(sinks)
        .containsOnly(
            entry("events-sink", "keyledger.events"),
            entry("outcomes-sink", "keyledger.outcomes"),
            entry("key-material-tombstones-sink", "keyledger.key-material"),
            entry("platform-sink", "keyledger.platform"),
            entry("dead-letter-sink", "keyledger.dead-letter"),
            entry("claims-sink", "keyledger.claims"),
            entry("claims-to-commands-sink", "keyledger.commands"),
            entry("claims-dead-letter-sink", "keyledger.dead-letter"));
    assertThat(fold).isNotNull();
    assertThat(fold.successors())
        .extracting(TopologyDescription.Node::name)
        .containsExactlyInAnyOrder(
            "events-sink",
            "outcomes-sink",
            "key-material-tombstones-sink",
            "platform-sink",
            "dead-letter-sink",
            "claims-sink");
  }

  @Test
  void aPublishedWaiverReachesThePlatformTopicAndTheGlobalTableATenantsCommandDoesNot() {
    TestOutputTopic<String, TenantState> platformOut = output(topics.platform());
    send(acme.register(KEY_ARN, 1));
    assertThat(platformOut.isEmpty()).isTrue();

    send(new TestCommands(TenantIds.PLATFORM).publishWaiver("2.0"));

    KeyValue<String, TenantState> written = platformOut.readKeyValue();
    assertThat(written.key).isEqualTo(TenantIds.PLATFORM);
    assertThat(Waivers.current(written.value).getWaiverVersion()).isEqualTo("2.0");
    KeyValueStore<String, TenantState> global = driver.getKeyValueStore(Topics.PLATFORM_STORE);
    assertThat(Waivers.current(global.get(TenantIds.PLATFORM)).getWaiverVersion()).isEqualTo("2.0");
  }

  @Test
  void aPlatformStateFromBeforeThePlatformTopicIsPublishedOnceWhenTheFoldStarts() {
    // As an instance upgraded from a release without the platform topic finds its store.
    TenantState published =
        Fold.apply(
                TenantStates.empty(TenantIds.PLATFORM),
                DekRecords.NONE,
                new TestCommands(TenantIds.PLATFORM).publishWaiver("2.0"))
            .state();
    KeyValueStore<String, byte[]> states = driver.getKeyValueStore(Topics.TENANT_STATE_STORE);
    states.put(TenantIds.PLATFORM, Codecs.TENANT_STATE.encode(published));
    TestOutputTopic<String, TenantState> platformOut = output(topics.platform());

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    assertThat(platformOut.readKeyValuesToList())
        .singleElement()
        .satisfies(kv -> assertThat(kv.key).isEqualTo(TenantIds.PLATFORM))
        .satisfies(kv -> assertThat(Waivers.current(kv.value).getWaiverVersion()).isEqualTo("2.0"));
    KeyValueStore<String, TenantState> global = driver.getKeyValueStore(Topics.PLATFORM_STORE);
    assertThat(Waivers.current(global.get(TenantIds.PLATFORM)).getWaiverVersion()).isEqualTo("2.0");
  }

  @Test
  void aCommandYieldsItsEventsAndItsOutcome() {
    CommandEnvelope register = acme.register(KEY_ARN, 1);
    send(register);
    List<KeyValue<String, EventEnvelope>> log = events.readKeyValuesToList();
    assertThat(log).extracting(kv -> kv.key).containsOnly("acme");
    assertThat(log).extracting(kv -> kv.value.getSeq()).containsExactly(1L, 2L);
    assertThat(log).extracting(kv -> kv.value.getCommandId()).containsOnly(register.getCommandId());
    KeyValue<String, CommandOutcome> outcome = outcomes.readKeyValue();
    assertThat(outcome.key).isEqualTo("acme");
    assertThat(outcome.value.getCommandId()).isEqualTo(register.getCommandId());
    assertThat(outcome.value.getAccepted()).isTrue();
    assertThat(outcome.value.getLastSeq()).isEqualTo(2);
    assertThat(outcomes.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(keyMaterialOut.isEmpty()).isTrue();
  }

  @Test
  void anUndecodableCommandIsDeadLetteredAsItArrivedAndAudited() {
    commands.pipeInput("acme", "{not avro}".getBytes(StandardCharsets.UTF_8));
    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo("acme");
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not avro}");
    assertThat(dead.headers().lastHeader("keyledger.error")).isNotNull();
    assertThat(
            new String(
                dead.headers().lastHeader("keyledger.source").value(), StandardCharsets.UTF_8))
        .isEqualTo("keyledger.commands-0@0");
    assertThat(events.readValue().getPayload()).isInstanceOf(CommandUndecodable.class);
    assertThat(outcomes.readValue().getRefusal().getType()).isEqualTo("undecodable_command");
    assertThat(deadLettersCounted()).isEqualTo(1.0);
  }

  @Test
  void aCommandWithoutAKeyIsDeadLetteredWithoutAKey() {
    commands.pipeInput((String) null, Codecs.COMMANDS.encode(acme.register(KEY_ARN, 1)));
    assertThat(deadLetters.readKeyValue().key).isNull();
    assertThat(events.isEmpty()).isTrue();
    assertThat(outcomes.isEmpty()).isTrue();
    send(acme.register(KEY_ARN, 1));
    assertThat(outcomes.readValue().getAccepted()).isTrue();
    assertThat(deadLettersCounted()).as("the folded command is not a dead letter").isEqualTo(1.0);
  }

  @Test
  void aRefusedRegistrationTombstonesTheKeyMaterialItsSenderWrote() {
    send(acme.register(KEY_ARN, 1));
    CommandEnvelope second = acme.register(OTHER_KEY_ARN, 2);
    RegisterKey payload = (RegisterKey) second.getPayload();
    String materialKey = MaterialKeys.tmk("acme", payload.getTmk().getTmkId());
    keyMaterialIn.pipeInput(
        materialKey,
        KeyMaterial.newBuilder()
            .setTenantId("acme")
            .setTmk(payload.getTmk())
            .setWrappedKey(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .build());
    keyMaterialOut.readRecordsToList(); // what this test itself wrote
    send(second);
    assertThat(outcomes.readValuesToList())
        .extracting(CommandOutcome::getAccepted)
        .containsExactly(true, false);
    assertThat(keyMaterialOut.readKeyValuesToList())
        .containsExactly(new KeyValue<>(materialKey, null));
    KeyValueStore<String, KeyMaterial> material =
        driver.getKeyValueStore(Topics.KEY_MATERIAL_STORE);
    assertThat(material.get(materialKey)).isNull();
  }

  @Test
  void theKeyMaterialTableTellsOfEachRecordOnceItHoldsIt() {
    CommandEnvelope register = acme.register(KEY_ARN, 1);
    RegisterKey payload = (RegisterKey) register.getPayload();
    String materialKey = MaterialKeys.tmk("acme", payload.getTmk().getTmkId());
    materialArrivals.clear();
    keyMaterialIn.pipeInput(
        materialKey,
        KeyMaterial.newBuilder()
            .setTenantId("acme")
            .setTmk(payload.getTmk())
            .setWrappedKey(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .build());
    keyMaterialIn.pipeInput(materialKey, null);
    assertThat(materialArrivals).containsExactly(materialKey + " stored", materialKey + " gone");
  }

  @Test
  void aSecondConcurrentProvisionIsANoOpAndItsKeyMaterialIsTombstoned() {
    send(acme.provision(1, 1));
    events.readKeyValuesToList();
    CommandEnvelope second = acme.provision(1, 1);
    ProvisionKeys payload = (ProvisionKeys) second.getPayload();
    String tmkKey = MaterialKeys.tmk("acme", payload.getTmk().getTmkId());
    String dekKey = MaterialKeys.dek("acme", payload.getDek().getDekId(), 1);
    send(second);
    assertThat(outcomes.readValuesToList())
        .extracting(CommandOutcome::getAccepted)
        .containsExactly(true, true);
    assertThat(events.isEmpty()).as("the second appends nothing").isTrue();
    assertThat(keyMaterialOut.readKeyValuesToList())
        .containsExactlyInAnyOrder(new KeyValue<>(tmkKey, null), new KeyValue<>(dekKey, null));
  }

  @Test
  void endingByokTombstonesEveryCmkWrappedVersionAndTheDeksUnderIt() {
    send(acme.registerWithDek(KEY_ARN, 1, 1));
    send(acme.acknowledge("1.0"));
    send(acme.unwrapFailed());
    keyMaterialOut.readRecordsToList();
    send(acme.endByok(1));
    assertThat(outcomes.readValuesToList())
        .extracting(CommandOutcome::getAccepted)
        .containsOnly(true);
    assertThat(keyMaterialOut.readKeyValuesToList())
        .containsExactlyInAnyOrder(
            new KeyValue<>("acme/tmk-1-customer_kms", null), new KeyValue<>("acme/dek-1@1", null));
  }

  @Test
  void noChangelogEverHoldsKeyMaterial() {
    CommandEnvelope register = acme.register(KEY_ARN, 1);
    RegisterKey payload = (RegisterKey) register.getPayload();
    keyMaterialIn.pipeInput(
        MaterialKeys.tmk("acme", payload.getTmk().getTmkId()),
        KeyMaterial.newBuilder()
            .setTenantId("acme")
            .setTmk(payload.getTmk())
            .setWrappedKey(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .build());
    send(register);
    assertThat(
            driver.producedTopicNames().stream()
                .filter(name -> name.endsWith("-changelog"))
                .collect(Collectors.toSet()))
        .contains("keyledger-test-" + Topics.TENANT_STATE_STORE + "-changelog")
        .isSubsetOf(
            "keyledger-test-" + Topics.TENANT_STATE_STORE + "-changelog",
            "keyledger-test-" + Topics.TENANT_DEKS_STORE + "-changelog",
            "keyledger-test-" + Topics.RESOURCE_CLAIMS_STORE + "-changelog",
            "keyledger-test-" + Topics.FOLD_MARKS_STORE + "-changelog");
  }
}
