package dev.keyledger.envelope;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A {@link SecretBytes} lent to one {@code Cipher} as its AES key. The JDK's GCM keeps the array
 * {@link #getEncoded()} handed it as its "last key" (for its IV-reuse check) and never zeroes it;
 * this key zeroes that copy when it hands out the next one and on {@link #close()}, so at most one
 * copy exists and none outlives the cipher's use. A {@code SecretKeySpec} would keep a copy of its
 * own that nothing can zero. Used by one thread at a time (the cipher's borrower).
 */
final class LentAesKey implements SecretKey, AutoCloseable {

  private static final long serialVersionUID = 1L;

  private final transient SecretBytes source;
  private transient byte[] lent;

  LentAesKey(SecretBytes source) {
    this.source = source;
  }

  @Override
  public String getAlgorithm() {
    return "AES";
  }

  @Override
  public String getFormat() {
    return "RAW";
  }

  /**
   * A copy of the key bytes; the copy handed out before is zeroed (the cipher has expanded its own
   * key schedule from it by then).
   *
   * @throws IllegalStateException if the source is destroyed
   */
  @Override
  public byte[] getEncoded() {
    byte[] copy = source.toByteArray();
    close();
    lent = copy;
    return copy;
  }

  /** Zeroes the copy handed out last. */
  @Override
  public void close() {
    if (lent != null) {
      Arrays.fill(lent, (byte) 0);
      lent = null;
    }
  }

  /** Size only, never content. */
  @Override
  public String toString() {
    return "LentAesKey[" + source.size() + " bytes]";
  }

  private void writeObject(ObjectOutputStream out) throws NotSerializableException {
    throw new NotSerializableException("a key is never serialized");
  }
}
