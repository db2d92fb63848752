package dev.keyledger.benchmarks.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Secrets stay secret, checked where they could leak: a dev node ({@code keyledger.jar dev}, a JVM
 * of its own, packaged earlier in the same build) runs a whole scenario (register a CMK,
 * acknowledge the waiver, encrypt and decrypt, DEK and master rotation, lease a data key, which
 * hands over one DEK's plaintext), is stopped cleanly so that every store is flushed, and then
 * every line it printed and every file under its data dir (the broker's logs, the Streams state
 * stores, the KMS emulator's state) is scanned for the DEK's plaintext, the plaintexts encrypted,
 * every token used and the platform key, raw and in base64, base64url and hex. Only the two
 * documented secret files are skipped: {@code secrets/jwt-hs256.key} and {@code platform.key}.
 */
class SecretsScanIT {

  private static final Path JAR = Path.of("../api-edge/target/keyledger.jar");
  private static final String TENANT = "scan-tenant";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void noKeyPlaintextTokenOrPlatformKeyIsInTheNodesOutputOrDataDir() throws Exception {
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    Path dataDir;
    try (DevNodeProcess node = DevNodeProcess.start(JAR, List.of("-Xmx512m"));
        TenantSetup setup = new TenantSetup(node)) {
      dataDir = node.nodeDataDir().getParent();
      TokenIssuer issuer =
          new TokenIssuer(JwtKeys.loadOrCreate(node.nodeDataDir()), Clock.systemUTC());
      String owner =
          issuer.issueAccess(new Principal("owner@" + TENANT, TENANT, EnumSet.of(Role.OWNER)));
      String agent =
          issuer.issueAccess(new Principal("svc@" + TENANT, TENANT, EnumSet.of(Role.AGENT)));
      String stepUp =
          issuer.issueStepUp(new Principal("owner@" + TENANT, TENANT, EnumSet.of(Role.OWNER)));
      secrets.put("owner token", owner.getBytes(StandardCharsets.US_ASCII));
      secrets.put("agent token", agent.getBytes(StandardCharsets.US_ASCII));
      secrets.put("step-up token", stepUp.getBytes(StandardCharsets.US_ASCII));

      setup.onboard(TENANT);
      String hostPort = setup.hostPort();
      try (HttpConnection http = setup.connection()) {
        for (int i = 0; i < 3; i++) {
          byte[] plaintext = new byte[48];
          new SecureRandom().nextBytes(plaintext);
          secrets.put("plaintext " + i, plaintext);
          String b64 = Base64.getEncoder().encodeToString(plaintext);
          JsonNode sealed =
              call(
                  setup,
                  http,
                  HttpRequest.postJson(
                      hostPort,
                      "/api/v1/byok/encrypt",
                      agent,
                      "{\"plaintext\":\"" + b64 + "\",\"context\":{\"t\":\"scan\"}}"));
          JsonNode opened =
              call(
                  setup,
                  http,
                  HttpRequest.postJson(
                      hostPort,
                      "/api/v1/byok/decrypt",
                      agent,
                      "{\"ciphertext\":\""
                          + sealed.get("ciphertext").asText()
                          + "\",\"context\":{\"t\":\"scan\"}}"));
          assertThat(opened.get("plaintext").asText()).isEqualTo(b64);
          String type = i == 1 ? "master" : "dek";
          call(
              setup,
              http,
              HttpRequest.postJson(
                  hostPort,
                  "/api/v1/byok/keys/rotate",
                  owner,
                  "{\"rotation_type\":\"" + type + "\",\"reason\":\"scan\"}"));
        }
        JsonNode lease =
            call(
                setup,
                http,
                HttpRequest.postJson(
                    hostPort, "/api/v1/byok/data-keys", agent, "{\"encryptions\":10}"));
        byte[] dek = Base64.getDecoder().decode(lease.get("key").asText());
        assertThat(dek).hasSize(32);
        secrets.put("leased DEK " + lease.get("dek_id").asText(), dek);
      }
      secrets.put(
          "platform key",
          Base64.getDecoder()
              .decode(Files.readString(node.nodeDataDir().resolve("platform.key")).strip()));
      // A clean stop flushes every store and log to disk before the scan.
      ProcessHandle process = ProcessHandle.of(node.pid()).orElseThrow();
      process.destroy();
      process.onExit().get(60, TimeUnit.SECONDS);

      List<Path> skipped =
          List.of(
              node.nodeDataDir().resolve("secrets").resolve("jwt-hs256.key"),
              node.nodeDataDir().resolve("platform.key"));
      List<String> found = new ArrayList<>();
      List<String> control = new ArrayList<>();
      long scanned = 0;
      try (Stream<Path> files = Files.walk(dataDir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          if (skipped.contains(file)) {
            continue;
          }
          // Latin-1 maps each byte to one char, so String.indexOf is a byte search.
          String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
          scanned += content.length();
          if (content.contains(TENANT)) {
            control.add(dataDir.relativize(file).toString());
          }
          secrets.forEach(
              (name, secret) -> {
                for (var form : forms(secret).entrySet()) {
                  if (content.contains(form.getValue())) {
                    found.add(name + " (" + form.getKey() + ") in " + dataDir.relativize(file));
                  }
                }
              });
        }
      }
      assertThat(Files.readString(dataDir.resolve("node.log")))
          .contains("KeyLedger dev mode ready");
      // The scan reads what it must: the tenant's id is found in the broker's event log segments.
      assertThat(control).anyMatch(f -> f.matches("node/kafka/keyledger\\.events-\\d+/.*\\.log"));
      assertThat(scanned).as("bytes scanned").isPositive();
      assertThat(found).isEmpty();
    }
  }

  private static JsonNode call(TenantSetup setup, HttpConnection http, HttpRequest request)
      throws IOException {
    return JSON.readTree(setup.expect(http, request, 200));
  }

  /**
   * The ways a secret could be written (raw, base64, base64url without padding, hex), as Latin-1.
   */
  private static Map<String, String> forms(byte[] secret) {
    Map<String, String> forms = new LinkedHashMap<>();
    forms.put("raw", new String(secret, StandardCharsets.ISO_8859_1));
    forms.put("base64", Base64.getEncoder().encodeToString(secret));
    forms.put("base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    forms.put("hex", HexFormat.of().formatHex(secret));
    return forms;
  }
}
