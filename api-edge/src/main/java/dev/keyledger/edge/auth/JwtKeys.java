package dev.keyledger.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HS256 secret that signs and verifies KeyLedger tokens in dev mode.
 *
 * <p>{@link #loadOrCreate(Path)} keeps the secret at {@code <dataDir>/secrets/jwt-hs256.key} (a
 * {@link SecretFile}). The same data dir always yields the same secret, so tokens minted by {@code
 * keyledger token} are accepted by a dev instance on that dir and survive restarts.
 *
 * <p>The secret bytes never leave this class except into nimbus signers and verifiers, and are
 * never logged; {@link #toString()} shows no key material.
 */
public final class JwtKeys {

  /** Minimum secret length; HS256 needs at least 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;

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
    byte[] secret =
        SecretFile.loadOrCreate(dataDir, "jwt-hs256.key", "issued tokens become invalid");
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
}
