package dev.keyledger.engine.kms;

import static dev.keyledger.engine.testing.CustomerAccount.REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyledger.engine.testing.CustomerAccount;
import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Real SDK clients against local-kms: both access models of SPEC §1 and every failure of the error
 * table.
 */
class AwsCustomerKmsLocalKmsTest {
  private static final String TENANT = "tenant-42";
  private static final Map<String, String> CONTEXT =
      Map.of("tenant_id", TENANT, "service", "keyledger");
  private static final SecureRandom RANDOM = new SecureRandom();

  private static LocalKms localKms;
  private static CustomerAccount customer;
  private static AwsCustomerKms kms;
  private static CmkProbe probe;

  @BeforeAll
  static void start() throws IOException {
    localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    customer = new CustomerAccount(localKms.endpoint());
    kms = new AwsCustomerKms(settings(Duration.ofSeconds(2), Duration.ofSeconds(6)));
    probe =
        new CmkProbe(
            kms,
            () -> {
              byte[] bytes = new byte[32];
              RANDOM.nextBytes(bytes);
              return bytes;
            });
  }

  @AfterEach
  void clearFaults() {
    localKms.faults().clear();
  }

  @AfterAll
  static void stop() {
    kms.close();
    customer.close();
    localKms.close();
  }

  static AwsKmsSettings settings(Duration attempt, Duration total) {
    return AwsKmsSettings.defaults()
        .withEndpointOverride(localKms.endpoint())
        .withPlatformCredentials(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("keyledger-dev", "keyledger-dev-secret")),
            CustomerAccount.PLATFORM_PRINCIPAL)
        .withTimeouts(attempt, total, 3);
  }

  @Test
  void everyCallIsTimedByOperationAndOutcomeAndNoTagNamesTheKey() throws KmsException {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    String key = customer.keyGrantingPlatform();
    String disabled = customer.keyGrantingPlatform();
    customer.kms.disableKey(r -> r.keyId(disabled));
    try (AwsCustomerKms metered =
        new AwsCustomerKms(settings(Duration.ofSeconds(2), Duration.ofSeconds(6)), metrics)) {
      new CmkProbe(metered, () -> new byte[32]).probe(CmkRef.aws(key, REGION), TENANT);
      catchThrowableOfType(
          KmsException.class,
          () -> metered.encrypt(CmkRef.aws(disabled, REGION), CONTEXT, new byte[32]));
    }

    assertThat(calls(metrics, "encrypt", "ok")).isEqualTo(1);
    assertThat(calls(metrics, "decrypt", "ok")).isEqualTo(1);
    assertThat(calls(metrics, "encrypt", "disabled")).isEqualTo(1);
    assertThat(metrics.getMeters())
        .flatExtracting(m -> m.getId().getTags())
        .extracting(Tag::getValue)
        .allSatisfy(
            value ->
                assertThat(value)
                    .doesNotContain(CustomerAccount.ACCOUNT)
                    .doesNotContain(TENANT)
                    .doesNotContain("arn:"));
    assertThat(metrics.getMeters())
        .extracting(Meter::getId)
        .as("the timer and its buckets only")
        .allSatisfy(id -> assertThat(id.getName()).startsWith(AwsCustomerKms.CALLS));
  }

  private static long calls(SimpleMeterRegistry metrics, String operation, String outcome) {
    return metrics
        .get(AwsCustomerKms.CALLS)
        .tags("operation", operation, "outcome", outcome)
        .timer()
        .count();
  }

  @Nested
  class PlatformPrincipalGrantedByTheKeyPolicy {

    @Test
    void probeSucceedsAndReportsLatencies() throws KmsException {
      String key = customer.keyGrantingPlatform();

      ProbeResult result = probe.probe(CmkRef.aws(key, REGION), TENANT);

      assertThat(result.key().keyArn()).isEqualTo(key);
      assertThat(result.key().keyState()).isEqualTo("Enabled");
      assertThat(result.key().region()).isEqualTo(REGION);
      assertThat(result.encryptMillis()).isNotNegative();
      assertThat(result.decryptMillis()).isNotNegative();
    }

    @Test
    void aMultiRegionKeyIsReportedAsSuch() throws KmsException {
      String key = customer.multiRegionKeyGrantingPlatform();

      ProbeResult result = probe.probe(CmkRef.aws(key, REGION), TENANT);

      assertThat(result.key().keyId()).startsWith("mrk-");
      assertThat(result.key().multiRegion()).isTrue();
    }

    @Test
    void keyPolicyWithoutThePlatformPrincipalIsAccessDeniedNamingEncrypt() {
      String key = customer.keyWithDefaultPolicy();

      var e =
          catchThrowableOfType(
              KmsException.class, () -> probe.probe(CmkRef.aws(key, REGION), TENANT));

      assertThat(e.failure()).isEqualTo(KmsFailure.ACCESS_DENIED);
      assertThat(e.getMessage()).startsWith("Cannot access CMK: ");
      assertThat(e.hint())
          .contains(
              "kms:Encrypt",
              CustomerAccount.PLATFORM_PRINCIPAL,
              "aws kms get-key-policy --key-id " + key + " --policy-name default");
    }

    @Test
    void aWrapDecryptsOnlyUnderItsOwnContext() throws KmsException {
      var ref = CmkRef.aws(customer.keyGrantingPlatform(), REGION);
      byte[] tmk = random32();

      byte[] wrapped = kms.encrypt(ref, CONTEXT, tmk.clone());

      assertThat(kms.decrypt(ref, CONTEXT, wrapped)).isEqualTo(tmk);
      var e =
          catchThrowableOfType(
              KmsException.class,
              () ->
                  kms.decrypt(
                      ref, Map.of("tenant_id", "tenant-43", "service", "keyledger"), wrapped));
      assertThat(e.failure()).isEqualTo(KmsFailure.INVALID_CIPHERTEXT);
      assertThat(e.getMessage()).startsWith("Encryption context mismatch");
    }

    @Test
    void anotherKeysCiphertextIsIncorrectKey() throws KmsException {
      var one = CmkRef.aws(customer.keyGrantingPlatform(), REGION);
      var other = CmkRef.aws(customer.keyGrantingPlatform(), REGION);
      byte[] wrappedByOther = kms.encrypt(other, CONTEXT, random32());

      var e =
          catchThrowableOfType(KmsException.class, () -> kms.decrypt(one, CONTEXT, wrappedByOther));

      assertThat(e.failure()).isEqualTo(KmsFailure.INCORRECT_KEY);
      assertThat(e.getMessage()).startsWith("IncorrectKeyException");
    }

    @Test
    void anUnknownKeyIsNotFound() {
      String unknown =
          "arn:aws:kms:" + REGION + ":" + CustomerAccount.ACCOUNT + ":key/" + UUID.randomUUID();

      var e =
          catchThrowableOfType(
              KmsException.class, () -> probe.probe(CmkRef.aws(unknown, REGION), TENANT));

      assertThat(e.failure()).isEqualTo(KmsFailure.NOT_FOUND);
      assertThat(e.hint())
          .contains(
              "aws kms describe-key --key-id <alias>", "--query 'KeyMetadata.Arn' --output text");
    }

    @Test
    void aKeyOfAnotherRegionIsRefusedBeforeAnyCall() {
      String key = customer.keyGrantingPlatform();

      var e =
          catchThrowableOfType(
              KmsException.class, () -> probe.probe(CmkRef.aws(key, "eu-west-1"), TENANT));

      assertThat(e.failure()).isEqualTo(KmsFailure.WRONG_REGION);
      assertThat(e.getMessage()).contains(REGION, "eu-west-1");
    }

    @Test
    void aDisabledKeyIsDisabledWithTheEnableCommand() {
      String key = customer.keyGrantingPlatform();
      customer.kms.disableKey(r -> r.keyId(key));

      var e =
          catchThrowableOfType(
              KmsException.class, () -> probe.probe(CmkRef.aws(key, REGION), TENANT));

      assertThat(e.failure()).isEqualTo(KmsFailure.DISABLED);
      assertThat(e.hint()).contains("aws kms enable-key --key-id " + key);
    }

    @Test
    void aKeyPendingDeletionNeedsCancelThenEnable() {
      String key = customer.keyGrantingPlatform();
      customer.kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));

      var e =
          catchThrowableOfType(
              KmsException.class, () -> probe.probe(CmkRef.aws(key, REGION), TENANT));

      assertThat(e.failure()).isEqualTo(KmsFailure.PENDING_DELETION);
      assertThat(e.getMessage()).contains("PENDING_DELETION");
      assertThat(e.hint())
          .contains(
              "aws kms cancel-key-deletion --key-id " + key, "aws kms enable-key --key-id " + key);
      assertThat(e.hint().indexOf("cancel-key-deletion"))
          .isLessThan(e.hint().indexOf("enable-key"));
    }
  }

  @Nested
  class RoleAssumedWithAnExternalId {
    private final String externalId = UUID.randomUUID().toString();

    @Test
    void seed001SetupProbesThroughTheAliasAndResolvesTheKeyArn() throws KmsException {
      String key = customer.keyWithDefaultPolicy();
      String alias = customer.alias(key);
      String role = customer.roleTrustingPlatform(externalId);
      customer.allowEncryptDecrypt(role, key);

      ProbeResult result = probe.probe(CmkRef.awsWithRole(alias, REGION, role, externalId), TENANT);

      assertThat(result.key().keyArn()).isEqualTo(key);
      assertThat(result.key().keyId()).isEqualTo(key.substring(key.lastIndexOf('/') + 1));
    }

    @Test
    void aWrongExternalIdIsRoleAssumptionDenied() {
      String key = customer.keyWithDefaultPolicy();
      String role = customer.roleTrustingPlatform(externalId);
      customer.allowEncryptDecrypt(role, key);

      var e =
          catchThrowableOfType(
              KmsException.class,
              () ->
                  probe.probe(CmkRef.awsWithRole(key, REGION, role, "not-" + externalId), TENANT));

      assertThat(e.failure()).isEqualTo(KmsFailure.ROLE_ASSUMPTION_DENIED);
      assertThat(e.awsErrorCode()).isEqualTo("AccessDenied");
      assertThat(e.hint())
          .contains(CustomerAccount.PLATFORM_ACCOUNT_ROOT, "sts:ExternalId", "exactly");
    }

    @Test
    void removingTheInlinePolicyLocksThePlatformOut() throws KmsException {
      String key = customer.keyWithDefaultPolicy();
      String role = customer.roleTrustingPlatform(externalId);
      customer.allowEncryptDecrypt(role, key);
      var ref = CmkRef.awsWithRole(key, REGION, role, externalId);
      probe.probe(ref, TENANT);

      customer.removeInlinePolicy(role);
      var e = catchThrowableOfType(KmsException.class, () -> probe.probe(ref, TENANT));

      assertThat(e.failure()).isEqualTo(KmsFailure.ACCESS_DENIED);
      assertThat(e.failure().sealsTenant()).isTrue();
      assertThat(e.hint()).contains("kms:Encrypt", role, "inline policy");
    }

    @Test
    void aKeyPendingDeletionBehindTheRoleIsPendingDeletion() {
      String key = customer.keyWithDefaultPolicy();
      String role = customer.roleTrustingPlatform(externalId);
      customer.allowEncryptDecrypt(role, key);
      customer.kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));

      var e =
          catchThrowableOfType(
              KmsException.class,
              () -> probe.probe(CmkRef.awsWithRole(key, REGION, role, externalId), TENANT));

      assertThat(e.failure()).isEqualTo(KmsFailure.PENDING_DELETION);
      assertThat(e.hint()).contains("aws kms cancel-key-deletion --key-id " + key);
    }
  }

  @Nested
  class BoundedCallsAndFaults {

    @Test
    void theSdkRetriesThrottlingAndSucceedsWithinItsAttempts() throws KmsException {
      var ref = CmkRef.aws(customer.keyGrantingPlatform(), REGION);
      localKms.faults().throttle(2, "Encrypt");

      byte[] wrapped = kms.encrypt(ref, CONTEXT, random32());

      assertThat(wrapped).isNotEmpty();
      assertThat(localKms.faults().current().throttle()).isNull();
    }

    @Test
    void persistentThrottlingIsThrottledWithRetryAfterAfterEveryAttempt() {
      var ref = CmkRef.aws(customer.keyGrantingPlatform(), REGION);
      localKms.faults().throttle(10, "Encrypt");

      var e = catchThrowableOfType(KmsException.class, () -> kms.encrypt(ref, CONTEXT, random32()));

      assertThat(e.failure()).isEqualTo(KmsFailure.THROTTLED);
      assertThat(e.getMessage()).startsWith("KMS ThrottlingException");
      assertThat(e.retryAfterSeconds()).isPresent();
      assertThat(e.failure().sealsTenant()).isFalse();
      assertThat(localKms.faults().current().throttle().count()).isEqualTo(10 - 3);
    }

    @Test
    void throttledRoleAssumptionIsRetriedOnlyWithinTheSameAttemptBudget() {
      String externalId = UUID.randomUUID().toString();
      String key = customer.keyWithDefaultPolicy();
      String role = customer.roleTrustingPlatform(externalId);
      customer.allowEncryptDecrypt(role, key);
      localKms.faults().throttle(10, "AssumeRole");

      var e =
          catchThrowableOfType(
              KmsException.class,
              () ->
                  kms.encrypt(
                      CmkRef.awsWithRole(key, REGION, role, externalId), CONTEXT, random32()));

      assertThat(e.failure()).isEqualTo(KmsFailure.THROTTLED);
      assertThat(e.retryAfterSeconds()).isPresent();
      assertThat(localKms.faults().current().throttle().count()).isEqualTo(10 - 3);
    }

    @Test
    void latencyAboveTheAttemptTimeoutTimesOutWithinTheTotalBound() throws KmsException {
      var ref = CmkRef.aws(customer.keyGrantingPlatform(), REGION);
      Duration total = Duration.ofMillis(1200);
      try (var impatient = new AwsCustomerKms(settings(Duration.ofMillis(300), total))) {
        impatient.describe(
            ref); // warm-up: SDK class loading and client creation are not the bound under test
        localKms.faults().latency(Duration.ofMillis(800));

        long start = System.nanoTime();
        var e =
            catchThrowableOfType(
                KmsException.class, () -> impatient.encrypt(ref, CONTEXT, random32()));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(e.failure()).isEqualTo(KmsFailure.TIMEOUT);
        assertThat(e.getMessage()).startsWith("Verification timed out");
        assertThat(elapsed).isLessThan(total.plusMillis(400));
      }
    }

    @Test
    void refusedConnectionsAreUnreachable() {
      var ref = CmkRef.aws(customer.keyGrantingPlatform(), REGION);
      localKms.faults().refuseConnections(true);

      var e = catchThrowableOfType(KmsException.class, () -> probe.probe(ref, TENANT));

      assertThat(e.failure()).isIn(KmsFailure.UNREACHABLE);
      assertThat(e.failure().retryable()).isTrue();
    }
  }

  private static byte[] random32() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
