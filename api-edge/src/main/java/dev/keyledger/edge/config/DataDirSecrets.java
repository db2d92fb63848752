package dev.keyledger.edge.config;

import dev.keyledger.engine.crypto.PlatformKey;
import dev.keyledger.envelope.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * Puts the configured secrets where the node reads them: the JWT secret ({@code
 * auth.jwt.secret.file}) at {@code <data.dir>/secrets/jwt-hs256.key}, the external id secret
 * ({@code kms.external.id.secret.file}) at {@code <data.dir>/secrets/external-id-hmac.key} and the
 * platform key ({@code platform.key.file} or {@code platform.key}) at {@code
 * <data.dir>/platform.key}, mode 0600. This is how every instance of a cluster gets the same
 * secrets: the node itself only reads its data dir. A data dir that already holds a different
 * secret is a conflict and fails: switching the platform key would make every TMK wrapped by the
 * old one unreadable, switching the JWT secret invalidates every token. Unset keys leave the data
 * dir alone (the node then creates its own secret on first start). Secret bytes are never logged
 * nor put in messages.
 */
public final class DataDirSecrets {

  /** The name of the external id secret in {@code <data.dir>/secrets/}. */
  public static final String EXTERNAL_ID_SECRET_NAME = "external-id-hmac.key";

  private DataDirSecrets() {}

  /**
   * @throws ConfigException on an invalid secret or a conflict with the data dir
   */
  public static void install(KeyLedgerConfig config) throws IOException {
    Path dataDir = config.dataDir();
    if (config.jwtSecretFile().isPresent()) {
      Setting setting = config.setting(ConfigKey.AUTH_JWT_SECRET_FILE.key()).orElseThrow();
      byte[] secret = decodeSecret(setting, read(setting, config.jwtSecretFile().get()));
      install(setting, secret, dataDir.resolve("secrets").resolve("jwt-hs256.key"));
    }
    if (config.externalIdSecretFile().isPresent()) {
      Setting setting = config.setting(ConfigKey.KMS_EXTERNAL_ID_SECRET_FILE.key()).orElseThrow();
      byte[] secret = decodeSecret(setting, read(setting, config.externalIdSecretFile().get()));
      install(setting, secret, dataDir.resolve("secrets").resolve(EXTERNAL_ID_SECRET_NAME));
    }
    if (config.platformKeyFile().isPresent()) {
      Setting setting = config.setting(ConfigKey.PLATFORM_KEY_FILE.key()).orElseThrow();
      install(
          setting,
          decodePlatformKey(
              setting,
              new String(read(setting, config.platformKeyFile().get()), StandardCharsets.US_ASCII)),
          dataDir.resolve(PlatformKey.FILE_NAME));
    } else if (config.platformKeyText().isPresent()) {
      Setting setting = config.setting(ConfigKey.PLATFORM_KEY.key()).orElseThrow();
      install(
          setting,
          decodePlatformKey(setting, config.platformKeyText().get()),
          dataDir.resolve(PlatformKey.FILE_NAME));
    }
  }

  private static byte[] read(Setting setting, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw ConfigException.invalid(
          setting, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static byte[] decodeSecret(Setting setting, byte[] raw) {
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

  /**
   * Writes base64 of {@code secret} to {@code target} (0600) unless the same secret is already
   * there.
   */
  private static void install(Setting setting, byte[] secret, Path target) throws IOException {
    try {
      if (Files.exists(target)) {
        if (!sameSecret(target, secret)) {
          throw ConfigException.invalid(
              setting,
              "differs from the secret already in "
                  + target
                  + "; remove that file only if losing what it protects is intended");
        }
        return;
      }
      Files.createDirectories(target.getParent());
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      Path pending =
          posix
              ? Files.createTempFile(
                  target.getParent(),
                  target.getFileName() + ".",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
      byte[] text =
          (Base64.getEncoder().encodeToString(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
      try {
        Files.write(pending, text);
        Files.move(pending, target, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Arrays.fill(text, (byte) 0);
        Files.deleteIfExists(pending);
      }
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
