package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One test per way bad input used to reach a 500 or to be taken silently changed: each failed
 * before its fix. The property test ({@link HostileInputPropertyTest}) looks for more.
 */
class HostileInputRoutesTest {

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

  @Test
  void aCharsetTheServerCannotDecodeIs415NotA500() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.token(tenant, "owner@" + tenant, Role.OWNER, Role.AGENT);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          for (String contentType :
              new String[] {
                "application/json; charset=foo",
                "application/json; charset=@@",
                "application/json; charset="
              }) {
            for (String[] call :
                new String[][] {
                  {"/api/v1/byok/keys", "{\"key_arn\":\"x\"}"},
                  {"/api/v1/byok/keys/rotate", ""},
                  {"/api/v1/byok/encrypt", "{\"plaintext\":\"eA==\"}"}
                }) {
              http.raw(
                      call[0],
                      Map.of("Authorization", "Bearer " + owner, "Content-Type", contentType),
                      b -> b.post(HttpRequest.BodyPublishers.ofString(call[1])))
                  .assertError(415, "unsupported_media_type");
            }
          }
          assertThat(EdgeFixture.auditTrail(http, owner))
              .as("no rotation was made")
              .noneMatch(e -> e.startsWith("rotate"));
        });
  }

  @Test
  void aBodyThatEndsBeforeItsDeclaredLengthOrWithBrokenChunksIs400() {
    String owner = edge.owner(EdgeFixture.tenant());
    edge.http(
        http -> {
          for (String framing :
              new String[] {
                "Content-Length: 40\r\n\r\n{\"rotation_type\":",
                "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\""
              }) {
            Reply reply =
                http.rawBytes(
                    ("POST /api/v1/byok/keys/rotate HTTP/1.1\r\nHost: "
                            + http.host()
                            + "\r\nAuthorization: Bearer "
                            + owner
                            + "\r\nContent-Type: application/json\r\nConnection: close\r\n"
                            + framing)
                        .getBytes(StandardCharsets.US_ASCII));
            assertSpecError(reply, 400, "invalid_request");
          }
          http.get("/api/v1/byok/keys", owner).assertError(404, "no_byok_key");
        });
  }

  @Test
  void textThatIsNotValidUnicodeIsRefusedNotStoredChanged() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.registered(http, owner);
          ByteArrayOutputStream notUtf8 = new ByteArrayOutputStream();
          notUtf8.writeBytes(
              "{\"acknowledged\":true,\"acknowledged_by\":\"a".getBytes(StandardCharsets.UTF_8));
          notUtf8.write(0xff);
          notUtf8.writeBytes("b\"}".getBytes(StandardCharsets.UTF_8));
          http.raw(
                  "/api/v1/byok/legal-waiver",
                  Map.of("Authorization", "Bearer " + owner, "Content-Type", "application/json"),
                  b -> b.post(HttpRequest.BodyPublishers.ofByteArray(notUtf8.toByteArray())))
              .assertError(400, "invalid_request");
          JsonNode loneSurrogate =
              http.post(
                      "/api/v1/byok/legal-waiver",
                      owner,
                      "{\"acknowledged\":true,\"acknowledged_by\":\"\\ud800\"}")
                  .assertError(400, "invalid_request");
          assertThat(loneSurrogate.path("message").asText()).contains("acknowledged_by");
          http.post(
                  "/api/v1/byok/keys",
                  owner,
                  "{\"key_arn\":\"x\",\"description\":{\"\\udc00\":\"k\"}}")
              .assertError(400, "invalid_request");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .as("nothing was acknowledged in a mangled name")
              .isEqualTo("pending_waiver");
        });
  }

  @Test
  void aDuplicateKeyIsRefusedNotTheLastOneWins() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.token(tenant, "owner@" + tenant, Role.OWNER, Role.AGENT);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.registered(http, owner);
          JsonNode error =
              http.post(
                      "/api/v1/byok/legal-waiver",
                      owner,
                      "{\"acknowledged\":false,\"acknowledged_by\":\"a@b.c\",\"acknowledged\":true}")
                  .assertError(400, "invalid_request");
          assertThat(error.path("message").asText())
              .contains("duplicate key")
              .contains("acknowledged");
          http.post(
                  "/admin/tenant-kms",
                  owner,
                  "{\"provider\":\"aws\",\"kms_key_ref\":\"x\",\"config\":{\"region\":\"us-east-1\","
                      + "\"region\":\"eu-west-1\",\"role_arn\":\"arn:aws:iam::111122223333:role/R\"}}")
              .assertError(400, "invalid_request");
          http.post(
                  "/api/v1/byok/encrypt",
                  owner,
                  "{\"plaintext\":\"eA==\",\"context\":{\"k\":\"a\",\"k\":\"b\"}}")
              .assertError(400, "invalid_request");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("pending_waiver");
        });
  }

  @Test
  void aFieldTakesOnlyItsOwnJsonTypeNotACoercedOne() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.registered(http, owner);
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":1,\"acknowledged_by\":\"a@b.c\"}")
              .assertError(400, "invalid_request");
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":\"true\",\"acknowledged_by\":\"a@b.c\"}")
              .assertError(400, "invalid_request");
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":true,\"acknowledged_by\":12345}")
              .assertError(400, "invalid_request");
          http.post(
                  "/api/v1/byok/data-keys",
                  edge.token(tenant, "svc@" + tenant, Role.AGENT),
                  "{\"encryptions\":\"5\"}")
              .assertError(400, "invalid_request");
          http.post("/api/v1/byok/encrypt", owner, "{\"plaintext\":\"eA==\",\"context\":{\"k\":1}}")
              .assertError(400, "invalid_request");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .as("nothing was acknowledged")
              .isEqualTo("pending_waiver");
        });
  }

  @Test
  void termListsHoldStringsOnlyAndAtMost32() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String platform = edge.token("platform-ops", "ops@platform", Role.PLATFORM);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.registered(http, owner);
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\",\"acknowledged_terms\":[null]}")
              .assertError(400, "invalid_request");
          String version = UUID.randomUUID().toString();
          String waiver =
              "{\"waiver_version\":\""
                  + version
                  + "\",\"effective_date\":\"2027-01-01\",\"title\":\"t\",\"content\":\"c\",\"terms\":";
          http.put("/admin/legal-waiver", platform, waiver + "[\"a\",null]}")
              .assertError(400, "invalid_request");
          http.put("/admin/legal-waiver", platform, waiver + "[" + "\"t\",".repeat(32) + "\"t\"]}")
              .assertError(400, "invalid_request");
          assertThat(
                  http.get("/api/v1/byok/legal-waiver", owner)
                      .json()
                      .path("waiver_version")
                      .asText())
              .as("nothing was published")
              .isNotEqualTo(version);
        });
  }

  @Test
  void aContextOverTheEnvelopesLimitsIs400OnEncryptAndDecrypt() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          String ciphertext = DataPlaneRoutesTest.ciphertext(http, owner, "x");
          for (String context :
              new String[] {
                "{\"k\":\"" + "\u00e9".repeat(1000) + "\"}", // 1,000 characters, 2,000 bytes
                "{\"" + "\u00e9".repeat(600) + "\":\"v\"}",
                "{\"\":\"v\"}",
                "{\"k\":\"\\ud800\"}"
              }) {
            JsonNode error =
                DataPlaneRoutesTest.encrypt(http, owner, "x", context)
                    .assertError(400, "invalid_request");
            assertThat(error.path("message").asText()).startsWith("Invalid context");
            DataPlaneRoutesTest.decrypt(http, owner, ciphertext, context)
                .assertError(400, "invalid_request");
          }
        });
  }

  @Test
  void aPlaintextOver4MiBIs413() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          String plaintext =
              Base64.getEncoder().encodeToString(new byte[4 * 1024 * 1024 + 1]); // fits 6 MiB
          JsonNode error =
              http.post("/api/v1/byok/encrypt", owner, "{\"plaintext\":\"" + plaintext + "\"}")
                  .assertError(413, "payload_too_large");
          assertThat(error.path("message").asText()).contains("4194304");
        });
  }

  @Test
  void anArnOver2048CharactersIsRefusedByLength() {
    String owner = edge.owner(EdgeFixture.tenant());
    edge.http(
        http -> {
          String overlong = "arn:aws:kms:us-east-1:111122223333:key/" + "a".repeat(2048);
          JsonNode error =
              http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + overlong + "\"}")
                  .assertError(400, "invalid_arn", "BYOK_001");
          assertThat(error.path("message").asText()).contains("longer than 2048 characters");
        });
  }

  @Test
  void whatJettyRefusesBeforeTheRoutesGetsTheSpecErrorBodyAndNeverA5xx() {
    edge.http(
        http -> {
          String host = "Host: " + http.host() + "\r\n";
          Map<String, Integer> requests =
              Map.of(
                  "GET /healthz HTTP/1.2\r\n" + host + "\r\n", 400,
                  "GET /healthz HTTP/0.9\r\n" + host + "\r\n", 400,
                  "GET /api/v1/byok/%zz HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", 400,
                  "GET /healthz HTTP/1.1\r\n" + host + "Bad Header\r\n\r\n", 400,
                  "GET /healthz HTTP/1.1\r\n" + host + host + "\r\n", 400,
                  "GET /healthz?" + "a".repeat(40_000) + " HTTP/1.1\r\n" + host + "\r\n", 414,
                  "GET /healthz HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(40_000) + "\r\n\r\n",
                      431,
                  "GET /healthz HTTP/1.1\r\n" + host + "Expect: nothing\r\n\r\n", 417);
          for (Map.Entry<String, Integer> r : requests.entrySet()) {
            Reply reply = http.rawBytes(r.getKey().getBytes(StandardCharsets.ISO_8859_1));
            assertThat(reply.status()).as(r.getKey()).isEqualTo(r.getValue());
            assertSpecError(reply, r.getValue(), reply.errorType());
          }
          assertThat(http.get("/healthz", null).status()).isEqualTo(200);
        });
  }

  @Test
  void jsonOverTheNestingLimitIsRefusedByTheReader() {
    String owner = edge.owner(EdgeFixture.tenant());
    edge.http(
        http -> {
          JsonNode error =
              http.post("/api/v1/byok/keys/rotate", owner, "[".repeat(33) + "]".repeat(33))
                  .assertError(400, "invalid_request");
          assertThat(error.path("message").asText()).contains("JSON limit");
          http.post(
                  "/api/v1/byok/data-keys",
                  edge.token(EdgeFixture.tenant(), "svc", Role.AGENT),
                  "{\"encryptions\":" + "9".repeat(101) + "}")
              .assertError(400, "invalid_request");
        });
  }

  /** A raw answer's SPEC error body: JSON, the status, a type, a message, the request id. */
  private static void assertSpecError(Reply reply, int status, String type) {
    assertThat(reply.header("Content-Type")).as(reply.text()).startsWith("application/json");
    reply.assertError(status, type);
  }
}
