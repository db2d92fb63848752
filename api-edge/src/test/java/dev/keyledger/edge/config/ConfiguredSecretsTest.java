package dev.keyledger.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.application.Caller;
import dev.keyledger.application.PlatformIdentity;
import dev.keyledger.edge.auth.HmacTokenVerifier;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.node.EdgeServer;
import dev.keyledger.edge.node.NodeSecrets;
import dev.keyledger.engine.crypto.PlatformKey;
import dev.keyledger.envelope.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfiguredSecretsTest {

  private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String KEY_B =
      Base64.getEncoder().encodeToString("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb".getBytes());

  @TempDir Path dir;

  private KeyLedgerConfig config(String... sets) {
    List<Setting> flags =
        new java.util.ArrayList<>(
            List.of(Setting.flag("data.dir", dir.resolve("data").toString(), "--data-dir")));
    for (int i = 0; i < sets.length; i += 2) {
      flags.add(Setting.flag(sets[i], sets[i + 1], "--set"));
    }
    return KeyLedgerConfig.load(
        null,
        Map.of(
            "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS", "b:9092", "KEYLEDGER_AUTH_MODE", "shared-secret"),
        flags);
  }

  private Path secretFile(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content + "\n");
    return file;
  }

  @Test
  void theExternalIdSecretIsReadIntoMemorySoEveryInstanceIssuesTheSameIds() throws Exception {
    Path secret = secretFile("external-id.key", KEY_B);

    NodeSecrets secrets =
        ConfiguredSecrets.load(config("kms.external.id.secret.file", secret.toString()));

    assertThat(dir.resolve("data")).doesNotExist();
    Caller caller = new Caller("admin@acme", "acme", List.of("admin"), null, null);
    String principal = "arn:aws:iam::123456789012:role/keyledger-service";
    PlatformIdentity expected =
        new PlatformIdentity(SecretBytes.copyOf(Base64.getDecoder().decode(KEY_B)), principal);
    assertThat(
            EdgeServer.platformIdentity(dir.resolve("data"), secrets.externalIdSecret(), principal)
                .forTenant(caller))
        .isEqualTo(expected.forTenant(caller));
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void anExternalIdSecretOtherThanTheOneInTheDataDirIsRefused() throws Exception {
    Path inDataDir = dir.resolve("data/secrets/" + EdgeServer.EXTERNAL_ID_SECRET_FILE);
    Files.createDirectories(inDataDir.getParent());
    Files.writeString(inDataDir, KEY_A + "\n");
    Path secret = secretFile("external-id.key", KEY_B);

    assertThatThrownBy(
            () -> ConfiguredSecrets.load(config("kms.external.id.secret.file", secret.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("differs from the secret already in")
        .hasMessageNotContaining(KEY_B);
  }

  @Test
  void theJwtSecretIsReadIntoMemoryAndNotCopiedIntoTheDataDir() throws Exception {
    byte[] raw = "cccccccccccccccccccccccccccccccc".getBytes(StandardCharsets.US_ASCII);
    Path secret = secretFile("jwt.key", Base64.getEncoder().encodeToString(raw));

    NodeSecrets secrets = ConfiguredSecrets.load(config("auth.jwt.secret.file", secret.toString()));

    TokenIssuer issuer = new TokenIssuer(JwtKeys.of(raw), Clock.systemUTC());
    String token =
        issuer.issueAccess(new Principal("a", "acme", Set.of(Role.OWNER)), Duration.ofMinutes(5));
    assertThat(
            HmacTokenVerifier.forDev(secrets.jwt().orElseThrow(), Clock.systemUTC())
                .verifyAccess(token)
                .org())
        .isEqualTo("acme");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void thePlatformKeyIsReadFromTextOrFileAndNotCopiedIntoTheDataDir() throws IOException {
    NodeSecrets fromText = ConfiguredSecrets.load(config("platform.key", KEY_A));
    NodeSecrets fromFile =
        ConfiguredSecrets.load(
            config("platform.key.file", secretFile("platform.key", KEY_A).toString()));

    assertThat(
            fromText.platformKey().orElseThrow().equalsConstantTime(PlatformKey.fromBase64(KEY_A)))
        .isTrue();
    assertThat(
            fromFile.platformKey().orElseThrow().equalsConstantTime(PlatformKey.fromBase64(KEY_A)))
        .isTrue();
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aDifferentSecretAlreadyInTheDataDirIsAConflictTheSameOneIsNot() throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data").resolve(PlatformKey.FILE_NAME), KEY_A + "\n");

    assertThat(ConfiguredSecrets.load(config("platform.key", KEY_A)).platformKey()).isPresent();
    assertThatThrownBy(() -> ConfiguredSecrets.load(config("platform.key", KEY_B)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "platform.key=****** (from flag --set): differs from the secret already in ")
        .hasMessageNotContaining(KEY_B);
  }

  @Test
  void aShortOrMalformedSecretIsRefusedWithoutEchoingIt() throws IOException {
    Path shortSecret = secretFile("short.key", "c2hvcnQ=");

    assertThatThrownBy(
            () -> ConfiguredSecrets.load(config("auth.jwt.secret.file", shortSecret.toString())))
        .hasMessageEndingWith(
            "the file must hold base64 of at least 32 bytes (openssl rand -base64 32)");
    assertThatThrownBy(() -> ConfiguredSecrets.load(config("platform.key", "not base64!")))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("not base64!");
  }

  @Test
  void unsetKeysLeaveTheSecretsToTheDataDir() throws IOException {
    assertThat(ConfiguredSecrets.load(config())).isEqualTo(NodeSecrets.FROM_DATA_DIR);
    assertThat(dir.resolve("data")).doesNotExist();
  }
}
