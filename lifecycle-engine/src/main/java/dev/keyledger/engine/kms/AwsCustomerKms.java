package dev.keyledger.engine.kms;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * {@link CustomerKms} for AWS KMS, with both access models of SPEC §1: the platform's own principal
 * granted by the key policy ({@link CmkRef#roleArn()} null), or a role in the customer's account
 * assumed with STS and an external id. Only symmetric {@code ENCRYPT_DECRYPT} / {@code
 * SYMMETRIC_DEFAULT} keys are accepted.
 *
 * <p>Every call is bounded by {@link AwsKmsSettings#attemptTimeout()} per attempt and {@link
 * AwsKmsSettings#totalTimeout()} in all, and retried by the SDK (throttling, timeouts, 5xx,
 * connection failures) with jittered exponential backoff up to {@link
 * AwsKmsSettings#maxAttempts()}. A key ARN whose region differs from {@link CmkRef#region()} is
 * refused before any call ({@link KmsFailure#WRONG_REGION}). Errors are mapped by {@link
 * AwsErrorTranslator}. Thread-safe; {@link #close()} closes every client it built.
 */
public final class AwsCustomerKms implements CustomerKms, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AwsCustomerKms.class);

  private final AwsKmsClients clients;
  private final AwsErrorTranslator translator;

  public AwsCustomerKms(AwsKmsSettings settings) {
    Objects.requireNonNull(settings, "settings");
    this.clients = new AwsKmsClients(settings);
    this.translator = new AwsErrorTranslator(settings);
  }

  @Override
  public ResolvedCmk describe(CmkRef ref) throws KmsException {
    checkBeforeCall(ref);
    KeyMetadata key =
        call(ref, "DescribeKey", kms -> kms.describeKey(r -> r.keyId(ref.keyRef())).keyMetadata());
    if (key.keyUsage() != KeyUsageType.ENCRYPT_DECRYPT
        || key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
      throw translator.invalidKeyUsage(
          ref, key.arn(), key.keyUsageAsString(), key.keySpecAsString());
    }
    return new ResolvedCmk(
        key.arn(),
        key.keyId(),
        AwsKeyArn.parse(key.arn()).map(AwsKeyArn::region).orElse(ref.region()),
        Boolean.TRUE.equals(key.multiRegion()),
        key.keyStateAsString());
  }

  @Override
  public KmsCiphertext encryptReportingKey(
      CmkRef ref, Map<String, String> encryptionContext, byte[] plaintext) throws KmsException {
    checkBeforeCall(ref);
    // Unsafe = no copy: the caller owns the plaintext and wipes it; a copy inside SdkBytes could
    // not be wiped.
    EncryptResponse response =
        call(
            ref,
            "Encrypt",
            kms ->
                kms.encrypt(
                    r ->
                        r.keyId(ref.keyRef())
                            .plaintext(SdkBytes.fromByteArrayUnsafe(plaintext))
                            .encryptionContext(encryptionContext)
                            .encryptionAlgorithm(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT)));
    return new KmsCiphertext(
        fromEncryptAnswer(response.keyId(), ref), response.ciphertextBlob().asByteArray());
  }

  @Override
  public byte[] decrypt(CmkRef ref, Map<String, String> encryptionContext, byte[] ciphertext)
      throws KmsException {
    checkBeforeCall(ref);
    DecryptResponse response =
        call(
            ref,
            "Decrypt",
            kms ->
                kms.decrypt(
                    r ->
                        r.keyId(ref.keyRef())
                            .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
                            .encryptionContext(encryptionContext)
                            .encryptionAlgorithm(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT)));
    boolean namedKeyArn = AwsKeyArn.parse(ref.keyRef()).filter(AwsKeyArn::isKey).isPresent();
    if (namedKeyArn && !ref.keyRef().equals(response.keyId())) {
      throw translator.keyMismatch(ref.keyRef(), response.keyId());
    }
    // Unsafe = no copy: the only copy of the plaintext is the one handed to the caller, who wipes
    // it.
    return response.plaintext().asByteArrayUnsafe();
  }

  @Override
  public void close() {
    clients.close();
  }

  private void checkBeforeCall(CmkRef ref) throws KmsException {
    if (!"aws".equals(ref.provider())) {
      throw new IllegalArgumentException(
          "AwsCustomerKms serves provider \"aws\", not \"" + ref.provider() + "\"");
    }
    var arn = AwsKeyArn.parse(ref.keyRef());
    if (arn.isPresent() && !arn.get().region().equals(ref.region())) {
      throw translator.wrongRegion(ref, arn.get());
    }
  }

  private <T> T call(CmkRef ref, String operation, Function<KmsClient, T> request)
      throws KmsException {
    try {
      return request.apply(clients.forRef(ref));
    } catch (SdkException e) {
      KmsException failure = translator.translate(e, operation, ref);
      LOG.debug(
          "KMS {} on {} in {} failed: {} ({})",
          operation,
          ref.keyRef(),
          ref.region(),
          failure.failure().wireName(),
          failure.awsErrorCode());
      throw failure;
    }
  }

  private static ResolvedCmk fromEncryptAnswer(String keyArn, CmkRef ref) {
    return AwsKeyArn.parse(keyArn)
        .map(
            arn ->
                new ResolvedCmk(
                    keyArn, arn.resourceId(), arn.region(), arn.isMultiRegionKey(), "Enabled"))
        .orElseGet(() -> new ResolvedCmk(keyArn, keyArn, ref.region(), false, "Enabled"));
  }
}
