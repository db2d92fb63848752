package dev.keyledger.engine.kms;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Verifies that the platform can use a customer's CMK before anything is written (SPEC §3a, §3b):
 * wraps 32 random bytes with the key and unwraps them again under the encryption context {@code
 * {tenant_id, service=keyledger, purpose=probe}}, and checks the round trip in constant time.
 *
 * <p>The key is described first. When DescribeKey is not granted (seed 001's role policy allows
 * only {@code kms:Encrypt} and {@code kms:Decrypt}) the probe goes on without it and takes the key
 * ARN from the Encrypt answer; either way an alias is resolved once and Decrypt names the resolved
 * key ARN.
 *
 * <p>Failures are {@link KmsException}s as {@link CustomerKms} raises them; a round trip that
 * returns other bytes is {@link KmsFailure#OTHER}. The probe bytes are wiped after use.
 */
public final class CmkProbe {
  private static final int PROBE_BYTES = 32;

  private final CustomerKms kms;
  private final Supplier<byte[]> random32;

  /**
   * @param random32 supplies 32 fresh random bytes per probe (e.g. from {@code SecureRandom})
   */
  public CmkProbe(CustomerKms kms, Supplier<byte[]> random32) {
    this.kms = Objects.requireNonNull(kms, "kms");
    this.random32 = Objects.requireNonNull(random32, "random32");
  }

  /** Runs the round trip; throws with the failure, message and fix if the CMK is not usable. */
  public ProbeResult probe(CmkRef ref, String tenantId) throws KmsException {
    Objects.requireNonNull(tenantId, "tenantId");
    Map<String, String> context =
        Map.of("tenant_id", tenantId, "service", "keyledger", "purpose", "probe");
    ResolvedCmk described = describeIfGranted(ref);
    CmkRef target = described == null ? ref : ref.withKeyRef(described.keyArn());
    byte[] secret = random32.get();
    if (secret == null || secret.length != PROBE_BYTES) {
      throw new IllegalStateException("random32 must supply exactly 32 bytes");
    }
    try {
      long start = System.nanoTime();
      KmsCiphertext wrapped = kms.encryptReportingKey(target, context, secret);
      long encrypted = System.nanoTime();
      byte[] unwrapped =
          kms.decrypt(ref.withKeyRef(wrapped.key().keyArn()), context, wrapped.blob());
      long decrypted = System.nanoTime();
      try {
        if (!MessageDigest.isEqual(secret, unwrapped)) {
          throw new KmsException(
              KmsFailure.OTHER, "Cannot access CMK: the probe round trip returned different bytes");
        }
      } finally {
        Arrays.fill(unwrapped, (byte) 0);
      }
      return new ProbeResult(
          described != null ? described : wrapped.key(),
          TimeUnit.NANOSECONDS.toMillis(encrypted - start),
          TimeUnit.NANOSECONDS.toMillis(decrypted - encrypted));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private ResolvedCmk describeIfGranted(CmkRef ref) throws KmsException {
    try {
      return kms.describe(ref);
    } catch (KmsException e) {
      if (e.failure() == KmsFailure.ACCESS_DENIED) {
        return null;
      }
      throw e;
    }
  }
}
