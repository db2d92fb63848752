package dev.keyledger.engine.kms;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Locale;
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
 *
 * <p>Metrics: every call to KMS (retries and an STS AssumeRole included) is timed as {@value
 * #CALLS}, tagged {@code operation} ({@code describe}, {@code encrypt}, {@code decrypt}) and {@code
 * outcome} ({@code ok} or the {@link KmsFailure#wireName() wire name} of the failure, e.g. {@code
 * access_denied}, {@code throttled}, {@code timeout}). No tag names a key, a role or a tenant. A
 * refusal before any call ({@link KmsFailure#WRONG_REGION}) is not a call and is not counted.
 */
public final class AwsCustomerKms implements CustomerKms, AutoCloseable {
  /** The timer of KMS calls: {@code keyledger_kms_calls_seconds} in Prometheus. */
  public static final String CALLS = "keyledger.kms.calls";

  private static final String OK = "ok";

  /** Histogram buckets; 200 ms is the SPEC's high-latency alert threshold. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(200),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private static final Logger LOG = LoggerFactory.getLogger(AwsCustomerKms.class);

  private final AwsKmsClients clients;
  private final AwsErrorTranslator translator;
  private final MeterRegistry metrics;

  /** A client whose calls are not metered. */
  public AwsCustomerKms(AwsKmsSettings settings) {
    this(settings, new CompositeMeterRegistry());
  }

  /**
   * @param metrics where the {@value #CALLS} timer is registered
   */
  public AwsCustomerKms(AwsKmsSettings settings, MeterRegistry metrics) {
    Objects.requireNonNull(settings, "settings");
    this.clients = new AwsKmsClients(settings);
    this.translator = new AwsErrorTranslator(settings);
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public ResolvedCmk describe(CmkRef ref) throws KmsException {
    checkBeforeCall(ref);
    KeyMetadata key =
        call(
            ref,
            Operation.DESCRIBE,
            kms -> kms.describeKey(r -> r.keyId(ref.keyRef())).keyMetadata());
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
            Operation.ENCRYPT,
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
            Operation.DECRYPT,
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

  /** The KMS operations this client calls: the AWS name, and the metric tag (lower case). */
  private enum Operation {
    DESCRIBE("DescribeKey"),
    ENCRYPT("Encrypt"),
    DECRYPT("Decrypt");

    final String aws;
    final String tag;

    Operation(String aws) {
      this.aws = aws;
      this.tag = name().toLowerCase(Locale.ROOT);
    }
  }

  private <T> T call(CmkRef ref, Operation operation, Function<KmsClient, T> request)
      throws KmsException {
    long start = System.nanoTime();
    String outcome = KmsFailure.OTHER.wireName();
    try {
      T answer = request.apply(clients.forRef(ref));
      outcome = OK;
      return answer;
    } catch (SdkException e) {
      KmsException failure = translator.translate(e, operation.aws, ref);
      outcome = failure.failure().wireName();
      LOG.debug(
          "KMS {} on {} in {} failed: {} ({})",
          operation.aws,
          ref.keyRef(),
          ref.region(),
          failure.failure().wireName(),
          failure.awsErrorCode());
      throw failure;
    } finally {
      Timer.builder(CALLS)
          .description("Calls to a customer's KMS, retries included, by operation and outcome")
          .tag("operation", operation.tag)
          .tag("outcome", outcome)
          .serviceLevelObjectives(BUCKETS)
          .register(metrics)
          .record(Duration.ofNanos(System.nanoTime() - start));
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
