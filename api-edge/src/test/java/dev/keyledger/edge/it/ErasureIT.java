package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.WorkerSettings;
import dev.keyledger.schemas.Codecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cryptographic erasure: after revoking a TMK version, data under it answers key_destroyed, and
 * once the key-material topic is compacted no copy of the destroyed wrapped bytes remains in any
 * Kafka log or state store directory.
 */
class ErasureIT {

  /** Topic settings under which the key-material topic is compacted within seconds. */
  static final Map<String, String> FAST_COMPACTION =
      Map.of(
          "segment.ms",
          "100",
          "min.cleanable.dirty.ratio",
          "0.01",
          "delete.retention.ms",
          "100",
          "min.compaction.lag.ms",
          "0",
          "max.compaction.lag.ms",
          "100",
          "file.delete.delay.ms",
          "0");

  @TempDir Path dataDir;

  @Test
  void aRevokedVersionLeavesNoCopyOfItsWrappedBytesAnywhere() throws Exception {
    try (EdgeHarness kl =
        new EdgeHarness(
            dataDir,
            s ->
                s.withTopics(new TopicsAdmin.Settings(3, (short) 1, FAST_COMPACTION))
                    // no background rewrap during this test: the data under v1 must still depend on
                    // v1 when it is revoked
                    .withWorkers(
                        new WorkerSettings(
                            Duration.ofSeconds(30),
                            Duration.ofMinutes(15),
                            Duration.ofHours(1),
                            100)))) {
      String tenant = "shred-co";
      String owner = kl.token(tenant, "owner@" + tenant, Role.OWNER);
      String stepUp = kl.stepUp(tenant, "owner@" + tenant, Role.OWNER);
      assertThat(
              kl.http()
                  .post(
                      "/api/v1/byok/keys",
                      owner,
                      "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                  .status())
          .isEqualTo(201);
      assertThat(
              kl.http()
                  .post(
                      "/api/v1/byok/legal-waiver",
                      owner,
                      "{\"acknowledged\":true,\"acknowledged_by\":\"o@x.example\"}")
                  .status())
          .isEqualTo(200);
      String ciphertext =
          kl.http()
              .post(
                  "/api/v1/byok/encrypt",
                  owner,
                  "{\"plaintext\":\""
                      + Base64.getEncoder()
                          .encodeToString("to be shredded".getBytes(StandardCharsets.UTF_8))
                      + "\"}")
              .body()
              .path("ciphertext")
              .asText();
      List<byte[]> v1Copies = wrappedBytesOf(kl, tenant, 1);
      assertThat(v1Copies).as("TMK v1 and DEK v1 under it").hasSize(2);
      assertThat(filesContaining(dataDir, v1Copies))
          .as("the bytes are on disk before")
          .isNotEmpty();

      assertThat(kl.http().postWithStepUp("/admin/tenant-kms/rotate", owner, stepUp, "{}").status())
          .isEqualTo(200);
      Http.Response guarded =
          kl.http().postWithStepUp("/admin/tenant-kms/revoke", owner, stepUp, "{\"version\":1}");
      assertThat(guarded.status()).isEqualTo(409);
      assertThat(guarded.error()).isEqualTo("data_would_be_lost");
      Http.Response revoked =
          kl.http()
              .postWithStepUp(
                  "/admin/tenant-kms/revoke",
                  owner,
                  stepUp,
                  "{\"version\":1,\"allow_data_loss\":true}");
      assertThat(revoked.status()).as(revoked.body().toString()).isEqualTo(200);
      assertThat(revoked.body().path("deks_lost").asLong()).isEqualTo(1);
      assertThat(
              kl.http()
                  .postWithStepUp("/admin/tenant-kms/revoke", owner, stepUp, "{\"version\":3}")
                  .error())
          .as("v1 platform-managed, v2 the CMK's, v3 the rotation's")
          .isEqualTo("active_version");

      Http.Response destroyed =
          kl.http().post("/api/v1/byok/decrypt", owner, "{\"ciphertext\":\"" + ciphertext + "\"}");
      assertThat(destroyed.status()).isEqualTo(410);
      assertThat(destroyed.error()).isEqualTo("key_destroyed");
      assertThat(destroyed.body().path("error").path("message").asText()).contains("TMK v1");
      assertThat(
              kl.http()
                  .get("/admin/tenant-kms", owner)
                  .body()
                  .path("keys")
                  .get(0)
                  .path("status")
                  .asText())
          .isEqualTo("destroyed");

      awaitCompactedAway(kl, dataDir, v1Copies);
      Http.Response healing =
          kl.http().post("/api/v1/byok/encrypt", owner, "{\"plaintext\":\"AA==\"}");
      assertThat(healing.status())
          .as("its only DEK was shredded: a new one is being made")
          .isEqualTo(503);
      assertThat(healing.header("Retry-After")).isEqualTo("1");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                Http.Response encrypted =
                    kl.http().post("/api/v1/byok/encrypt", owner, "{\"plaintext\":\"AA==\"}");
                assertThat(encrypted.status()).as("the tenant goes on under v3").isEqualTo(200);
                assertThat(encrypted.body().path("tmk_version").asInt()).isEqualTo(3);
              });
    }
  }

  /**
   * The wrapped bytes of TMK {@code version} and of the DEKs it wrapped, read from the key-material
   * topic.
   */
  /**
   * Waits until no file under {@code dataDir} holds any of {@code copies}: compaction of the
   * key-material topic removed the tombstoned records.
   */
  static void awaitCompactedAway(EdgeHarness kl, Path dataDir, List<byte[]> copies)
      throws Exception {
    try (KafkaProducer<String, byte[]> nudger =
        new KafkaProducer<>(
            kl.kafka.clientProps(), new StringSerializer(), new ByteArraySerializer())) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                // Compaction never touches the active segment: a write rolls it once segment.ms
                // has passed.
                for (int p = 0; p < 3; p++) {
                  nudger
                      .send(new ProducerRecord<>("kl.key-material", p, "compaction-nudge", null))
                      .get();
                }
                assertThat(filesContaining(dataDir, copies)).isEmpty();
              });
    }
  }

  static List<byte[]> wrappedBytesOf(EdgeHarness kl, String tenant, int version) {
    Map<String, Object> props = new HashMap<>(kl.kafka.clientProps());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<byte[]> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("kl.key-material").stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null && record.key().startsWith(tenant + "/")) {
            KeyMaterial material = decode(record.value());
            if (material.getTmk().getVersion() == version) {
              ByteBuffer wrapped = material.getWrappedKey();
              byte[] bytes = new byte[wrapped.remaining()];
              wrapped.duplicate().get(bytes);
              found.add(bytes);
            }
          }
        }
      }
    }
    return found;
  }

  /**
   * Every file under {@code dataDir} (Kafka logs, Streams state, secrets) holding any of the byte
   * strings.
   */
  static List<Path> filesContaining(Path dataDir, List<byte[]> needles) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        dataDir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            try {
              byte[] content = Files.readAllBytes(file);
              if (needles.stream().anyMatch(needle -> indexOf(content, needle) >= 0)) {
                found.add(file);
              }
            } catch (NoSuchFileException e) {
              // Kafka deletes and renames segment files while we look: a vanished file holds
              // nothing.
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE; // vanished between listing and visiting, as above
            }
            throw e;
          }
        });
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static KeyMaterial decode(byte[] bytes) {
    try {
      return Codecs.KEY_MATERIAL.decode(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
