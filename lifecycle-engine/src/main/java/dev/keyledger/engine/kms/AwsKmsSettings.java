package dev.keyledger.engine.kms;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * How {@link AwsCustomerKms} reaches AWS. Every call is bounded: each HTTP attempt by {@code
 * attemptTimeout} (also the connect and socket timeout), the whole call, retries and backoff
 * included, by {@code totalTimeout}; at most {@code maxAttempts} attempts.
 *
 * @param endpointOverride one endpoint for both KMS and STS (local-kms, a VPC endpoint); null =
 *     real AWS
 * @param platformCredentials the platform's own credentials (never a customer's)
 * @param attemptTimeout bound of one HTTP attempt
 * @param totalTimeout bound of one call, all attempts and backoff included
 * @param maxAttempts attempts per call, first one included (1 = no retry)
 * @param stsSessionName {@code RoleSessionName} for AssumeRole (shows in the customer's CloudTrail)
 * @param platformPrincipalArn the platform's IAM principal, named in hints (e.g. which principal a
 *     key policy must grant); null when unknown
 */
public record AwsKmsSettings(
    URI endpointOverride,
    AwsCredentialsProvider platformCredentials,
    Duration attemptTimeout,
    Duration totalTimeout,
    int maxAttempts,
    String stsSessionName,
    String platformPrincipalArn) {

  public AwsKmsSettings {
    Objects.requireNonNull(platformCredentials, "platformCredentials");
    Objects.requireNonNull(attemptTimeout, "attemptTimeout");
    Objects.requireNonNull(totalTimeout, "totalTimeout");
    Objects.requireNonNull(stsSessionName, "stsSessionName");
    if (attemptTimeout.isNegative()
        || attemptTimeout.isZero()
        || totalTimeout.compareTo(attemptTimeout) < 0) {
      throw new IllegalArgumentException("need 0 < attemptTimeout <= totalTimeout");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }

  /** Real AWS, the default credentials chain, attempt 2 s, total 6 s, 3 attempts. */
  public static AwsKmsSettings defaults() {
    return new AwsKmsSettings(
        null,
        DefaultCredentialsProvider.builder().build(),
        Duration.ofSeconds(2),
        Duration.ofSeconds(6),
        3,
        "keyledger",
        null);
  }

  public AwsKmsSettings withEndpointOverride(URI endpoint) {
    return new AwsKmsSettings(
        endpoint,
        platformCredentials,
        attemptTimeout,
        totalTimeout,
        maxAttempts,
        stsSessionName,
        platformPrincipalArn);
  }

  public AwsKmsSettings withPlatformCredentials(
      AwsCredentialsProvider credentials, String principalArn) {
    return new AwsKmsSettings(
        endpointOverride,
        credentials,
        attemptTimeout,
        totalTimeout,
        maxAttempts,
        stsSessionName,
        principalArn);
  }

  public AwsKmsSettings withTimeouts(Duration attempt, Duration total, int attempts) {
    return new AwsKmsSettings(
        endpointOverride,
        platformCredentials,
        attempt,
        total,
        attempts,
        stsSessionName,
        platformPrincipalArn);
  }
}
