package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.workers.WorkerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of one application on one broker (each its own Kafka Streams, state dir and HTTP
 * port): every tenant answers the same through every instance, one tenant's cold burst costs one
 * KMS call cluster-wide, rate limits are exact cluster-wide, and when an instance dies the
 * survivors take its tenants over. The failover runs last: it stops an instance of the shared
 * cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  private static final int TENANTS = 30;

  @TempDir static Path dir;
  private ClusterHarness cluster;
  private final List<String> tenants = new ArrayList<>();
  private final Map<String, String> owners = new ConcurrentHashMap<>();
  private final AtomicInteger probes = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    cluster = new ClusterHarness(dir, 3, 12, this::quietWorkers);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              for (int i = 0; i < cluster.size(); i++) {
                if (new Http(cluster.managementPort(i)).get("/readyz", null).status() != 200) {
                  return false;
                }
              }
              return true;
            });
    for (int t = 0; t < TENANTS; t++) {
      String tenant = "cl-" + t;
      owners.put(tenant, activate(tenant, t % cluster.size()));
      tenants.add(tenant);
    }
  }

  /** Validation would probe CMKs (KMS calls) in the middle of a measured burst: not here. */
  private WorkerSettings quietWorkers(WorkerSettings defaults) {
    return new WorkerSettings(
        defaults.sealRetry(), Duration.ofHours(1), defaults.rewrap(), defaults.rewrapBatch());
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
  }

  /**
   * Registers a CMK for {@code tenant} and acknowledges the waiver through instance {@code via}.
   */
  private String activate(String tenant, int via) {
    String token = cluster.token(tenant, "owner@" + tenant, Role.OWNER);
    Http http = cluster.http(via);
    Http.Response registered =
        http.post(
            "/api/v1/byok/keys",
            token,
            "{\"key_arn\":\"" + cluster.customer.keyGrantingPlatform() + "\"}");
    assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
    Http.Response acknowledged =
        http.post(
            "/api/v1/byok/legal-waiver",
            token,
            "{\"acknowledged\":true,\"acknowledged_by\":\"o@" + tenant + ".example\"}");
    assertThat(acknowledged.status()).as(acknowledged.body().toString()).isEqualTo(200);
    return token;
  }

  @Order(1)
  @Test
  void everyTenantAnswersTheSameThroughEveryInstance() {
    List<String> reads =
        List.of(
            "/api/v1/byok/keys",
            "/api/v1/byok/legal-waiver",
            "/api/v1/byok/legal-waiver/status",
            "/api/v1/byok/audit?limit=50",
            "/api/v1/byok/audit/verify",
            "/api/v1/byok/alerts",
            "/admin/tenant-kms");
    for (String tenant : tenants) {
      String token = owners.get(tenant);
      for (String path : reads) {
        List<JsonNode> answers = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
          Http.Response answer = cluster.http(i).get(path, token);
          assertThat(answer.status())
              .as("%s %s via instance %d: %s", tenant, path, i, answer.body())
              .isEqualTo(200);
          answers.add(withoutRequestIds(answer.body()));
        }
        assertThat(answers)
            .as("%s %s", tenant, path)
            .allSatisfy(a -> assertThat(a).isEqualTo(answers.get(0)));
      }
      for (int i = 0; i < cluster.size(); i++) {
        Http.Response health = cluster.http(i).get("/api/v1/byok/health", token);
        assertThat(health.status())
            .as("%s health via %d: %s", tenant, i, health.body())
            .isEqualTo(200);
      }
      // Data written through one instance is read through each of the others.
      String agent = cluster.token(tenant, "svc@" + tenant, Role.AGENT);
      Http.Response encrypted =
          cluster
              .http(0)
              .post("/api/v1/byok/encrypt", agent, "{\"plaintext\":\"" + b64(tenant) + "\"}");
      assertThat(encrypted.status()).as(encrypted.body().toString()).isEqualTo(200);
      for (int i = 0; i < cluster.size(); i++) {
        Http.Response decrypted =
            cluster
                .http(i)
                .post(
                    "/api/v1/byok/decrypt",
                    agent,
                    "{\"ciphertext\":\"" + encrypted.body().path("ciphertext").asText() + "\"}");
        assertThat(decrypted.status()).as(decrypted.body().toString()).isEqualTo(200);
        assertThat(decrypted.body().path("plaintext").asText()).isEqualTo(b64(tenant));
        Http.Response session = cluster.http(i).post("/agent/v1/session", agent, "{}");
        assertThat(session.status()).as(session.body().toString()).isEqualTo(200);
      }
    }
  }

  @Order(2)
  @Test
  void aColdBurstOverAllInstancesMakesExactlyOneKmsDecrypt() throws Exception {
    String tenant = tenants.get(7);
    String agent = cluster.token(tenant, "burst@" + tenant, Role.AGENT);
    Http.Response encrypted =
        cluster
            .http(1)
            .post("/api/v1/byok/encrypt", agent, "{\"plaintext\":\"" + b64("cold") + "\"}");
    String ciphertext = encrypted.body().path("ciphertext").asText();
    // Past the BYOK key TTL (5 min): every cached key of the tenant has expired, on every instance.
    cluster.clock.advance(Duration.ofMinutes(6));
    // Slow KMS down so that every request below arrives while the first unwrap is still in flight.
    cluster.kms.faults().latency(Duration.ofMillis(1500));
    cluster.kms.calls().reset();
    int decrypts = 300;
    ExecutorService pool = Executors.newFixedThreadPool(100);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Http.Response>> results = new ArrayList<>();
      for (int n = 0; n < decrypts; n++) {
        Http via = cluster.http(n % cluster.size());
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return via.post(
                      "/api/v1/byok/decrypt", agent, "{\"ciphertext\":\"" + ciphertext + "\"}");
                }));
      }
      go.countDown();
      for (Future<Http.Response> result : results) {
        Http.Response answer = result.get();
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        assertThat(answer.body().path("plaintext").asText()).isEqualTo(b64("cold"));
      }
    } finally {
      pool.shutdownNow();
      cluster.kms.faults().clear();
    }
    assertThat(cluster.kms.calls().count("kms", "Decrypt")).isEqualTo(1);
  }

  @Order(3)
  @Test
  void theSixthKeyRegistrationOfOneSubWithinAnHourIsRefusedWhicheverInstanceItReaches() {
    String tenant = tenants.get(11);
    String token = cluster.token(tenant, "limited@" + tenant, Role.OWNER);
    String body = "{\"key_arn\":\"" + cluster.customer.keyGrantingPlatform() + "\"}";
    for (int n = 0; n < 5; n++) {
      Http.Response answer =
          cluster.http(n % cluster.size()).post("/api/v1/byok/keys", token, body);
      assertThat(answer.status()).as("call %d: %s", n + 1, answer.body()).isNotEqualTo(429);
    }
    for (int i = 0; i < cluster.size(); i++) {
      Http.Response refused = cluster.http(i).post("/api/v1/byok/keys", token, body);
      assertThat(refused.status()).as("via instance %d: %s", i, refused.body()).isEqualTo(429);
      assertThat(refused.error()).isEqualTo("rate_limit_exceeded");
      assertThat(refused.header("Retry-After")).isNotNull();
    }
  }

  @Order(4)
  @Test
  void whenAnInstanceDiesTheSurvivorsServeEveryTenantAndNoAcknowledgedCommandIsLost()
      throws Exception {
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger sequence = new AtomicInteger();
    Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
    ExecutorService load = Executors.newFixedThreadPool(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      workers.add(
          load.submit(
              () -> {
                while (loading.get() && sequence.get() < 2_000) {
                  int n = sequence.incrementAndGet();
                  String tenant = tenants.get(n % tenants.size());
                  // one sub per rotation: the rotate limit (10/h per sub) does not get in the way
                  String token = cluster.token(tenant, "rotator-" + n + "@" + tenant, Role.OWNER);
                  Http.Response rotated =
                      cluster
                          .http(n % 2)
                          .post(
                              "/api/v1/byok/keys/rotate",
                              token,
                              "{\"rotation_type\":\"dek\",\"reason\":\"failover load\"}");
                  if (rotated.status() == 200) {
                    acknowledged
                        .computeIfAbsent(
                            tenant, t -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(rotated.body().path("new_dek_id").asText());
                  }
                }
                return null;
              }));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 5);

    long stopped = System.nanoTime();
    cluster.stop(2);
    // Each tenant through each survivor on its own thread: the slowest of them is the bound.
    ExecutorService pollers = Executors.newFixedThreadPool(tenants.size() * 2);
    List<Future<Long>> answeredAfter = new ArrayList<>();
    for (String tenant : tenants) {
      for (int survivor = 0; survivor < 2; survivor++) {
        int via = survivor;
        answeredAfter.add(
            pollers.submit(
                () -> {
                  await()
                      .atMost(Duration.ofSeconds(60))
                      .pollInterval(Duration.ofMillis(50))
                      .until(() -> answers(tenant, via));
                  return (System.nanoTime() - stopped) / 1_000_000;
                }));
      }
    }
    long failoverMillis = 0;
    for (Future<Long> after : answeredAfter) {
      failoverMillis = Math.max(failoverMillis, after.get());
    }
    pollers.shutdown();
    System.out.printf(
        "ClusterIT failover: every tenant answered again through both survivors %d ms after an"
            + " instance began to stop%n",
        failoverMillis);

    loading.set(false);
    for (Future<?> worker : workers) {
      worker.get();
    }
    load.shutdown();
    // the close, the 6 s session timeout, one rebalance: about 11 s measured here (README)
    assertThat(failoverMillis).isLessThan(15_000);
    for (String tenant : tenants) {
      assertThat(answers(tenant, 0) && answers(tenant, 1)).as(tenant).isTrue();
    }

    int checked = 0;
    for (Map.Entry<String, List<String>> entry : acknowledged.entrySet()) {
      Http.Response keys =
          cluster.http(0).get("/api/v1/byok/keys?dek_limit=100", owners.get(entry.getKey()));
      List<String> known = new ArrayList<>();
      keys.body().path("dek_versions").forEach(d -> known.add(d.path("dek_id").asText()));
      assertThat(known).as(entry.getKey()).containsAll(entry.getValue());
      checked += entry.getValue().size();
    }
    assertThat(checked).isGreaterThan(0);
  }

  /** Reads with a new sub each time: the polling stays clear of the per-sub read limit. */
  private boolean answers(String tenant, int instance) {
    String reader = cluster.token(tenant, "probe-" + probes.incrementAndGet() + "@x", Role.AUDITOR);
    return cluster.http(instance).get("/api/v1/byok/keys", reader).status() == 200;
  }

  private static JsonNode withoutRequestIds(JsonNode body) {
    JsonNode copy = body.deepCopy();
    if (copy instanceof ObjectNode object) {
      object.remove("request_id");
    }
    return copy;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
