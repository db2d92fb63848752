package dev.keyledger.envelope;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Canonical, unambiguous encoding of associated data.
 *
 * <p>Every field is length-prefixed ({@code u32} big-endian length, then the bytes), strings are
 * strict UTF-8 (a lone surrogate is refused rather than replaced by {@code '?'}), and the first
 * field is a label naming the use ({@code keyledger/data/v1}, {@code keyledger/wrap/v1}), so AAD of
 * one use never equals AAD of another. A map is its entry count followed by key, value pairs sorted
 * by the unsigned bytes of the UTF-8 key (code point order), so {@code {"a":"bc"}} and {@code
 * {"ab":"c"}} encode differently and insertion order never matters.
 *
 * <p>One of KeyLedger's format building blocks: {@link DataAead} builds the data AAD with it and
 * the engine's {@code WrapContext} the key-wrap AAD, so both labels share one encoding. Public for
 * that reuse only; every encoding must start with its own label ({@link #labelled}).
 */
public final class AadEncoder {
  private byte[] buffer = new byte[128];
  private int length;

  private AadEncoder() {}

  /** Starts an encoding whose first field is {@code label}, the name of the use. */
  public static AadEncoder labelled(String label) {
    return new AadEncoder().string(label);
  }

  /** Continues after {@code prefix}, an encoding made earlier by this class. */
  static AadEncoder continuing(byte[] prefix) {
    AadEncoder encoder = new AadEncoder();
    encoder.ensure(prefix.length);
    System.arraycopy(prefix, 0, encoder.buffer, 0, prefix.length);
    encoder.length = prefix.length;
    return encoder;
  }

  /**
   * Appends a length-prefixed strict UTF-8 string.
   *
   * @throws IllegalArgumentException if the string is not valid Unicode
   */
  public AadEncoder string(String value) {
    return bytes(utf8(value));
  }

  AadEncoder bytes(byte[] value) {
    u32(value.length);
    ensure(value.length);
    System.arraycopy(value, 0, buffer, length, value.length);
    length += value.length;
    return this;
  }

  /** Appends a 32-bit big-endian integer. */
  public AadEncoder u32(int value) {
    ensure(4);
    buffer[length++] = (byte) (value >>> 24);
    buffer[length++] = (byte) (value >>> 16);
    buffer[length++] = (byte) (value >>> 8);
    buffer[length++] = (byte) value;
    return this;
  }

  AadEncoder map(Map<String, String> map) {
    List<byte[][]> entries = new ArrayList<>(map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("context keys and values must not be null");
      }
      entries.add(new byte[][] {utf8(e.getKey()), utf8(e.getValue())});
    }
    entries.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    u32(entries.size());
    for (byte[][] e : entries) {
      bytes(e[0]);
      bytes(e[1]);
    }
    return this;
  }

  /** The encoding so far. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, length);
  }

  private void ensure(int more) {
    if (length + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }

  /**
   * Strict UTF-8: a string that is not valid Unicode is refused, never silently replaced.
   *
   * @throws IllegalArgumentException on a lone surrogate
   */
  public static byte[] utf8(String value) {
    utf8Length(value); // validates: getBytes alone would turn a lone surrogate into '?'
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** Length of the UTF-8 encoding, without encoding. */
  static int utf8Length(String value) {
    int length = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("string is not valid Unicode (lone surrogate)");
      } else {
        length += 3;
      }
    }
    return length;
  }
}
