package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyledger.avro.Actor;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.cli.KeyLedgerCli;
import dev.keyledger.edge.cli.TailCommand;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.EventHashes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code keyledger audit verify}, {@code replay} and {@code tail} against the event log of a real
 * node on a real broker: the commands see only the broker, as an auditor's machine would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogCommandsIT {

  private static final String ACME = "acme-log";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private EdgeHarness kl;
  private String acmeOwner;
  private Instant activatedAt;
  private JsonNode keysAfterRotation;

  /** One run of a command: exit code, standard output, standard error. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  void start() throws Exception {
    kl = new EdgeHarness(dataDir);
    acmeOwner = kl.token(ACME, "owner@" + ACME, Role.OWNER);
    register(ACME, acmeOwner);
    activatedAt =
        Instant.parse(
            kl.http()
                .get("/api/v1/byok/keys", acmeOwner)
                .body()
                .path("waiver_acknowledged_at")
                .asText());
    Http.Response rotated =
        kl.http()
            .post(
                "/api/v1/byok/keys/rotate",
                acmeOwner,
                "{\"rotation_type\":\"dek\",\"reason\":\"later rotation\"}");
    assertThat(rotated.status()).as(rotated.body().toString()).isEqualTo(200);
    keysAfterRotation = kl.http().get("/api/v1/byok/keys", acmeOwner).body();
  }

  @AfterAll
  void stop() throws Exception {
    kl.close();
  }

  @Test
  void replayAtAnInstantShowsTheStateBeforeARotationThatHappenedLater() throws Exception {
    JsonNode newest = keysAfterRotation.path("dek_versions").get(0);
    // The premise: the rotation's DEK was made after the instant asked for.
    assertThat(newest.path("version").asInt()).isEqualTo(2);
    assertThat(Instant.parse(newest.path("created_at").asText())).isAfter(activatedAt);

    Run then = run("replay", "--tenant", ACME, "--at", activatedAt.toString());
    Run now = run("replay", "--tenant", ACME);

    assertThat(then.exit()).as(then.err()).isZero();
    JsonNode before = JSON.readTree(then.out());
    assertThat(before.path("status").asText()).isEqualTo("active");
    assertThat(before.path("active_dek_version").asInt()).isEqualTo(1);
    assertThat(before.path("dek_count").asInt()).isEqualTo(1);
    assertThat(before.path("dek_versions")).hasSize(1);
    assertThat(Instant.parse(before.path("last_rotation_at").asText()))
        .isBeforeOrEqualTo(activatedAt);
    assertThat(Instant.parse(keysAfterRotation.path("last_rotation_at").asText()))
        .isAfter(activatedAt);
    assertThat(before.path("key_arn")).isEqualTo(keysAfterRotation.path("key_arn"));
    assertThat(now.exit()).as(now.err()).isZero();
    assertThat(JSON.readTree(now.out())).isEqualTo(keysAfterRotation);
    assertThat(then.err()).doesNotContain("\r").doesNotContain("events/s");
    assertThat(then.err().strip())
        .startsWith("keyledger: tenant " + ACME + " as of " + activatedAt);
  }

  @Test
  void auditVerifyIsIntactOnTheLogAndNamesTheTenantAndSeqOnACorruptedCopy() throws Exception {
    Run intact = run("audit", "verify");
    JsonNode verified = awaitProjectedChain(intact);

    assertThat(intact.exit()).as(intact.out() + intact.err()).isZero();
    assertThat(intact.out())
        .contains(
            ACME
                + " intact "
                + verified.path("checked").asLong()
                + " events head "
                + verified.path("head_hash").asText()
                + System.lineSeparator())
        .contains(": every chain intact");

    EventEnvelope[] edited = new EventEnvelope[2];
    copyLog(
        "klcopy.events",
        event -> {
          if (!event.getTenantId().equals(ACME) || event.getSeq() != 3) {
            return event;
          }
          edited[0] = event;
          edited[1] =
              EventEnvelope.newBuilder(event)
                  .setActor(Actor.newBuilder(event.getActor()).setSub("mallory").build())
                  .build();
          return edited[1];
        });
    Run broken = run("audit", "verify", "--topic-prefix", "klcopy");
    Run one = run("audit", "verify", "--topic-prefix", "klcopy", "--tenant", ACME);
    Run replay = run("replay", "--topic-prefix", "klcopy", "--tenant", ACME);

    String line =
        ACME
            + " broken at seq 3: hash does not match the event's content: expected "
            + EventHashes.compute(edited[1])
            + " found "
            + edited[0].getHash()
            + " (2 events intact before it, head "
            + edited[0].getPrevHash()
            + ")";
    assertThat(broken.exit()).isEqualTo(1);
    assertThat(broken.out()).contains(line).contains(": 1 broken");
    assertThat(one.exit()).isEqualTo(1);
    assertThat(one.out()).startsWith(line);
    assertThat(replay.exit()).isEqualTo(1);
    assertThat(replay.out()).isEmpty();
    assertThat(replay.err()).contains("the hash chain of " + ACME + " breaks at seq 3");
  }

  @Test
  void tailPrintsALinePerEventAsItIsWritten() throws Exception {
    String globex = "globex-log";
    String owner = kl.token(globex, "owner@" + globex, Role.OWNER);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = cli(out, err);
    TailCommand tail = cli.getSubcommands().get("tail").getCommand();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                cli.execute(
                    "tail",
                    "--tenant",
                    globex,
                    "--bootstrap-server",
                    kl.kafka.bootstrapServers(),
                    "--topic-prefix",
                    "kl"));
    await().atMost(Duration.ofSeconds(30)).until(() -> err.toString().contains("following"));

    register(globex, owner);

    List<String> expected =
        List.of(
            "#1 KeysProvisioned (provision) by owner@" + globex,
            "#2 TmkVersionAdded (create_tmk_version)",
            "#3 DekCreated (create_dek)",
            "#4 KeyRegistered (register) by owner@" + globex,
            "#5 TmkVersionAdded (create_tmk_version)",
            "#6 WaiverAcknowledged (acknowledge_waiver)",
            "#7 ByokActivated (activate)",
            "#8 RewrapStarted (rewrap_started)",
            "#9 DeksRewrapped (rewrap)",
            "#10 RewrapCompleted (rewrap_completed)");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> out.toString().lines().count() >= expected.size());
    tail.stop();

    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(expected.size());
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).contains(" " + globex + " " + expected.get(i));
    }
    assertThat(lines.get(3)).contains(" cmk.key_arn=arn:aws:kms:");
    assertThat(lines.get(4)).contains(" awaits_waiver=true");
    assertThat(String.join("\n", lines)).doesNotContain(ACME);
  }

  @Test
  void tailFromTheBeginningPrintsTheWholeLogFirst() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = cli(out, err);
    TailCommand tail = cli.getSubcommands().get("tail").getCommand();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                cli.execute(
                    "tail",
                    "--tenant",
                    ACME,
                    "--from-beginning",
                    "--bootstrap-server",
                    kl.kafka.bootstrapServers(),
                    "--topic-prefix",
                    "kl"));
    int events = keysSeq(ACME);
    await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().lines().count() >= events);
    tail.stop();

    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(events);
    for (int seq = 1; seq <= events; seq++) {
      assertThat(lines.get(seq - 1)).contains(" " + ACME + " #" + seq + " ");
    }
    assertThat(lines.get(events - 1))
        .contains("DekCreated (create_dek)")
        .contains("reason=\"later rotation\"");
  }

  @Test
  void anUnknownTenantOrTopicIsSaidSo() {
    Run replay = run("replay", "--tenant", "nobody");
    Run verify = run("audit", "verify", "--tenant", "nobody");
    Run topic = run("audit", "verify", "--topic-prefix", "nope");

    assertThat(replay.exit()).isEqualTo(1);
    assertThat(replay.err())
        .isEqualTo(
            "keyledger: unknown tenant 'nobody': no events of it in kl.events"
                + System.lineSeparator());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.err()).contains("unknown tenant 'nobody'");
    assertThat(topic.exit()).isEqualTo(KeyLedgerCli.LOG_UNREADABLE);
    assertThat(topic.err())
        .contains("topic nope.events does not exist on " + kl.kafka.bootstrapServers());
  }

  private void register(String tenant, String owner) {
    Http.Response registered =
        kl.http()
            .post(
                "/api/v1/byok/keys",
                owner,
                "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}");
    assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
    Http.Response ack =
        kl.http()
            .post(
                "/api/v1/byok/legal-waiver",
                owner,
                "{\"acknowledged\":true,\"acknowledged_by\":\"cto@" + tenant + ".example\"}");
    assertThat(ack.status()).as(ack.body().toString()).isEqualTo(200);
    // The acknowledgment started the rewrap of the platform-managed DEK: let it finish, so the
    // tenant's log ends here.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        kl.http()
                            .get("/api/v1/byok/keys", owner)
                            .body()
                            .path("rewrap_status")
                            .asText())
                    .isEqualTo("completed"));
  }

  /** The tenant's events so far, by the CLI's own verify (checked against the node below). */
  private int keysSeq(String tenant) {
    Run run = run("audit", "verify", "--tenant", tenant);
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    return Integer.parseInt(run.out().split(" ")[2]);
  }

  /** The node's own verification (its audit projection), once it has caught up with the CLI's. */
  private JsonNode awaitProjectedChain(Run cli) {
    String line = cli.out().lines().filter(l -> l.startsWith(ACME + " ")).findFirst().orElseThrow();
    long checked = Long.parseLong(line.split(" ")[2]);
    JsonNode[] verified = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              verified[0] = kl.http().get("/api/v1/byok/audit/verify", acmeOwner).body();
              return verified[0].path("checked").asLong() == checked;
            });
    assertThat(verified[0].path("intact").asBoolean()).isTrue();
    return verified[0];
  }

  /**
   * Copies the node's events topic record by record to {@code target}, each to the partition it was
   * on, passing every event through {@code edit} (re-encoded without resealing: a forgery).
   */
  private void copyLog(String target, java.util.function.UnaryOperator<EventEnvelope> edit)
      throws Exception {
    Map<String, Object> props = new HashMap<>(kl.kafka.clientProps());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (Admin admin = Admin.create(kl.kafka.clientProps());
        KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                kl.kafka.clientProps(), new StringSerializer(), new ByteArraySerializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor("kl.events")
          .forEach(p -> partitions.add(new TopicPartition("kl.events", p.partition())));
      admin.createTopics(List.of(new NewTopic(target, partitions.size(), (short) 1))).all().get();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          byte[] value = Codecs.EVENTS.encode(edit.apply(Codecs.EVENTS.decode(r.value())));
          producer.send(new ProducerRecord<>(target, r.partition(), r.timestamp(), r.key(), value));
        }
      }
      producer.flush();
    }
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--bootstrap-server";
    all[args.length + 1] = kl.kafka.bootstrapServers();
    boolean prefixed = List.of(args).contains("--topic-prefix");
    String[] withPrefix = prefixed ? all : append(all, "--topic-prefix", "kl");
    int exit = cli(out, err).execute(withPrefix);
    return new Run(exit, out.toString(), err.toString());
  }

  private static String[] append(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  private static CommandLine cli(StringWriter out, StringWriter err) {
    CommandLine cli = KeyLedgerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }
}
