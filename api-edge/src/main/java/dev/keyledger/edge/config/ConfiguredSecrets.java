package dev.keyledger.edge.config;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.node.EdgeServer;
import dev.keyledger.edge.node.NodeSecrets;
import dev.keyledger.engine.crypto.PlatformKey;
import dev.keyledger.envelope.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the configured secrets into memory for the node: the JWT secret ({@code
 * auth.jwt.secret.file}), the external id secret ({@code kms.external.id.secret.file}) and the
 * platform key ({@code platform.key.file} or {@code platform.key}). Nothing is written to the data
 * dir: a secret exists where the operator keeps it (a mounted secret, the environment) and in the
 * process. A data dir that already holds a different secret (created there by an instance started
 * without it configured, or installed by an earlier version) is a conflict and fails: switching the
 * platform key would make every TMK wrapped by the old one unreadable, switching the JWT secret
 * invalidates every token. Unset keys are read from (or created in) the data dir by the node, as in
 * dev mode. Secret bytes are never logged nor put in messages.
 */
public final class ConfiguredSecrets {

  private ConfiguredSecrets() {}

  /**
   * @throws ConfigException on an invalid secret or a conflict with the data dir
   */
  public static NodeSecrets load(KeyLedgerConfig config) throws IOException {
    Path dataDir = config.dataDir();
    Optional<JwtKeys> jwt = Optional.empty();
    if (config.jwtSecretFile().isPresent()) {
      Setting setting = config.setting(ConfigKey.AUTH_JWT_SECRET_FILE.key()).orElseThrow();
      byte[] secret = decodeJwtSecret(setting, read(setting, config.jwtSecretFile().get()));
      try {
        requireNoOther(setting, secret, dataDir.resolve("secrets").resolve("jwt-hs256.key"));
        jwt = Optional.of(JwtKeys.of(secret));
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }
    Optional<SecretBytes> externalId = Optional.empty();
    if (config.externalIdSecretFile().isPresent()) {
      Setting setting = config.setting(ConfigKey.KMS_EXTERNAL_ID_SECRET_FILE.key()).orElseThrow();
      byte[] secret = decodeJwtSecret(setting, read(setting, config.externalIdSecretFile().get()));
      try {
        requireNoOther(
            setting,
            secret,
            dataDir.resolve("secrets").resolve(EdgeServer.EXTERNAL_ID_SECRET_FILE));
        externalId = Optional.of(SecretBytes.copyOf(secret));
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }
    byte[] platform = null;
    Setting platformSetting = null;
    if (config.platformKeyFile().isPresent()) {
      platformSetting = config.setting(ConfigKey.PLATFORM_KEY_FILE.key()).orElseThrow();
      platform =
          decodePlatformKey(
              platformSetting,
              new String(
                  read(platformSetting, config.platformKeyFile().get()),
                  StandardCharsets.US_ASCII));
    } else if (config.platformKeyText().isPresent()) {
      platformSetting = config.setting(ConfigKey.PLATFORM_KEY.key()).orElseThrow();
      platform = decodePlatformKey(platformSetting, config.platformKeyText().get());
    }
    Optional<SecretBytes> platformKey = Optional.empty();
    if (platform != null) {
      try {
        requireNoOther(platformSetting, platform, dataDir.resolve(PlatformKey.FILE_NAME));
        platformKey = Optional.of(SecretBytes.copyOf(platform));
      } finally {
        Arrays.fill(platform, (byte) 0);
      }
    }
    return new NodeSecrets(jwt, platformKey, externalId);
  }

  private static byte[] read(Setting setting, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw ConfigException.invalid(
          setting, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static byte[] decodeJwtSecret(Setting setting, byte[] raw) {
    try {
      byte[] secret =
          Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).strip());
      if (secret.length < 32) {
        throw ConfigException.invalid(
            setting, "the file must hold base64 of at least 32 bytes (openssl rand -base64 32)");
      }
      return secret;
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(
          setting, "the file is not base64 (make one with: openssl rand -base64 32)");
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static byte[] decodePlatformKey(Setting setting, String base64) {
    SecretBytes key;
    try {
      key = PlatformKey.fromBase64(base64);
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(
          setting, e.getMessage() + " (make one with: openssl rand -base64 32)");
    }
    try {
      return key.toByteArray();
    } finally {
      key.destroy();
    }
  }

  private static boolean sameSecret(Path file, byte[] secret) throws IOException {
    byte[] present;
    try {
      present =
          Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean same = MessageDigest.isEqual(present, secret);
    Arrays.fill(present, (byte) 0);
    return same;
  }

  /** Refuses a secret in the data dir that differs from the configured one. */
  private static void requireNoOther(Setting setting, byte[] secret, Path inDataDir)
      throws IOException {
    if (Files.exists(inDataDir) && !sameSecret(inDataDir, secret)) {
      throw ConfigException.invalid(
          setting,
          "differs from the secret already in "
              + inDataDir
              + "; remove that file only if losing what it protects is intended");
    }
  }
}
