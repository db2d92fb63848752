package dev.keyledger.edge.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A random secret an instance keeps in its data dir ({@code <dataDir>/secrets/<name>}: 32 random
 * bytes, base64, one line), created on first use. Where the file system is POSIX the directory is
 * 0700 and the file 0600; a file found open to group or others is narrowed to 0600. Two processes
 * creating the secret at once agree on one: the file is written aside and published with an atomic,
 * non-replacing link. The bytes are never logged nor put in messages.
 */
public final class SecretFile {

  /** The length of a new secret, and the least an existing file must hold. */
  public static final int SECRET_BYTES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(SecretFile.class);
  private static final Set<PosixFilePermission> OWNER_RW =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_RWX =
      PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretFile() {}

  /**
   * The secret in {@code <dataDir>/secrets/<name>}, created (with the directories) on first use;
   * the caller zeroes the array.
   *
   * @param lost what deleting the file loses, named in the error of an unreadable file
   * @throws IOException if the file cannot be read or written, or holds fewer than {@link
   *     #SECRET_BYTES} bytes after base64 decoding
   */
  public static byte[] loadOrCreate(Path dataDir, String name, String lost) throws IOException {
    Path dir = dataDir.resolve("secrets");
    Path file = dir.resolve(name);
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    createPrivateDirectory(dir, posix);
    if (!Files.exists(file)) {
      publishNewSecret(dir, file, posix);
    }
    if (posix && openToGroupOrOthers(file)) {
      LOG.warn("{} was accessible to group or others; narrowed its permissions to 0600", file);
      Files.setPosixFilePermissions(file, OWNER_RW);
    }
    return read(file, lost);
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
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    byte[] encoded =
        (Base64.getEncoder().encodeToString(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
    Arrays.fill(secret, (byte) 0);
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
            : new FileAttribute<?>[0];
    Path pending = Files.createTempFile(dir, file.getFileName() + ".", ".tmp", attributes);
    try {
      Files.write(pending, encoded);
      Files.createLink(file, pending);
    } catch (FileAlreadyExistsException lostRace) {
      LOG.debug("{} was created concurrently by another process; using that secret", file);
    } finally {
      Arrays.fill(encoded, (byte) 0);
      Files.deleteIfExists(pending);
    }
  }

  private static byte[] read(Path file, String lost) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    try {
      byte[] secret =
          Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).strip());
      if (secret.length < SECRET_BYTES) {
        Arrays.fill(secret, (byte) 0);
        throw new IOException(
            file
                + " holds fewer than "
                + SECRET_BYTES
                + " bytes; delete it to mint a new secret ("
                + lost
                + ")");
      }
      return secret;
    } catch (IllegalArgumentException notBase64) {
      throw new IOException(file + " is not base64; delete it to mint a new secret (" + lost + ")");
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }
}
