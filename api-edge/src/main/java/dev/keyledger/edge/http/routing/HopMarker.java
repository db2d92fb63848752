package dev.keyledger.edge.http.routing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The header that marks a request one instance forwarded to another, {@value #HEADER}: {@code
 * v1:<proof>}, the proof being base64url of {@code HMAC-SHA256(key, request id \n method \n path
 * and query)} under a key every instance of the cluster derives from the shared JWT secret.
 *
 * <p>Any value of the header means "do not forward this again" (so a request never loops). Only a
 * valid proof also makes the receiving instance keep the forwarder's request id and the original
 * caller's IP ({@code X-Forwarded-For}) for its audit; a marker sent from outside gains nothing
 * else: the token and the step-up are verified on the receiving instance like any request's.
 */
public final class HopMarker {

  /** The header name. */
  public static final String HEADER = "X-KeyLedger-Hop";

  /** The purpose the cluster key is derived for ({@code JwtKeys.derive}). */
  public static final String KEY_PURPOSE = "keyledger-forwarding-v1";

  private static final String VERSION = "v1:";

  private final byte[] key;

  /**
   * @param key at least 32 bytes, the same on every instance (copied)
   */
  public HopMarker(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the hop key needs at least 32 bytes");
    }
    this.key = key.clone();
  }

  /** The header value for a request forwarded with {@code requestId}. */
  public String mark(String requestId, String method, String pathAndQuery) {
    return VERSION
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac(requestId, method, pathAndQuery));
  }

  /** Whether {@code value} proves the request was forwarded by an instance of this cluster. */
  public boolean proves(String value, String requestId, String method, String pathAndQuery) {
    if (value == null || requestId == null || !value.startsWith(VERSION)) {
      return false;
    }
    byte[] presented;
    try {
      presented = Base64.getUrlDecoder().decode(value.substring(VERSION.length()));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(presented, mac(requestId, method, pathAndQuery));
  }

  private byte[] mac(String requestId, String method, String pathAndQuery) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(
          (requestId + "\n" + method + "\n" + pathAndQuery).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "HopMarker[key hidden]";
  }
}
