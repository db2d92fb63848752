package dev.keyledger.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HS256 secret that signs and verifies KeyLedger tokens in dev mode.
 *
 * <p>{@link #loadOrCreate(Path)} keeps the secret at {@code <dataDir>/secrets/jwt-hs256.key} (32
 * random bytes, base64, one line). Where the file system is POSIX the directory is 0700 and the
 * file 0600; a file found open to group or others is narrowed to 0600. The same data dir always
 * yields the same secret, so tokens minted by {@code keyledger token} are accepted by a dev
 * instance on that dir and survive restarts. Two processes creating the key at once agree on one
 * secret: the file is written aside and published with an atomic, non-replacing link.
 *
 * <p>The secret bytes never leave this class except into nimbus signers and verifiers, and are
 * never logged; {@link #toString()} shows no key material.
 */
public final class JwtKeys {

  /** Minimum secret length; HS256 needs at least 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(JwtKeys.class);
  private static final Set<PosixFilePermission> OWNER_RW =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_RWX =
      PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] secret;

  private JwtKeys(byte[] secret) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "an HS256 secret needs at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.secret = secret.clone();
  }

  /**
   * Wraps a secret from configuration (production). The array is copied.
   *
   * @throws IllegalArgumentException if shorter than {@link #MIN_SECRET_BYTES}
   */
  public static JwtKeys of(byte[] secret) {
    return new JwtKeys(secret);
  }

  /**
   * Loads the secret under {@code dataDir}, creating it (and the directories) on first use.
   *
   * @throws IOException if the file cannot be read or written, or holds fewer than 32 bytes after
   *     base64 decoding (delete it to mint a new key: every issued token then becomes invalid)
   */
  public static JwtKeys loadOrCreate(Path dataDir) throws IOException {
    Path dir = dataDir.resolve("secrets");
    Path file = dir.resolve("jwt-hs256.key");
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    createPrivateDirectory(dir, posix);
    if (!Files.exists(file)) {
      publishNewSecret(dir, file, posix);
    }
    if (posix && openToGroupOrOthers(file)) {
      LOG.warn("{} was accessible to group or others; narrowed its permissions to 0600", file);
      Files.setPosixFilePermissions(file, OWNER_RW);
    }
    byte[] secret = read(file);
    try {
      return new JwtKeys(secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** A signer for HS256 tokens. */
  public JWSSigner signer() {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 signer rejected a checked secret", e);
    }
  }

  /** A constant-time HS256 signature verifier. */
  public JWSVerifier verifier() {
    try {
      return new MACVerifier(secret);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 verifier rejected a checked secret", e);
    }
  }

  /**
   * A key for another purpose derived from the secret ({@code HMAC-SHA256(secret, purpose)}), so
   * instances that share the secret share it too without the secret itself being reused.
   */
  public byte[] derive(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "JwtKeys[HS256, secret hidden]";
  }

  private static boolean openToGroupOrOthers(Path file) throws IOException {
    return Files.getPosixFilePermissions(file).stream()
        .anyMatch(permission -> !permission.name().startsWith("OWNER_"));
  }

  private static void createPrivateDirectory(Path dir, boolean posix) throws IOException {
    Files.createDirectories(dir.getParent());
    if (posix) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
      // an existing directory keeps its old permissions otherwise
      Files.setPosixFilePermissions(dir, OWNER_RWX);
    } else {
      Files.createDirectories(dir);
    }
  }

  private static void publishNewSecret(Path dir, Path file, boolean posix) throws IOException {
    byte[] secret = new byte[MIN_SECRET_BYTES];
    RANDOM.nextBytes(secret);
    byte[] encoded =
        (Base64.getEncoder().encodeToString(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
    Arrays.fill(secret, (byte) 0);
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
            : new FileAttribute<?>[0];
    Path pending = Files.createTempFile(dir, "jwt-hs256.", ".tmp", attributes);
    try {
      Files.write(pending, encoded);
      Files.createLink(file, pending);
    } catch (FileAlreadyExistsException lostRace) {
      LOG.debug("{} was created concurrently by another process; using that key", file);
    } finally {
      Arrays.fill(encoded, (byte) 0);
      Files.deleteIfExists(pending);
    }
  }

  private static byte[] read(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    try {
      byte[] secret =
          Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).strip());
      if (secret.length < MIN_SECRET_BYTES) {
        throw new IOException(
            file
                + " holds fewer than "
                + MIN_SECRET_BYTES
                + " bytes; delete it to mint a new key (issued tokens become invalid)");
      }
      return secret;
    } catch (IllegalArgumentException notBase64) {
      throw new IOException(
          file + " is not base64; delete it to mint a new key (issued tokens become invalid)");
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }
}
