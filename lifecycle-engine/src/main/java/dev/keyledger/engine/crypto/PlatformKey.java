package dev.keyledger.engine.crypto;

import dev.keyledger.envelope.SecretBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Loads the platform's own 32-byte key (the key of {@link PlatformKeyWrapper}) from base64 text: an
 * environment variable ({@value #ENV_VAR}) or a file holding one base64 line.
 *
 * <p>Dev mode uses {@link #loadOrCreate(Path)}: the key lives in {@code <data dir>/}{@value
 * #FILE_NAME}, created with a fresh random key, mode 0600, when absent, and reused across restarts.
 * On POSIX file systems a key file readable or writable by group or others is refused (like {@code
 * ssh} does). Errors never include the key text.
 */
public final class PlatformKey {
  /** Environment variable conventionally holding the base64 platform key. */
  public static final String ENV_VAR = "KEYLEDGER_PLATFORM_KEY";

  /** Name of the key file inside a data directory. */
  public static final String FILE_NAME = "platform.key";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private PlatformKey() {}

  /**
   * Decodes a base64 (standard alphabet) 32-byte key; surrounding whitespace is ignored.
   *
   * @throws IllegalArgumentException if it is not base64 of exactly 32 bytes (the message never
   *     echoes the input)
   */
  public static SecretBytes fromBase64(String encoded) {
    Objects.requireNonNull(encoded, "encoded");
    return decode(ByteBuffer.wrap(encoded.strip().getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * Reads the key from {@code file}.
   *
   * @throws IOException if unreadable, accessible by group or others, or not base64 of 32 bytes
   */
  public static SecretBytes load(Path file) throws IOException {
    checkOwnerOnly(file);
    byte[] raw = Files.readAllBytes(file);
    try {
      int end = raw.length;
      while (end > 0 && Character.isWhitespace(raw[end - 1])) {
        end--;
      }
      return decode(ByteBuffer.wrap(raw, 0, end));
    } catch (IllegalArgumentException e) {
      throw new IOException("platform key file " + file + ": " + e.getMessage());
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Loads {@code dataDir/platform.key}, first creating the directory and a new random key file
   * (mode 0600) if there is none. For dev mode; production passes the key explicitly.
   *
   * @throws IOException if the file cannot be created or read, or is invalid
   */
  public static SecretBytes loadOrCreate(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      try {
        create(file);
      } catch (FileAlreadyExistsException raced) {
        // another process created it between the check and CREATE_NEW: use theirs
      }
    }
    return load(file);
  }

  private static void create(Path file) throws IOException {
    boolean posix =
        Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null;
    FileAttribute<?>[] attrs =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
    SecretBytes key = Keys.newAes256();
    byte[] plain = key.toByteArray();
    byte[] text = Base64.getEncoder().encode(plain);
    Arrays.fill(plain, (byte) 0);
    key.destroy();
    try (FileChannel channel =
        FileChannel.open(
            file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
      if (posix) {
        Files.setPosixFilePermissions(file, OWNER_ONLY); // independent of the umask
      }
      ByteBuffer buffer = ByteBuffer.allocate(text.length + 1).put(text).put((byte) '\n').flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
      Arrays.fill(buffer.array(), (byte) 0);
    } finally {
      Arrays.fill(text, (byte) 0);
    }
  }

  private static void checkOwnerOnly(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view != null && !OWNER_ONLY.containsAll(view.readAttributes().permissions())) {
      throw new IOException(
          "platform key file "
              + file
              + " is accessible by group or others (or executable); run: chmod 600 "
              + file);
    }
  }

  private static SecretBytes decode(ByteBuffer base64) {
    ByteBuffer decoded;
    try {
      decoded = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "platform key is not valid base64"); // no cause: it quotes input
    }
    byte[] key = new byte[decoded.remaining()];
    decoded.get(key);
    Arrays.fill(decoded.array(), (byte) 0);
    if (key.length != Keys.AES_256_BYTES) {
      Arrays.fill(key, (byte) 0);
      throw new IllegalArgumentException(
          "platform key must decode to " + Keys.AES_256_BYTES + " bytes, got " + key.length);
    }
    try {
      return SecretBytes.copyOf(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }
}
