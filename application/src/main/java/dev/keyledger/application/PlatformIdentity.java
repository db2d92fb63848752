package dev.keyledger.application;

import dev.keyledger.envelope.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who the platform is to a customer's AWS account: the principal its key policy and trust policy
 * name, and the external id the platform issues for the tenant's role.
 *
 * <p>The external id is {@code kl-} followed by four groups of six lowercase base32 characters: the
 * first 120 bits of HMAC-SHA256 of the tenant id (domain-separated) under the platform's external
 * id secret. The same secret gives the same id for a tenant on every instance and after every
 * restart, different tenants get different ids, and nobody without the secret can compute the id of
 * another tenant. It fits AWS's {@code sts:ExternalId} alphabet.
 */
public final class PlatformIdentity {

  /** The length in bytes of a secret {@link #PlatformIdentity} accepts at least. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final Pattern IAM_PRINCIPAL =
      Pattern.compile("arn:aws:iam::(\\d{12}):(role|user)/[\\w+=,.@/-]+");
  private static final byte[] DOMAIN =
      "keyledger external id v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int ID_BYTES = 15;
  private static final int GROUP = 6;

  /**
   * What the platform tells a tenant's admin to put in the customer's policies.
   *
   * @param externalId the {@code sts:ExternalId} the trust policy of the tenant's role requires
   * @param platformPrincipalArn the IAM principal the platform calls KMS and STS as; null when not
   *     configured ({@code kms.platform.principal.arn})
   * @param platformAccountId the AWS account of that principal; null when it is not configured
   */
  public record ForTenant(
      String externalId, String platformPrincipalArn, String platformAccountId) {}

  private final SecretBytes secret;
  private final String platformPrincipalArn;
  private final String platformAccountId;

  /**
   * @param secret the platform's external id secret, at least {@link #MIN_SECRET_BYTES} bytes;
   *     kept, not copied
   * @param platformPrincipalArn an IAM role or user ARN, or null when it is not configured
   * @throws IllegalArgumentException on a short secret or an ARN that is not an IAM principal
   */
  public PlatformIdentity(SecretBytes secret, String platformPrincipalArn) {
    Objects.requireNonNull(secret, "secret");
    if (secret.size() < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the external id secret needs at least " + MIN_SECRET_BYTES + " bytes");
    }
    String account = null;
    if (platformPrincipalArn != null) {
      var principal = IAM_PRINCIPAL.matcher(platformPrincipalArn);
      if (!principal.matches()) {
        throw new IllegalArgumentException("not an IAM role or user ARN: " + platformPrincipalArn);
      }
      account = principal.group(1);
    }
    this.secret = secret;
    this.platformPrincipalArn = platformPrincipalArn;
    this.platformAccountId = account;
  }

  /** The platform's identity and the external id of the caller's tenant. */
  public ForTenant forTenant(Caller caller) {
    return new ForTenant(externalId(caller.tenant()), platformPrincipalArn, platformAccountId);
  }

  private String externalId(String tenant) {
    byte[] key = secret.toByteArray();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(DOMAIN);
      byte[] digest = mac.doFinal(tenant.getBytes(StandardCharsets.UTF_8));
      return readable(Arrays.copyOf(digest, ID_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** {@code kl-} and the base32 of {@code bytes} (a multiple of 5 bytes) in groups of six. */
  private static String readable(byte[] bytes) {
    StringBuilder out = new StringBuilder("kl");
    int written = 0;
    for (int i = 0; i < bytes.length; i += 5) {
      long block = 0;
      for (int j = 0; j < 5; j++) {
        block = (block << 8) | (bytes[i + j] & 0xff);
      }
      for (int shift = 35; shift >= 0; shift -= 5) {
        if (written % GROUP == 0) {
          out.append('-');
        }
        out.append(BASE32[(int) ((block >>> shift) & 31)]);
        written++;
      }
    }
    return out.toString();
  }
}
