package dev.keyledger.engine.kms;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Maps AWS SDK failures (and the checks made before any call) to {@link KmsException}s whose
 * message uses the vendor pages' words and whose hint names the key, role, region and missing
 * action, with the {@code aws} CLI command that shows or fixes it. Messages carry AWS's own error
 * message, which names principals and resources but never credentials; nothing here ever sees key
 * bytes.
 */
final class AwsErrorTranslator {
  /** KMS quotas are per second; when AWS sends no Retry-After, advise the next window. */
  static final long DEFAULT_THROTTLE_RETRY_AFTER_SECONDS = 1;

  private static final Pattern KMS_ACTION = Pattern.compile("kms:[A-Za-z]+");
  private static final Pattern KEY_ARN =
      Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+");
  private static final Pattern PENDING_DELETION =
      Pattern.compile(
          "pending\\s*(replica\\s*)?deletion|pending_deletion", Pattern.CASE_INSENSITIVE);

  private final AwsKmsSettings settings;

  AwsErrorTranslator(AwsKmsSettings settings) {
    this.settings = settings;
  }

  /** The key ARN's region differs from the configured one: refused before any call. */
  KmsException wrongRegion(CmkRef ref, AwsKeyArn arn) {
    return new KmsException(
        KmsFailure.WRONG_REGION,
        "Cannot access CMK: the key ARN is in region "
            + arn.region()
            + " but the configured region is "
            + ref.region(),
        null,
        "Verify the KMS key is in the correct region: set region to "
            + arn.region()
            + " (the region in the key ARN)"
            + (arn.isMultiRegionKey()
                ? ", or use the ARN of the key's replica in " + ref.region()
                : ""),
        null,
        null);
  }

  /** DescribeKey found a key the engine cannot wrap with. */
  KmsException invalidKeyUsage(CmkRef ref, String keyArn, String keyUsage, String keySpec) {
    return new KmsException(
        KmsFailure.INVALID_KEY_USAGE,
        "Cannot access CMK: "
            + keyArn
            + " has key usage "
            + keyUsage
            + " and key spec "
            + keySpec
            + "; a symmetric ENCRYPT_DECRYPT key (SYMMETRIC_DEFAULT) is required",
        null,
        "Create a symmetric key: aws kms create-key --key-usage ENCRYPT_DECRYPT --key-spec SYMMETRIC_DEFAULT"
            + " --region "
            + ref.region(),
        null,
        null);
  }

  /** Decrypt answered with a key other than the one the call named. */
  KmsException keyMismatch(String expectedKeyArn, String actualKeyArn) {
    return new KmsException(
        KmsFailure.INCORRECT_KEY,
        "IncorrectKeyException: data was encrypted with a different key ("
            + actualKeyArn
            + ", expected "
            + expectedKeyArn
            + ")",
        null,
        null,
        null,
        null);
  }

  /**
   * Translates what an SDK call threw.
   *
   * @param operation the KMS operation attempted, e.g. {@code Encrypt}
   */
  KmsException translate(RuntimeException error, String operation, CmkRef ref) {
    AwsServiceException service = find(error, AwsServiceException.class);
    if (service != null) {
      return service instanceof StsException sts
          ? fromSts(sts, ref)
          : fromKms(service, operation, ref);
    }
    if (isMissingCredentials(error)) {
      return noCredentials(
          error,
          "the platform has no usable AWS credentials (" + operation + " on " + ref.keyRef() + ")",
          null);
    }
    if (find(error, ApiCallTimeoutException.class) != null
        || find(error, ApiCallAttemptTimeoutException.class) != null
        || find(error, SocketTimeoutException.class) != null) {
      return new KmsException(
          KmsFailure.TIMEOUT,
          "Verification timed out: no answer from KMS in "
              + ref.region()
              + " within "
              + settings.totalTimeout().toMillis()
              + " ms ("
              + operation
              + " on "
              + ref.keyRef()
              + ")",
          null,
          "Check the KMS key is not in a pending-deletion state: aws kms describe-key --key-id "
              + ref.keyRef()
              + " --region "
              + ref.region()
              + "; verify the KMS key is in the correct region ("
              + ref.region()
              + ")",
          null,
          error);
    }
    // Refused, unresolvable, unroutable, or dropped mid-request: either way no answer came from
    // KMS.
    IOException network = find(error, IOException.class);
    if (network != null) {
      return new KmsException(
          KmsFailure.UNREACHABLE,
          "KMS unreachable: cannot reach "
              + endpoint(ref)
              + " ("
              + network.getClass().getSimpleName()
              + ")",
          null,
          "Check DNS, firewall and proxy settings from the platform to "
              + endpoint(ref)
              + "; a sealed tenant is retried every 30 s and unseals by itself",
          null,
          error);
    }
    return new KmsException(
        KmsFailure.OTHER,
        "Cannot access CMK: "
            + operation
            + " on "
            + ref.keyRef()
            + " failed ("
            + error.getClass().getSimpleName()
            + ")",
        null,
        null,
        null,
        error);
  }

  private KmsException fromKms(AwsServiceException e, String operation, CmkRef ref) {
    String code = code(e);
    String awsMessage = awsMessage(e);
    String key = keyForCli(awsMessage, ref);
    if (e.isThrottlingException()) {
      return throttled(e, operation);
    }
    switch (code) {
      case "AccessDeniedException":
        return new KmsException(
            KmsFailure.ACCESS_DENIED,
            "Cannot access CMK: " + awsMessage,
            code,
            accessDeniedHint(e, operation, ref),
            null,
            e);
      case "NotFoundException", "InvalidArnException":
        return new KmsException(
            KmsFailure.NOT_FOUND,
            "Cannot access CMK: NotFound: " + awsMessage,
            code,
            "Check the region ("
                + ref.region()
                + "), the account and the key ARN for typos; get the key"
                + " ARN with: aws kms describe-key --key-id <alias> --region "
                + ref.region()
                + " --query 'KeyMetadata.Arn' --output text",
            null,
            e);
      case "DisabledException":
        return disabled(e, key, ref.region(), awsMessage);
      case "KMSInvalidStateException":
        if (PENDING_DELETION.matcher(awsMessage).find()) {
          return new KmsException(
              KmsFailure.PENDING_DELETION,
              "Cannot access CMK: Key is in PENDING_DELETION state: " + awsMessage,
              code,
              "If the key is deleted, data encrypted with it is permanently lost. Cancel deletion"
                  + " immediately: aws kms cancel-key-deletion --key-id "
                  + key
                  + " --region "
                  + ref.region()
                  + " then re-enable the key: aws kms enable-key --key-id "
                  + key
                  + " --region "
                  + ref.region(),
              null,
              e);
        }
        if (awsMessage.toLowerCase(Locale.ROOT).contains("disabled")) {
          return disabled(e, key, ref.region(), awsMessage);
        }
        return new KmsException(
            KmsFailure.OTHER,
            "Cannot access CMK: " + code + ": " + awsMessage,
            code,
            "Check the key state (it must be Enabled): aws kms describe-key --key-id "
                + key
                + " --region "
                + ref.region()
                + " --query 'KeyMetadata.KeyState'",
            null,
            e);
      case "IncorrectKeyException":
        return new KmsException(
            KmsFailure.INCORRECT_KEY,
            "IncorrectKeyException: data was encrypted with a different key: " + awsMessage,
            code,
            null,
            null,
            e);
      case "InvalidCiphertextException":
        return new KmsException(
            KmsFailure.INVALID_CIPHERTEXT,
            "Encryption context mismatch or invalid ciphertext (InvalidCiphertextException)",
            code,
            null,
            null,
            e);
      case "InvalidKeyUsageException":
        return new KmsException(
            KmsFailure.INVALID_KEY_USAGE,
            "Cannot access CMK: invalid key usage: " + awsMessage,
            code,
            "Use a symmetric ENCRYPT_DECRYPT key (key spec SYMMETRIC_DEFAULT): aws kms create-key"
                + " --key-usage ENCRYPT_DECRYPT --key-spec SYMMETRIC_DEFAULT --region "
                + ref.region(),
            null,
            e);
      case "UnrecognizedClientException",
      "InvalidSignatureException",
      "IncompleteSignatureException",
      "MissingAuthenticationTokenException",
      "ExpiredTokenException":
        return noCredentials(
            e, "AWS rejected the credentials used for " + operation + " (" + code + ")", code);
      default:
        if (e.statusCode() >= 500
            || code.equals("KMSInternalException")
            || code.equals("DependencyTimeoutException")
            || code.equals("KeyUnavailableException")) {
          return new KmsException(
              KmsFailure.UNAVAILABLE,
              "KMS unavailable: " + code + " from KMS in " + ref.region() + " (" + operation + ")",
              code,
              null,
              null,
              e);
        }
        return new KmsException(
            KmsFailure.OTHER,
            "Cannot access CMK: " + code + ": " + awsMessage,
            code,
            null,
            null,
            e);
    }
  }

  private KmsException fromSts(StsException e, CmkRef ref) {
    String code = code(e);
    if (e.isThrottlingException()) {
      return throttled(e, "AssumeRole");
    }
    switch (code) {
      case "AccessDenied":
        return new KmsException(
            KmsFailure.ROLE_ASSUMPTION_DENIED,
            "Cannot access CMK: AccessDenied on sts:AssumeRole of "
                + ref.roleArn()
                + ": "
                + awsMessage(e),
            code,
            roleAssumptionHint(ref),
            null,
            e);
      case "InvalidClientTokenId",
      "SignatureDoesNotMatch",
      "ExpiredToken",
      "ExpiredTokenException",
      "IncompleteSignature",
      "MissingAuthenticationToken":
        return noCredentials(e, "AWS STS rejected the platform credentials (" + code + ")", code);
      default:
        if (e.statusCode() >= 500) {
          return new KmsException(
              KmsFailure.UNAVAILABLE,
              "KMS unavailable: " + code + " from STS in " + ref.region() + " (AssumeRole)",
              code,
              null,
              null,
              e);
        }
        return new KmsException(
            KmsFailure.OTHER,
            "Cannot access CMK: sts:AssumeRole of "
                + ref.roleArn()
                + " failed: "
                + code
                + ": "
                + awsMessage(e),
            code,
            roleAssumptionHint(ref),
            null,
            e);
    }
  }

  private KmsException throttled(AwsServiceException e, String operation) {
    long retryAfter =
        e.awsErrorDetails() == null
            ? DEFAULT_THROTTLE_RETRY_AFTER_SECONDS
            : e.awsErrorDetails()
                .sdkHttpResponse()
                .firstMatchingHeader("Retry-After")
                .map(AwsErrorTranslator::parseSeconds)
                .orElse(DEFAULT_THROTTLE_RETRY_AFTER_SECONDS);
    return new KmsException(
        KmsFailure.THROTTLED,
        "KMS ThrottlingException: request quota exceeded ("
            + operation
            + "), retry after "
            + retryAfter
            + " s",
        code(e),
        "AWS KMS has request quotas per second; retry after "
            + retryAfter
            + " s. If it persists, check the"
            + " current quota (aws service-quotas get-service-quota --service-code kms --quota-code"
            + " L-6E65D7BB) and ask AWS to increase it",
        retryAfter,
        e);
  }

  private static KmsException disabled(
      AwsServiceException e, String key, String region, String awsMessage) {
    return new KmsException(
        KmsFailure.DISABLED,
        "Cannot access CMK: key is disabled: " + awsMessage,
        code(e),
        "Re-enable the key: aws kms enable-key --key-id "
            + key
            + " --region "
            + region
            + "; verify: aws kms describe-key --key-id "
            + key
            + " --region "
            + region
            + " --query 'KeyMetadata.KeyState'",
        null,
        e);
  }

  private KmsException noCredentials(RuntimeException e, String detail, String code) {
    String principal =
        settings.platformPrincipalArn() != null
            ? settings.platformPrincipalArn()
            : "the platform's IAM principal";
    return new KmsException(
        KmsFailure.NO_CREDENTIALS,
        "NoCredentialProviders: " + detail,
        code,
        "The platform principal ("
            + principal
            + ") must appear in the trust policy's Principal.AWS field;"
            + " ensure you saved the role after adding the trust policy. Operators: give the platform"
            + " its own AWS credentials (environment, profile, container or instance role)",
        null,
        e);
  }

  private String accessDeniedHint(AwsServiceException e, String operation, CmkRef ref) {
    Matcher action = KMS_ACTION.matcher(awsMessage(e));
    String denied = action.find() ? action.group() : "kms:" + operation;
    String key = keyForCli(awsMessage(e), ref);
    String showPolicy =
        "aws kms get-key-policy --key-id "
            + key
            + " --policy-name default --region "
            + ref.region();
    if (ref.roleArn() == null) {
      String principal =
          settings.platformPrincipalArn() != null
              ? settings.platformPrincipalArn()
              : "the platform's IAM role";
      return "The key policy must allow "
          + denied
          + ": add a statement with Principal.AWS "
          + principal
          + " and Action kms:Encrypt, kms:Decrypt, kms:GenerateDataKey, kms:DescribeKey (the cross-account"
          + " access statement). Check the key policy: "
          + showPolicy;
    }
    return "The role "
        + ref.roleArn()
        + " must be allowed "
        + denied
        + ": attach an inline policy allowing"
        + " kms:Encrypt and kms:Decrypt on the key ARN (no typos), e.g. aws iam put-role-policy --role-name "
        + roleName(ref.roleArn())
        + " --policy-name keyledger-kms --policy-document file://policy.json;"
        + " the key policy must also let the account use IAM policies (the default key policy does): "
        + showPolicy;
  }

  private String roleAssumptionHint(CmkRef ref) {
    String principal = platformAccountRoot();
    return "Check the trust policy of "
        + ref.roleArn()
        + ": Principal.AWS must be "
        + principal
        + ", Action sts:AssumeRole, and the sts:ExternalId condition must match the external_id you entered"
        + " exactly. Show it with: aws iam get-role --role-name "
        + roleName(ref.roleArn())
        + " --query 'Role.AssumeRolePolicyDocument'. Copy the role ARN from the IAM console; avoid"
        + " hand-typing the account ID";
  }

  /**
   * The platform account's root principal, which seed 001's trust policy names, from the principal
   * ARN.
   */
  private String platformAccountRoot() {
    String arn = settings.platformPrincipalArn();
    String[] parts = arn == null ? new String[0] : arn.split(":");
    return parts.length > 4 && !parts[4].isEmpty()
        ? "arn:aws:iam::" + parts[4] + ":root"
        : "the platform's AWS account";
  }

  private String endpoint(CmkRef ref) {
    URI override = settings.endpointOverride();
    return override != null
        ? override.toString()
        : "https://kms." + ref.region() + ".amazonaws.com";
  }

  private static boolean isMissingCredentials(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SdkClientException
          && t.getMessage() != null
          && t.getMessage().contains("Unable to load credentials")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The key for {@code enable-key} / {@code cancel-key-deletion}, which take no alias: the key ARN
   * from AWS's message, else the reference if it names a key, else a placeholder naming the alias.
   */
  private static String keyForCli(String awsMessage, CmkRef ref) {
    Matcher arn = KEY_ARN.matcher(awsMessage);
    if (arn.find()) {
      return arn.group();
    }
    boolean alias = ref.keyRef().startsWith("alias/") || ref.keyRef().contains(":alias/");
    return alias ? "<key id behind " + ref.keyRef() + ">" : ref.keyRef();
  }

  private static String code(AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    return details != null && details.errorCode() != null
        ? details.errorCode()
        : "HTTP " + e.statusCode();
  }

  private static String awsMessage(AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    return details != null && details.errorMessage() != null ? details.errorMessage() : "";
  }

  private static String roleName(String roleArn) {
    return roleArn.substring(roleArn.lastIndexOf('/') + 1);
  }

  private static long parseSeconds(String header) {
    try {
      return Math.max(1, Long.parseLong(header.trim()));
    } catch (NumberFormatException notSeconds) {
      // Retry-After may also be an HTTP date; the per-second quota window is the better advice
      // then.
      return DEFAULT_THROTTLE_RETRY_AFTER_SECONDS;
    }
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
