package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.EdgeFixture.auditTrail;
import static dev.keyledger.edge.api.EdgeFixture.b64;
import static dev.keyledger.edge.api.EdgeFixture.unb64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.application.DataKeyLeasing;
import dev.keyledger.edge.api.EdgeFixture.Client;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.crypto.DekUsagePolicy;
import dev.keyledger.envelope.DataAead;
import dev.keyledger.envelope.DekRef;
import dev.keyledger.envelope.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/byok/data-keys}: leased data keys for local encryption. */
class DataKeysRoutesTest {

  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws IOException {
    edge = new EdgeFixture();
  }

  @AfterAll
  static void stop() {
    edge.close();
  }

  @AfterEach
  void reset() {
    edge.reset();
  }

  private static String agent(String tenant) {
    return edge.token(tenant, "svc@" + tenant, Role.AGENT);
  }

  private static Reply lease(Client http, String token, String body) {
    return http.post("/api/v1/byok/data-keys", token, body);
  }

  @Test
  void anAgentLeasesTheActiveDekAndItsLocalCiphertextsAreTheServersFormat() throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String agent = agent(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          Instant before = edge.clock.instant();
          Reply leased = lease(http, agent, "{\"encryptions\":1000}");
          assertThat(leased.status()).as(leased.text()).isEqualTo(200);
          assertThat(leased.header("Cache-Control")).isEqualTo("no-store");
          JsonNode body = leased.json();
          assertThat(body.path("tenant_id").asText()).isEqualTo(tenant);
          assertThat(body.path("dek_id").asText()).startsWith("dek_");
          assertThat(body.path("key_version").asInt()).isEqualTo(1);
          assertThat(body.path("encryptions").asLong()).isEqualTo(1000);
          byte[] key = Base64.getDecoder().decode(body.path("key").asText());
          assertThat(key).hasSize(32);
          Instant expires = Instant.parse(body.path("expires_at").asText());
          assertThat(expires)
              .as("no later than the key cache's TTL under BYOK (5 min)")
              .isAfter(before)
              .isBeforeOrEqualTo(before.plus(Duration.ofMinutes(5)));
          assertThat(body.path("ttl_seconds").asLong()).isBetween(1L, 300L);

          DataAead local =
              DataAead.create(
                  SecretBytes.copyOf(key),
                  new DekRef(body.path("dek_id").asText(), body.path("key_version").asInt()));
          Map<String, String> context = Map.of("table", "payments");
          byte[] mine =
              local.encrypt(tenant, "made locally".getBytes(StandardCharsets.UTF_8), context);
          Reply opened =
              http.post(
                  "/api/v1/byok/decrypt",
                  agent,
                  "{\"ciphertext\":\""
                      + Base64.getEncoder().encodeToString(mine)
                      + "\",\"context\":{\"table\":\"payments\"}}");
          assertThat(opened.status()).as(opened.text()).isEqualTo(200);
          assertThat(unb64(opened.json().path("plaintext").asText())).isEqualTo("made locally");

          Reply theirs =
              http.post(
                  "/api/v1/byok/encrypt",
                  agent,
                  "{\"plaintext\":\""
                      + b64("made by the server")
                      + "\",\"context\":{\"table\":\"payments\"}}");
          byte[] serverCiphertext =
              Base64.getDecoder().decode(theirs.json().path("ciphertext").asText());
          assertThat(
                  new String(
                      local.decrypt(tenant, serverCiphertext, context), StandardCharsets.UTF_8))
              .isEqualTo("made by the server");

          JsonNode keys = http.get("/api/v1/byok/keys", owner).json();
          assertThat(keys.path("dek_versions").get(0).path("encryptions").asLong())
              .as("the leased block counts against the DEK's budget at once")
              .isEqualTo(1000);
          assertThat(auditTrail(http, owner)).contains("lease_data_key:success");
          assertThat(leased.text()).doesNotContain("wrapped");
        });
  }

  @Test
  void aLeaseNearTheEndOfTheCachedKeysLifeGetsAFreshWindowFromKms() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          edge.active(http, edge.owner(tenant));
          Instant first =
              Instant.parse(lease(http, agent(tenant), "{}").json().path("expires_at").asText());
          edge.clock.advance(Duration.ofMinutes(4).plusSeconds(1));
          Reply later = lease(http, agent(tenant), "{}");
          Instant expires = Instant.parse(later.json().path("expires_at").asText());
          assertThat(expires)
              .as("the cached key had a minute left: reloaded, not a one-minute lease")
              .isAfter(first)
              .isAfterOrEqualTo(edge.clock.instant().plus(DataKeyLeasing.MIN_LEASE));
          assertThat(later.json().path("ttl_seconds").asLong()).isGreaterThanOrEqualTo(60);
        });
  }

  @Test
  void withoutABodyALeaseReservesTheDefaultBlock() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          edge.active(http, edge.owner(tenant));
          Reply leased = lease(http, agent(tenant), "");
          assertThat(leased.status()).as(leased.text()).isEqualTo(200);
          assertThat(leased.json().path("encryptions").asLong())
              .isEqualTo(DataKeyLeasing.DEFAULT_BLOCK);
        });
  }

  @Test
  void onlyAgentsAndThePlatformMayLeaseAndATokenIsNeeded() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          for (Role role : List.of(Role.OWNER, Role.ADMIN, Role.AUDITOR)) {
            Reply refused = lease(http, edge.token(tenant, "u@" + tenant, role), "{}");
            assertThat(refused.status()).as(role.name()).isEqualTo(403);
            assertThat(refused.json().has("key")).isFalse();
          }
          assertThat(lease(http, edge.token(tenant, "p@" + tenant, Role.PLATFORM), "{}").status())
              .isEqualTo(200);
          assertThat(lease(http, null, "{}").status()).isEqualTo(401);
        });
  }

  @Test
  void badBodiesAre400WithAHint() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          edge.active(http, edge.owner(tenant));
          String agent = agent(tenant);
          for (String bad :
              List.of(
                  "{\"encryptions\":0}",
                  "{\"encryptions\":-1}",
                  "{\"encryptions\":1048577}",
                  "{\"encryptions\":\"many\"}",
                  "{\"encryptions\":1.5}",
                  "{\"encryptions\":99999999999999999999999}",
                  "[1]",
                  "not json")) {
            Reply refused = lease(http, agent, bad);
            assertThat(refused.status()).as(bad + " -> " + refused.text()).isEqualTo(400);
            assertThat(refused.json().has("key")).isFalse();
          }
        });
  }

  @Test
  void hostileBodiesAreRefusedAndReserveNothing() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          String agent = agent(tenant);
          for (String bad :
              List.of(
                  "null",
                  "\"x\"",
                  "{\"encryptions\":{\"a\":1}}",
                  "{\"encryptions\":[1]}",
                  "{\"encryptions\":10,\"tenant_id\":\"victim\"}",
                  "{".repeat(5000) + "}".repeat(5000))) {
            Reply refused = lease(http, agent, bad);
            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.json().has("key")).isFalse();
          }
          lease(http, agent, "{\"encryptions\":\"" + "9".repeat(70 * 1024) + "\"}")
              .assertError(413, "payload_too_large");
          assertThat(auditTrail(http, owner)).doesNotContain("lease_data_key:success");
          JsonNode dek = http.get("/api/v1/byok/keys", owner).json().path("dek_versions").get(0);
          assertThat(dek.path("encryptions").asLong()).as("no block reserved").isZero();
        });
  }

  @Test
  void aLeaseIsOfTheCallersTenantOnlyAndItsKeyOpensNothingOfAnother() {
    String acme = EdgeFixture.tenant();
    String globex = EdgeFixture.tenant();
    edge.http(
        http -> {
          edge.active(http, edge.owner(acme));
          edge.active(http, edge.owner(globex));
          JsonNode acmeLease = lease(http, agent(acme), "{}").json();
          JsonNode globexLease = lease(http, agent(globex), "{}").json();
          assertThat(acmeLease.path("tenant_id").asText()).isEqualTo(acme);
          assertThat(globexLease.path("tenant_id").asText()).isEqualTo(globex);
          assertThat(globexLease.path("key").asText()).isNotEqualTo(acmeLease.path("key").asText());
          byte[] theirs =
              Base64.getDecoder()
                  .decode(
                      http.post(
                              "/api/v1/byok/encrypt",
                              agent(globex),
                              "{\"plaintext\":\"" + b64("globex only") + "\"}")
                          .json()
                          .path("ciphertext")
                          .asText());
          DataAead acmeKey =
              DataAead.create(
                  SecretBytes.copyOf(Base64.getDecoder().decode(acmeLease.path("key").asText())),
                  new DekRef(
                      acmeLease.path("dek_id").asText(), acmeLease.path("key_version").asInt()));
          assertThatThrownBy(() -> acmeKey.decrypt(acme, theirs, Map.of()))
              .as("another tenant's ciphertext does not open with this tenant's leased key")
              .isInstanceOf(java.security.GeneralSecurityException.class);
        });
  }

  @Test
  void aSealedTenantGetsNoLeaseAndTheRefusalIsAudited() throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.seal(tenant);
          Reply refused = lease(http, agent(tenant), "{}");
          refused.assertError(503, "tenant_sealed");
          assertThat(refused.retryAfter()).isEqualTo(30);
          assertThat(refused.json().has("key")).isFalse();
          assertThat(auditTrail(http, owner)).first().isEqualTo("lease_data_key:refused");
        });
  }

  @Test
  void aDekWhoseBudgetCannotHoldTheBlockIsRotatedAndTheLeaseRefusedForASecond() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          JsonNode active = http.get("/api/v1/byok/keys", owner).json().path("dek_versions").get(0);
          edge.foldEncryptions(
              tenant,
              active.path("dek_id").asText(),
              active.path("version").asInt(),
              DekUsagePolicy.MAX_ENCRYPTIONS - 10);
          Reply refused = lease(http, agent(tenant), "{\"encryptions\":11}");
          refused.assertError(503, "dek_rotating");
          assertThat(refused.retryAfter()).isEqualTo(1);
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () ->
                      assertThat(
                              http.get("/api/v1/byok/keys", owner)
                                  .json()
                                  .path("active_dek_version")
                                  .asInt())
                          .as("the refusal asked for a new DEK")
                          .isEqualTo(2));
          Reply leased = lease(http, agent(tenant), "{\"encryptions\":11}");
          assertThat(leased.status()).as(leased.text()).isEqualTo(200);
          assertThat(leased.json().path("key_version").asInt()).isEqualTo(2);
        });
  }

  @Test
  void aTenantWithoutByokLeasesItsPlatformManagedDekForAnHour() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          Reply leased = lease(http, agent(tenant), "{}");
          assertThat(leased.status()).as(leased.text()).isEqualTo(200);
          assertThat(leased.json().path("ttl_seconds").asLong()).isEqualTo(3600);
          assertThat(leased.json().path("key_version").asInt()).isEqualTo(1);
          Reply encrypt =
              http.post("/api/v1/byok/encrypt", agent(tenant), "{\"plaintext\":\"AA==\"}");
          assertThat(encrypt.json().path("dek_id").asText())
              .as("the data plane uses the same platform-managed DEK")
              .isEqualTo(leased.json().path("dek_id").asText());
          assertThat(encrypt.json().path("tmk_version").asInt()).isEqualTo(1);
        });
  }
}
