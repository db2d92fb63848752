package dev.keyledger.localkms.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A KMS encryption context: string pairs bound to a ciphertext as additional authenticated data.
 * The canonical form sorts pairs by key (UTF-8 byte order, so the client's map order never matters)
 * and writes each key and value as a 2-byte big-endian length followed by its UTF-8 bytes.
 */
public final class EncryptionContext {
  private static final int MAX_BYTES = 8192;

  private final TreeMap<String, String> pairs;

  private EncryptionContext(Map<String, String> pairs) {
    this.pairs = new TreeMap<>(EncryptionContext::compareUtf8);
    this.pairs.putAll(pairs);
  }

  public static EncryptionContext of(Map<String, String> pairs) {
    EncryptionContext ctx = new EncryptionContext(pairs);
    if (ctx.canonicalBytes().length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "Encryption context is larger than " + MAX_BYTES + " bytes");
    }
    return ctx;
  }

  public byte[] canonicalBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(pairs.size() >> 8);
    out.write(pairs.size());
    pairs.forEach(
        (k, v) -> {
          writeString(out, k);
          writeString(out, v);
        });
    return out.toByteArray();
  }

  /**
   * The condition keys policies can test: {@code kms:encryptioncontext:<key>} and {@code
   * kms:encryptioncontextkeys}.
   */
  public void addConditionKeys(Map<String, List<String>> conditionKeys) {
    pairs.forEach(
        (k, v) ->
            conditionKeys.put("kms:encryptioncontext:" + k.toLowerCase(Locale.ROOT), List.of(v)));
    if (!pairs.isEmpty()) {
      conditionKeys.put("kms:encryptioncontextkeys", new ArrayList<>(pairs.keySet()));
    }
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >> 8);
    out.write(b.length);
    out.write(b, 0, b.length);
  }

  private static int compareUtf8(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
