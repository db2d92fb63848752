package dev.keyledger.engine.kms;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.sts.model.StsException;

/** SDK exceptions are plain values: built here as the SDK builds them from AWS's answers. */
class AwsErrorTranslatorTest {
  private static final String KEY =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final String ROLE = "arn:aws:iam::111122223333:role/KeyLedgerKmsAccess";

  private final AwsErrorTranslator translator =
      new AwsErrorTranslator(
          new AwsKmsSettings(
              null,
              AnonymousCredentialsProvider.create(),
              Duration.ofSeconds(2),
              Duration.ofSeconds(6),
              3,
              "keyledger",
              "arn:aws:iam::000000000000:role/keyledger-service"));

  @Test
  void keyPolicyDenialNamesTheActionThePrincipalAndTheCommandToCheck() {
    var e =
        translator.translate(
            kms(
                400,
                "AccessDeniedException",
                "User: arn:aws:sts::000000000000:assumed-role/keyledger-service/x is not authorized to perform:"
                    + " kms:Encrypt on this resource because the resource does not exist in this Region, no"
                    + " resource-based policies allow access, or a resource-based policy explicitly denies access"),
            "Encrypt",
            CmkRef.aws(KEY, "us-east-1"));

    assertThat(e.failure()).isEqualTo(KmsFailure.ACCESS_DENIED);
    assertThat(e.getMessage()).startsWith("Cannot access CMK: User: arn:aws:sts::000000000000");
    assertThat(e.hint())
        .contains(
            "kms:Encrypt",
            "arn:aws:iam::000000000000:role/keyledger-service",
            "aws kms get-key-policy --key-id " + KEY + " --policy-name default");
    assertThat(e.awsErrorCode()).isEqualTo("AccessDeniedException");
  }

  @Test
  void roleDenialPointsAtTheInlinePolicy() {
    var e =
        translator.translate(
            kms(400, "AccessDeniedException", "not authorized"),
            "Decrypt",
            CmkRef.awsWithRole(KEY, "us-east-1", ROLE, "ext"));

    assertThat(e.hint())
        .contains("kms:Decrypt", ROLE, "inline policy", "--role-name KeyLedgerKmsAccess");
  }

  @Test
  void stsAccessDeniedIsARoleAssumptionFailureWithTheTrustPolicyFix() {
    var sts =
        StsException.builder()
            .statusCode(403)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("AccessDenied")
                    .errorMessage("not authorized to perform sts:AssumeRole")
                    .build())
            .build();

    var e =
        translator.translate(
            SdkClientException.create("Unable to resolve identity", sts),
            "Encrypt",
            CmkRef.awsWithRole(KEY, "us-east-1", ROLE, "ext"));

    assertThat(e.failure()).isEqualTo(KmsFailure.ROLE_ASSUMPTION_DENIED);
    assertThat(e.hint()).contains("arn:aws:iam::000000000000:root", "sts:ExternalId", "exactly");
  }

  @Test
  void pendingDeletionAndDisabledStatesAreToldApart() {
    var ref = CmkRef.aws(KEY, "us-east-1");

    var pending =
        translator.translate(
            kms(400, "KMSInvalidStateException", KEY + " is pending deletion."), "Encrypt", ref);
    var disabled =
        translator.translate(kms(400, "DisabledException", KEY + " is disabled."), "Encrypt", ref);

    assertThat(pending.failure()).isEqualTo(KmsFailure.PENDING_DELETION);
    assertThat(pending.hint())
        .contains(
            "aws kms cancel-key-deletion --key-id " + KEY, "aws kms enable-key --key-id " + KEY);
    assertThat(disabled.failure()).isEqualTo(KmsFailure.DISABLED);
    assertThat(disabled.hint()).contains("aws kms enable-key --key-id " + KEY);
  }

  @Test
  void anAsymmetricOrSigningKeyIsInvalidKeyUsage() {
    var e =
        translator.translate(
            kms(400, "InvalidKeyUsageException", "KeyUsage for " + KEY + " is SIGN_VERIFY"),
            "Encrypt",
            CmkRef.aws(KEY, "us-east-1"));

    assertThat(e.failure()).isEqualTo(KmsFailure.INVALID_KEY_USAGE);
    assertThat(e.hint()).contains("--key-usage ENCRYPT_DECRYPT --key-spec SYMMETRIC_DEFAULT");
  }

  @Test
  void cliFixesNameTheKeyEvenWhenTheTenantGaveAnAlias() {
    var viaAlias =
        CmkRef.awsWithRole(
            "arn:aws:kms:us-east-1:111122223333:alias/keyledger", "us-east-1", ROLE, "x");

    var e =
        translator.translate(
            kms(400, "KMSInvalidStateException", KEY + " is pending deletion."),
            "Encrypt",
            viaAlias);

    assertThat(e.hint())
        .contains("aws kms cancel-key-deletion --key-id " + KEY)
        .doesNotContain("alias/");
  }

  @Test
  void serviceSideErrorsAreUnavailableAndRetryable() {
    var e =
        translator.translate(
            kms(500, "KMSInternalException", "internal"), "Decrypt", CmkRef.aws(KEY, "us-east-1"));

    assertThat(e.failure()).isEqualTo(KmsFailure.UNAVAILABLE);
    assertThat(e.failure().retryable()).isTrue();
  }

  @Test
  void throttlingHonoursRetryAfterWhenAwsSendsIt() {
    var throttled =
        KmsException.builder()
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ThrottlingException")
                    .errorMessage("Rate exceeded")
                    .sdkHttpResponse(
                        SdkHttpResponse.builder()
                            .statusCode(400)
                            .putHeader("Retry-After", "7")
                            .build())
                    .build())
            .build();

    var e = translator.translate(throttled, "Encrypt", CmkRef.aws(KEY, "us-east-1"));

    assertThat(e.failure()).isEqualTo(KmsFailure.THROTTLED);
    assertThat(e.getMessage()).startsWith("KMS ThrottlingException");
    assertThat(e.retryAfterSeconds()).hasValue(7);
  }

  @Test
  void clientSideFailuresMapToTimeoutUnreachableAndNoCredentials() {
    var ref = CmkRef.aws(KEY, "us-east-1");

    assertThat(translator.translate(ApiCallTimeoutException.create(6000), "Encrypt", ref).failure())
        .isEqualTo(KmsFailure.TIMEOUT);
    assertThat(
            translator
                .translate(
                    SdkClientException.create(
                        "Unable to execute HTTP request",
                        new UnknownHostException("kms.us-east-1.amazonaws.com")),
                    "Encrypt",
                    ref)
                .failure())
        .isEqualTo(KmsFailure.UNREACHABLE);
    assertThat(
            translator
                .translate(
                    SdkClientException.create(
                        "Unable to execute HTTP request",
                        new ConnectException("Connection refused")),
                    "Encrypt",
                    ref)
                .getMessage())
        .startsWith("KMS unreachable: cannot reach https://kms.us-east-1.amazonaws.com");
    var none =
        translator.translate(
            SdkClientException.create(
                "Unable to load credentials from any of the providers in the chain"),
            "Encrypt",
            ref);
    assertThat(none.failure()).isEqualTo(KmsFailure.NO_CREDENTIALS);
    assertThat(none.getMessage()).startsWith("NoCredentialProviders");
    assertThat(none.hint()).contains("Principal.AWS", "trust policy");
  }

  @Test
  void wrongRegionTellsWhichRegionTheKeyIsIn() {
    var e =
        translator.wrongRegion(CmkRef.aws(KEY, "eu-west-1"), AwsKeyArn.parse(KEY).orElseThrow());

    assertThat(e.failure()).isEqualTo(KmsFailure.WRONG_REGION);
    assertThat(e.getMessage()).contains("us-east-1", "eu-west-1");
  }

  private static KmsException kms(int status, String code, String message) {
    return (KmsException)
        KmsException.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                    .build())
            .build();
  }
}
