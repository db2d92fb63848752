package dev.keyledger.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.application.Caller;
import dev.keyledger.application.PlatformIdentity;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.node.EdgeServer;
import dev.keyledger.engine.crypto.PlatformKey;
import dev.keyledger.envelope.SecretBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirSecretsTest {

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
  void installsTheJwtSecretWhereTheNodeReadsIt() throws IOException {
    Path secret = secretFile("jwt.key", KEY_B);

    DataDirSecrets.install(config("auth.jwt.secret.file", secret.toString()));

    Path installed = dir.resolve("data/secrets/jwt-hs256.key");
    assertThat(Files.readString(installed).strip()).isEqualTo(KEY_B);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(installed)))
        .isEqualTo("rw-------");
    assertThat(JwtKeys.loadOrCreate(dir.resolve("data"))).isNotNull();
  }

  @Test
  void installsTheExternalIdSecretSoEveryInstanceIssuesTheSameIds() throws IOException {
    Path secret = secretFile("external-id.key", KEY_B);

    DataDirSecrets.install(config("kms.external.id.secret.file", secret.toString()));

    Path installed = dir.resolve("data/secrets/external-id-hmac.key");
    assertThat(Files.readString(installed).strip()).isEqualTo(KEY_B);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(installed)))
        .isEqualTo("rw-------");
    Caller caller = new Caller("admin@acme", "acme", List.of("admin"), null, null);
    String principal = "arn:aws:iam::123456789012:role/keyledger-service";
    PlatformIdentity configured =
        new PlatformIdentity(SecretBytes.copyOf(Base64.getDecoder().decode(KEY_B)), principal);
    assertThat(EdgeServer.platformIdentity(dir.resolve("data"), principal).forTenant(caller))
        .isEqualTo(configured.forTenant(caller));
  }

  @Test
  void installsThePlatformKeyFromTextOrFile() throws IOException {
    DataDirSecrets.install(config("platform.key", KEY_A));
    DataDirSecrets.install(
        config("platform.key.file", secretFile("platform.key", KEY_A).toString()));

    SecretBytes loaded = PlatformKey.load(dir.resolve("data").resolve(PlatformKey.FILE_NAME));
    assertThat(loaded.equalsConstantTime(PlatformKey.fromBase64(KEY_A))).isTrue();
  }

  @Test
  void aDifferentSecretAlreadyInTheDataDirIsAConflict() throws IOException {
    DataDirSecrets.install(config("platform.key", KEY_A));

    assertThatThrownBy(() -> DataDirSecrets.install(config("platform.key", KEY_B)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "platform.key=****** (from flag --set): differs from the secret already in ")
        .hasMessageNotContaining(KEY_B);
  }

  @Test
  void aShortOrMalformedSecretIsRefusedWithoutEchoingIt() throws IOException {
    Path shortSecret = secretFile("short.key", "c2hvcnQ=");

    assertThatThrownBy(
            () -> DataDirSecrets.install(config("auth.jwt.secret.file", shortSecret.toString())))
        .hasMessageEndingWith(
            "the file must hold base64 of at least 32 bytes (openssl rand -base64 32)");
    assertThatThrownBy(() -> DataDirSecrets.install(config("platform.key", "not base64!")))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("not base64!");
  }

  @Test
  void unsetKeysLeaveTheDataDirAlone() throws IOException {
    DataDirSecrets.install(config());

    assertThat(dir.resolve("data")).doesNotExist();
  }
}
