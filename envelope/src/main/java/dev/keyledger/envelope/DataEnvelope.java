package dev.keyledger.envelope;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The binary wire format of a data ciphertext, format version 1. All integers big-endian.
 *
 * <pre>
 * offset   length      field
 * 0        2           magic 0x4B 0x4C ("KL")
 * 2        1           format version 0x01
 * 3        4           DEK version, 1 .. 2^31-1
 * 7        1           n = length of the DEK id, 1 .. 64
 * 8        n           DEK id, UTF-8
 * 8+n      12          nonce, random per encryption
 * 20+n     c+16        AES-256-GCM ciphertext (c = plaintext length, 0 .. 4 MiB) || 16-byte tag
 * </pre>
 *
 * <p>So a ciphertext is between 37 and {@code 100 + 4 MiB} bytes. The associated data is not
 * stored: it is recomputed by {@link DataAead} from the tenant id, the DEK id and version, and the
 * caller's context.
 *
 * <p>Any input that does not parse (wrong magic, unknown format version, a length out of range,
 * truncated or oversized, a DEK id that is not valid UTF-8) fails with the same {@link
 * GeneralSecurityException} "invalid ciphertext" as a failed authentication, so a caller learns
 * nothing from which check failed.
 */
public final class DataEnvelope {
  /** Largest plaintext a single envelope carries: 4 MiB. */
  public static final int MAX_PLAINTEXT_BYTES = 4 * 1024 * 1024;

  static final byte MAGIC_0 = 0x4B;
  static final byte MAGIC_1 = 0x4C;
  static final byte FORMAT_V1 = 0x01;
  static final int FIXED_HEADER_BYTES = 8;
  static final int MIN_BYTES = FIXED_HEADER_BYTES + 1 + AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES;
  static final int MAX_BYTES =
      FIXED_HEADER_BYTES
          + DekRef.MAX_ID_BYTES
          + AesGcm.NONCE_BYTES
          + MAX_PLAINTEXT_BYTES
          + AesGcm.TAG_BYTES;

  private final DekRef dekRef;
  private final int nonceOffset;
  private final int bodyOffset;
  private final int bodyLength;

  private DataEnvelope(DekRef dekRef, int nonceOffset, int bodyOffset, int bodyLength) {
    this.dekRef = dekRef;
    this.nonceOffset = nonceOffset;
    this.bodyOffset = bodyOffset;
    this.bodyLength = bodyLength;
  }

  /**
   * Reads which DEK (id and version) a ciphertext needs, without any key and without decrypting. A
   * successful peek does not mean the ciphertext is authentic.
   *
   * @throws GeneralSecurityException "invalid ciphertext" if the bytes are not a well-formed
   *     envelope
   */
  public static DekRef peekDek(byte[] ciphertext) throws GeneralSecurityException {
    return parse(ciphertext).dekRef;
  }

  /** Magic, format version, DEK version, id length and id: the constant prefix for one DEK. */
  static byte[] header(DekRef dekRef) {
    byte[] id = AadEncoder.utf8(dekRef.id());
    return ByteBuffer.allocate(FIXED_HEADER_BYTES + id.length)
        .put(MAGIC_0)
        .put(MAGIC_1)
        .put(FORMAT_V1)
        .putInt(dekRef.version())
        .put((byte) id.length)
        .put(id)
        .array();
  }

  static DataEnvelope parse(byte[] bytes) throws GeneralSecurityException {
    if (bytes == null
        || bytes.length < MIN_BYTES
        || bytes.length > MAX_BYTES
        || bytes[0] != MAGIC_0
        || bytes[1] != MAGIC_1
        || bytes[2] != FORMAT_V1) {
      throw invalid();
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int version = in.getInt(3);
    int idLength = Byte.toUnsignedInt(bytes[7]);
    int nonceOffset = FIXED_HEADER_BYTES + idLength;
    int bodyOffset = nonceOffset + AesGcm.NONCE_BYTES;
    int bodyLength = bytes.length - bodyOffset;
    if (version < 1
        || idLength < 1
        || idLength > DekRef.MAX_ID_BYTES
        || bodyLength < AesGcm.TAG_BYTES
        || bodyLength > MAX_PLAINTEXT_BYTES + AesGcm.TAG_BYTES) {
      throw invalid();
    }
    try {
      String id =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, FIXED_HEADER_BYTES, idLength))
              .toString();
      return new DataEnvelope(new DekRef(id, version), nonceOffset, bodyOffset, bodyLength);
    } catch (CharacterCodingException | IllegalArgumentException e) {
      throw invalid();
    }
  }

  /**
   * Parses an envelope that must start with {@code expectedHeader} (the {@link #header} of {@code
   * dekRef}): a byte comparison instead of decoding the header, for the decryption path.
   */
  static DataEnvelope parseExpecting(byte[] expectedHeader, DekRef dekRef, byte[] bytes)
      throws GeneralSecurityException {
    int nonceOffset = expectedHeader.length;
    int bodyOffset = nonceOffset + AesGcm.NONCE_BYTES;
    if (bytes == null
        || bytes.length < bodyOffset + AesGcm.TAG_BYTES
        || bytes.length > bodyOffset + MAX_PLAINTEXT_BYTES + AesGcm.TAG_BYTES
        || !Arrays.equals(bytes, 0, nonceOffset, expectedHeader, 0, nonceOffset)) {
      throw invalid();
    }
    return new DataEnvelope(dekRef, nonceOffset, bodyOffset, bytes.length - bodyOffset);
  }

  /**
   * The one error for every unparseable or unauthentic ciphertext; deliberately without a cause.
   */
  static GeneralSecurityException invalid() {
    return new GeneralSecurityException("invalid ciphertext");
  }

  int nonceOffset() {
    return nonceOffset;
  }

  int bodyOffset() {
    return bodyOffset;
  }

  int bodyLength() {
    return bodyLength;
  }
}
