package dev.keyledger.engine.topology;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.command.SettleClaims;
import dev.keyledger.avro.event.ClaimAttempted;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.CommandUndecodable;
import dev.keyledger.avro.state.ResourceClaim;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.DekRecords;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.ResourceClaims;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.schemas.Codecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claims processor in the whole topology on TopologyTestDriver: registrations written to the
 * claims topic (as the gateway writes them) reach the folds through it, and the folds' settlements
 * come back to it.
 */
class ClaimsTopologyTest {

  private final Topics topics = Topics.defaults();
  private final TestCommands acme = new TestCommands("acme");
  private final TestCommands globex = new TestCommands("globex");
  private TopologyTestDriver driver;
  private TopologyDescription description;
  private TestInputTopic<String, byte[]> claims;
  private TestInputTopic<String, byte[]> commands;
  private TestOutputTopic<String, EventEnvelope> events;
  private TestOutputTopic<String, CommandOutcome> outcomes;
  private TestOutputTopic<String, KeyMaterial> keyMaterial;
  private TestOutputTopic<String, byte[]> claimsOut;
  private KeyValueStore<String, ResourceClaim> store;

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
    var topology = builder.build(props);
    description = topology.describe();
    driver = new TopologyTestDriver(topology, props);
    claims = input(topics.claims());
    commands = input(topics.commands());
    events = output(topics.events());
    outcomes = output(topics.outcomes());
    keyMaterial = output(topics.keyMaterial());
    claimsOut = output(topics.claims());
    store = driver.getKeyValueStore(Topics.RESOURCE_CLAIMS_STORE);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void theClaimsProcessorIsASubtopologyOfItsOwnAfterTheFold() {
    List<TopologyDescription.Subtopology> subtopologies = List.copyOf(description.subtopologies());
    TopologyDescription.Subtopology last =
        subtopologies.stream().max((a, b) -> Integer.compare(a.id(), b.id())).orElseThrow();
    assertThat(last.nodes())
        .extracting(TopologyDescription.Node::name)
        .contains(LifecycleTopology.CLAIMS, LifecycleTopology.CLAIMS_TO_COMMANDS_SINK)
        .doesNotContain(LifecycleTopology.FOLD);
    assertThat(
            subtopologies.stream()
                .filter(s -> s.id() == 0)
                .flatMap(s -> s.nodes().stream())
                .map(TopologyDescription.Node::name))
        .as("the fold keeps its task ids")
        .contains(LifecycleTopology.FOLD);
  }

  @Test
  void aFreeKeyIsGrantedAndTheFoldDecidesTheRegistrationAsAlways() {
    CommandEnvelope register = acme.register(KEY_ARN, 1);

    claim(register);

    CommandOutcome outcome = outcomes.readValue();
    assertThat(outcome.getCommandId()).isEqualTo(register.getCommandId());
    assertThat(outcome.getAccepted()).isTrue();
    assertThat(store.get(key()))
        .isEqualTo(
            ResourceClaim.newBuilder().setHolder("acme").setPending(0).setBound(true).build());
  }

  @Test
  void anotherTenantsKeyIsRefused409ToItAndAuditedInBothChainsNamingNeitherTenant() {
    claim(acme.register(KEY_ARN, 1));
    outcomes.readValuesToList();
    events.readValuesToList();
    CommandEnvelope theirs = globex.register(KEY_ARN, 1);

    claim(theirs);

    CommandOutcome refused = outcomes.readValue();
    assertThat(refused.getTenantId()).isEqualTo("globex");
    assertThat(refused.getCommandId()).isEqualTo(theirs.getCommandId());
    assertThat(refused.getAccepted()).isFalse();
    assertThat(refused.getRefusal().getType()).isEqualTo("bound_to_another_tenant");
    List<KeyValue<String, EventEnvelope>> audited = events.readKeyValuesToList();
    assertThat(audited)
        .filteredOn(kv -> kv.key.equals("globex"))
        .singleElement()
        .satisfies(kv -> assertThat(kv.value.getPayload()).isInstanceOf(CommandRefused.class))
        .satisfies(kv -> assertThat(kv.value.toString()).doesNotContain("acme"));
    assertThat(audited)
        .filteredOn(kv -> kv.key.equals("acme"))
        .singleElement()
        .satisfies(
            kv ->
                assertThat(kv.value.getPayload())
                    .isEqualTo(ClaimAttempted.newBuilder().setResources(List.of("key")).build()))
        .satisfies(kv -> assertThat(kv.value.toString()).doesNotContain("globex"));
    assertThat(keyMaterial.readKeyValuesToList())
        .as("the refused registration's key material is tombstoned")
        .contains(new KeyValue<>("globex/tmk-1-customer_kms", null));
    assertThat(store.get(key()).getHolder()).isEqualTo("acme");
    assertThat(TenantStates.status(state("globex")).isBound()).isFalse();
  }

  @Test
  void theHolderRegisteringItsKeyAgainIsGrantedAndKeepsIt() {
    claim(acme.register(KEY_ARN, 1));
    CommandEnvelope upsert = acme.onboard(KEY_ARN, 2);

    claim(upsert);

    assertThat(outcomes.readValuesToList())
        .extracting(CommandOutcome::getAccepted)
        .containsExactly(true, true);
    assertThat(store.get(key()))
        .isEqualTo(
            ResourceClaim.newBuilder().setHolder("acme").setPending(0).setBound(true).build());
  }

  @Test
  void afterTheHolderEndsByokTheKeyIsFreeAndAnotherTenantRegistersIt() {
    claim(acme.register(KEY_ARN, 1));
    commands.pipeInput("acme", Codecs.COMMANDS.encode(acme.endByok(1)));
    assertThat(store.get(key())).isNull();

    claim(globex.register(KEY_ARN, 1));

    assertThat(outcomes.readValuesToList())
        .extracting(CommandOutcome::getAccepted)
        .containsExactly(true, true, true);
    assertThat(store.get(key()).getHolder()).isEqualTo("globex");
  }

  @Test
  void aReleaseFromATenantThatDoesNotHoldTheKeyIsIgnored() {
    claim(acme.register(KEY_ARN, 1));

    claims.pipeInput(
        "globex",
        Codecs.COMMANDS.encode(
            globex.envelope(
                SettleClaims.newBuilder()
                    .setSettled(List.of(key()))
                    .setUnbound(List.of(key()))
                    .build())));

    assertThat(store.get(key()))
        .isEqualTo(
            ResourceClaim.newBuilder().setHolder("acme").setPending(0).setBound(true).build());
  }

  @Test
  void bindingsFoldedBeforeClaimsAreClaimedOnceWhenTheTaskFirstStarts() {
    // As an instance upgraded from a release without claims finds its store.
    TenantState bound =
        Fold.apply(TenantStates.empty("acme"), DekRecords.NONE, acme.register(KEY_ARN, 1)).state();
    KeyValueStore<String, byte[]> states = driver.getKeyValueStore(Topics.TENANT_STATE_STORE);
    states.put("acme", Codecs.TENANT_STATE.encode(bound));

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    assertThat(store.get(key()).getHolder()).isEqualTo("acme");
    assertThat(claimsOut.readValuesToList()).hasSize(1);
    KeyValueStore<String, String> marks = driver.getKeyValueStore(Topics.FOLD_MARKS_STORE);
    assertThat(marks.get(CommandFoldProcessor.CLAIMS_BACKFILLED)).isNotNull();
  }

  @Test
  void aTaskThatBackfilledOnceDoesNotScanAgain() {
    KeyValueStore<String, String> marks = driver.getKeyValueStore(Topics.FOLD_MARKS_STORE);
    marks.put(CommandFoldProcessor.CLAIMS_BACKFILLED, "2026-11-01T10:00:00Z");
    TenantState bound =
        Fold.apply(TenantStates.empty("acme"), DekRecords.NONE, acme.register(KEY_ARN, 1)).state();
    driver
        .<String, byte[]>getKeyValueStore(Topics.TENANT_STATE_STORE)
        .put("acme", Codecs.TENANT_STATE.encode(bound));

    driver.advanceWallClockTime(Duration.ofSeconds(1));

    assertThat(claimsOut.isEmpty()).isTrue();
    assertThat(store.get(key())).isNull();
  }

  @Test
  void anUndecodableClaimIsDeadLetteredAndAuditedAndTheProcessorGoesOn() {
    TestOutputTopic<String, byte[]> deadLetters = output(topics.deadLetter());

    claims.pipeInput("acme", new byte[] {1, 2, 3});
    claims.pipeInput("not a tenant!", new byte[] {4, 5, 6});
    claim(acme.register(KEY_ARN, 1));

    assertThat(deadLetters.readKeyValuesToList())
        .extracting(kv -> kv.key)
        .containsExactly("acme", "not a tenant!");
    assertThat(events.readValuesToList())
        .first()
        .satisfies(e -> assertThat(e.getPayload()).isInstanceOf(CommandUndecodable.class));
    assertThat(outcomes.readValuesToList())
        .extracting(CommandOutcome::getAccepted)
        .containsExactly(false, true);
  }

  private void claim(CommandEnvelope command) {
    claims.pipeInput(command.getTenantId(), Codecs.COMMANDS.encode(command));
  }

  private TenantState state(String tenant) {
    byte[] stored = driver.<String, byte[]>getKeyValueStore(Topics.TENANT_STATE_STORE).get(tenant);
    return stored == null ? TenantStates.empty(tenant) : TenantStores.decode(tenant, stored);
  }

  private static String key() {
    return ResourceClaims.resources(TestCommands.cmk(KEY_ARN)).get(0);
  }

  private TestInputTopic<String, byte[]> input(Topic<String, byte[]> topic) {
    return driver.createInputTopic(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }
}
