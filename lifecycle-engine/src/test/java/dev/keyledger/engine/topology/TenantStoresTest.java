package dev.keyledger.engine.topology;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.schemas.Codecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fold's two stores on TopologyTestDriver: the layout, and the upgrade from pre-v4 states. */
class TenantStoresTest {

  private final Topics topics = Topics.defaults();
  private final TestCommands acme = new TestCommands("acme");
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> commands;
  private TestOutputTopic<String, EventEnvelope> events;
  private TestOutputTopic<String, CommandOutcome> outcomes;

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
    LifecycleTopology.build(builder, topics);
    driver = new TopologyTestDriver(builder.build(props), props);
    commands =
        driver.createInputTopic(
            topics.commands().name(),
            topics.commands().keySerde().serializer(),
            topics.commands().valueSerde().serializer());
    events =
        driver.createOutputTopic(
            topics.events().name(),
            topics.events().keySerde().deserializer(),
            topics.events().valueSerde().deserializer());
    outcomes =
        driver.createOutputTopic(
            topics.outcomes().name(),
            topics.outcomes().keySerde().deserializer(),
            topics.outcomes().valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private CommandOutcome send(CommandEnvelope command) {
    commands.pipeInput(command.getTenantId(), Codecs.COMMANDS.encode(command));
    return outcomes.readValue();
  }

  private KeyValueStore<String, byte[]> states() {
    return driver.getKeyValueStore(Topics.TENANT_STATE_STORE);
  }

  private KeyValueStore<String, DekState> deks() {
    return driver.getKeyValueStore(Topics.TENANT_DEKS_STORE);
  }

  private TenantState state(String tenant) throws Exception {
    return Codecs.TENANT_STATE.decode(states().get(tenant));
  }

  private List<DekState> dekRecords(String tenant) {
    List<DekState> all = new ArrayList<>();
    try (KeyValueIterator<String, DekState> it =
        deks().range(DekKeys.of(tenant, 0), DekKeys.of(tenant, Integer.MAX_VALUE))) {
      it.forEachRemaining(kv -> all.add(kv.value));
    }
    return all;
  }

  private List<CommandEnvelope> history(int deks) {
    List<CommandEnvelope> history = new ArrayList<>();
    history.add(acme.registerWithDek(KEY_ARN, 1, 1));
    history.add(acme.acknowledge("1.0"));
    for (int v = 2; v <= deks; v++) {
      history.add(acme.rotateDek(v, 1));
    }
    return history;
  }

  @Test
  void dekRecordsLiveInTheirOwnStoreAndTheStateStaysTheSameSizeAsTheyAccumulate() throws Exception {
    List<CommandEnvelope> history = history(200);
    int sizeAtTwo = 0;
    for (int i = 0; i < history.size(); i++) {
      assertThat(send(history.get(i)).getAccepted()).isTrue();
      if (i == 2) {
        sizeAtTwo = states().get("acme").length;
      }
    }
    TenantState state = state("acme");
    assertThat(state.getDeks()).as("no DEK record in the state").isEmpty();
    assertThat(state.getActiveDek().getVersion()).isEqualTo(200);
    assertThat(state.getLastDekVersion()).isEqualTo(200);
    assertThat(TenantStates.tmk(state, 1).orElseThrow().getLiveDeks()).isEqualTo(200);
    assertThat(states().get("acme").length)
        .as("200 DEKs in, the state is as big as with 2 (varints may grow a byte or two)")
        .isBetween(sizeAtTwo, sizeAtTwo + 8);
    List<DekState> records = dekRecords("acme");
    assertThat(records).hasSize(200);
    assertThat(records)
        .extracting(d -> d.getDek().getVersion())
        .as("keyed in version order")
        .isSorted();
    assertThat(records.subList(0, 199)).allMatch(d -> "retired".equals(d.getStatus()));
    assertThat(records.get(199).getStatus()).isEqualTo("active");
  }

  @Test
  void aPreV4StateInTheStoreIsSplitOnItsTenantsNextCommandAndFoldsOnAsIfNeverStored()
      throws Exception {
    TenantMemory reference = new TenantMemory();
    for (CommandEnvelope command : history(5)) {
      reference.fold(command);
    }
    // What a pre-v4 node left, found by the upgraded node at its start: every DEK record inside
    // the state, none in the DEK store.
    TenantState v4 = reference.state("acme");
    List<DekState> records = reference.deks("acme").all();
    TenantState legacy =
        TenantStates.builder(v4)
            .setDeks(records)
            .setActiveDek(null)
            .setLastDekVersion(0)
            .setTmkVersions(
                v4.getTmkVersions().stream()
                    .map(v -> TmkVersionState.newBuilder(v).setLiveDeks(0).build())
                    .toList())
            .build();
    states().put("acme", Codecs.TENANT_STATE.encode(legacy));
    assertThat(dekRecords("acme")).isEmpty();

    CommandEnvelope usage = acme.usage(4, 1, 5);
    CommandEnvelope rotation = acme.rotateDek(6, 1);
    assertThat(send(usage).getAccepted()).isTrue();
    assertThat(send(rotation).getAccepted()).isTrue();

    List<EventEnvelope> expected = new ArrayList<>(reference.fold(usage).events());
    expected.addAll(reference.fold(rotation).events());
    assertThat(events.readValuesToList()).isEqualTo(expected);
    assertThat(Codecs.TENANT_STATE.encode(state("acme")))
        .as("bit for bit the state of a tenant folded under v4 throughout")
        .isEqualTo(Codecs.TENANT_STATE.encode(reference.state("acme")));
    assertThat(dekRecords("acme")).isEqualTo(reference.deks("acme").all());
  }
}
