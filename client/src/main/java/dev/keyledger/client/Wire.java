package dev.keyledger.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.Base64Variant.PaddingReadBehaviour;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * The JSON bodies of the data plane, data-key lease and agent calls. Byte arrays travel as standard
 * base64 (Jackson's encoding of {@code byte[]}). Response records check their required fields in
 * the constructor, so a body that lacks one fails to parse instead of yielding nulls or zeros.
 */
final class Wire {

  private Wire() {}

  static ObjectMapper mapper() {
    return new ObjectMapper()
        // A newer server may add response fields; they must not break older clients.
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .setBase64Variant(
            Base64Variants.MIME_NO_LINEFEEDS.withReadPadding(PaddingReadBehaviour.PADDING_ALLOWED));
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record EncryptRequest(byte[] plaintext, Map<String, String> context) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record DecryptRequest(byte[] ciphertext, Map<String, String> context) {}

  record EncryptResponse(
      byte[] ciphertext,
      @JsonProperty("key_version") Integer keyVersion,
      @JsonProperty("dek_id") String dekId,
      @JsonProperty("tmk_version") Integer tmkVersion) {
    EncryptResponse {
      required(ciphertext, "ciphertext");
      required(keyVersion, "key_version");
      required(dekId, "dek_id");
      required(tmkVersion, "tmk_version");
    }

    EncryptResult toResult() {
      return new EncryptResult(ciphertext, keyVersion, dekId, tmkVersion);
    }
  }

  record DecryptResponse(byte[] plaintext) {
    DecryptResponse {
      required(plaintext, "plaintext");
    }
  }

  record SessionResponse(
      @JsonProperty("session_token") String sessionToken,
      @JsonProperty("ttl_seconds") Long ttlSeconds,
      @JsonProperty("expires_at") String expiresAt) {
    SessionResponse {
      required(sessionToken, "session_token");
      required(ttlSeconds, "ttl_seconds");
      Instant.parse(required(expiresAt, "expires_at"));
    }

    AgentSession toSession() {
      return new AgentSession(
          sessionToken, Duration.ofSeconds(ttlSeconds), Instant.parse(expiresAt));
    }
  }

  record DataKeyRequest(int encryptions) {}

  /**
   * A leased data key. {@code key} is the raw DEK: {@link #toString()} redacts it, and the
   * constructor zeroes it when it refuses the body, so a malformed answer leaves no copy behind.
   */
  record DataKeyResponse(
      @JsonProperty("tenant_id") String tenantId,
      @JsonProperty("dek_id") String dekId,
      @JsonProperty("key_version") Integer keyVersion,
      byte[] key,
      @JsonProperty("expires_at") String expiresAt,
      @JsonProperty("ttl_seconds") Long ttlSeconds,
      Long encryptions) {
    DataKeyResponse {
      try {
        required(key, "key");
        if (key.length != 32) {
          throw new IllegalArgumentException("key is not 32 bytes");
        }
        if (required(tenantId, "tenant_id").isBlank()) {
          throw new IllegalArgumentException("blank tenant_id");
        }
        required(dekId, "dek_id");
        if (required(keyVersion, "key_version") < 1) {
          throw new IllegalArgumentException("key_version below 1");
        }
        Instant.parse(required(expiresAt, "expires_at"));
        // 0 is valid on the wire (the server rounds down a lease with less than a second left);
        // LeasedDataKeys refuses such a lease as expired on arrival.
        if (required(ttlSeconds, "ttl_seconds") < 0) {
          throw new IllegalArgumentException("negative ttl_seconds");
        }
        if (required(encryptions, "encryptions") < 1) {
          throw new IllegalArgumentException("encryptions below 1");
        }
      } catch (RuntimeException e) {
        if (key != null) {
          Arrays.fill(key, (byte) 0);
        }
        throw e;
      }
    }

    @Override
    public String toString() {
      return "DataKeyResponse[tenantId="
          + tenantId
          + ", dekId="
          + dekId
          + ", keyVersion="
          + keyVersion
          + ", key=<redacted>, expiresAt="
          + expiresAt
          + ", ttlSeconds="
          + ttlSeconds
          + ", encryptions="
          + encryptions
          + "]";
    }
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("missing field " + field);
    }
    return value;
  }
}
