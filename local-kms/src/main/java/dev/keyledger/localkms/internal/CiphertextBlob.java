package dev.keyledger.localkms.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The emulator's KMS ciphertext format, version 1:
 *
 * <pre>
 *   magic      2 bytes  "LK"
 *   version    1 byte   0x01
 *   arnLength  2 bytes  big-endian, 1..2048
 *   keyArn     arnLength bytes, UTF-8 (the KMS key that encrypted)
 *   iv         12 bytes, random
 *   body       AES-256-GCM ciphertext followed by its 16-byte tag
 * </pre>
 *
 * The GCM additional data is the header (magic through keyArn) followed by the canonical encryption
 * context, so a changed key ARN, context or byte fails authentication. Every parse or
 * authentication failure is the same {@code InvalidCiphertextException}.
 */
public final class CiphertextBlob {
  private static final byte[] MAGIC = {'L', 'K'};
  private static final byte VERSION = 1;
  private static final int IV_LENGTH = 12;
  private static final int TAG_BITS = 128;
  private static final int MAX_ARN_LENGTH = 2048;

  /** Largest blob KMS accepts. */
  public static final int MAX_LENGTH = 6144;

  private final String keyArn;
  private final byte[] header;
  private final byte[] iv;
  private final byte[] body;

  private CiphertextBlob(String keyArn, byte[] header, byte[] iv, byte[] body) {
    this.keyArn = keyArn;
    this.header = header;
    this.iv = iv;
    this.body = body;
  }

  /**
   * Encrypts {@code plaintext} under {@code material}, bound to {@code keyArn} and {@code context}.
   */
  public static byte[] seal(
      String keyArn, KeyMaterial material, byte[] plaintext, EncryptionContext context) {
    byte[] arn = keyArn.getBytes(StandardCharsets.UTF_8);
    byte[] header =
        ByteBuffer.allocate(5 + arn.length)
            .put(MAGIC)
            .put(VERSION)
            .putShort((short) arn.length)
            .put(arn)
            .array();
    byte[] iv = CredentialStore.randomBytes(IV_LENGTH);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, material.aesKey(), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(header);
      cipher.updateAAD(context.canonicalBytes());
      byte[] body = cipher.doFinal(plaintext);
      return ByteBuffer.allocate(header.length + IV_LENGTH + body.length)
          .put(header)
          .put(iv)
          .put(body)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** Reads the header; any malformed input is an {@code InvalidCiphertextException}. */
  public static CiphertextBlob parse(byte[] blob) {
    if (blob == null
        || blob.length < 5 + 1 + IV_LENGTH + TAG_BITS / 8
        || blob.length > MAX_LENGTH
        || blob[0] != MAGIC[0]
        || blob[1] != MAGIC[1]
        || blob[2] != VERSION) {
      throw AwsErrors.invalidCiphertext();
    }
    int arnLength = ((blob[3] & 0xff) << 8) | (blob[4] & 0xff);
    int headerLength = 5 + arnLength;
    if (arnLength < 1
        || arnLength > MAX_ARN_LENGTH
        || blob.length < headerLength + IV_LENGTH + TAG_BITS / 8) {
      throw AwsErrors.invalidCiphertext();
    }
    String keyArn = new String(blob, 5, arnLength, StandardCharsets.UTF_8);
    return new CiphertextBlob(
        keyArn,
        Arrays.copyOfRange(blob, 0, headerLength),
        Arrays.copyOfRange(blob, headerLength, headerLength + IV_LENGTH),
        Arrays.copyOfRange(blob, headerLength + IV_LENGTH, blob.length));
  }

  /** The ARN of the key that produced this blob (not yet authenticated). */
  public String keyArn() {
    return keyArn;
  }

  /**
   * Authenticates and decrypts; a wrong key, context or any altered byte is an {@code
   * InvalidCiphertextException}.
   */
  public byte[] open(KeyMaterial material, EncryptionContext context) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, material.aesKey(), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(header);
      cipher.updateAAD(context.canonicalBytes());
      return cipher.doFinal(body);
    } catch (javax.crypto.AEADBadTagException e) {
      throw AwsErrors.invalidCiphertext();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }
}
