package dev.keyledger.engine.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Failures that need no KMS at all: nothing listening, an endpoint that never answers, no
 * credentials.
 */
class AwsCustomerKmsNetworkTest {
  private static final String KEY =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final CmkRef REF = CmkRef.aws(KEY, "us-east-1");
  private static final Duration ATTEMPT = Duration.ofMillis(300);
  private static final Duration TOTAL = Duration.ofSeconds(1);

  @Test
  void aClosedPortIsUnreachable() throws IOException {
    URI closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    try (var kms = new AwsCustomerKms(settings(closed))) {
      var e =
          catchThrowableOfType(KmsException.class, () -> kms.encrypt(REF, Map.of(), new byte[32]));

      assertThat(e.failure()).isEqualTo(KmsFailure.UNREACHABLE);
      assertThat(e.failure().sealsTenant()).isTrue();
      assertThat(e.getMessage()).startsWith("KMS unreachable: cannot reach " + closed);
    }
  }

  @Test
  void anEndpointThatNeverAnswersTimesOutWithinTheTotalBound() throws IOException {
    // The kernel completes the TCP handshake from the backlog; nobody ever reads or answers.
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var kms =
            new AwsCustomerKms(
                settings(URI.create("http://127.0.0.1:" + blackHole.getLocalPort())))) {
      catchThrowableOfType(
          KmsException.class, () -> kms.describe(REF)); // warm-up: SDK class loading
      long start = System.nanoTime();
      var e = catchThrowableOfType(KmsException.class, () -> kms.describe(REF));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(e.failure()).isEqualTo(KmsFailure.TIMEOUT);
      assertThat(e.getMessage()).startsWith("Verification timed out");
      assertThat(e.hint()).contains("pending-deletion", "aws kms describe-key --key-id " + KEY);
      assertThat(elapsed).isLessThan(TOTAL.plusMillis(500));
    }
  }

  @Test
  void noPlatformCredentialsIsNoCredentialProvidersInBothAccessModels() {
    // What the default chain does on a host without any credentials: every provider in it comes up
    // empty.
    var nothing =
        AwsCredentialsProviderChain.of(
            ProfileCredentialsProvider.builder()
                .profileFile(
                    ProfileFile.builder()
                        .content(new ByteArrayInputStream(new byte[0]))
                        .type(ProfileFile.Type.CREDENTIALS)
                        .build())
                .profileName("keyledger")
                .build());
    var settings =
        settings(URI.create("http://127.0.0.1:9"))
            .withPlatformCredentials(nothing, "arn:aws:iam::000000000000:role/keyledger-service");
    var withRole =
        CmkRef.awsWithRole(
            KEY, "us-east-1", "arn:aws:iam::111122223333:role/KeyLedgerKmsAccess", "x");

    try (var kms = new AwsCustomerKms(settings)) {
      for (CmkRef ref : new CmkRef[] {REF, withRole}) {
        var e =
            catchThrowableOfType(
                KmsException.class, () -> kms.encrypt(ref, Map.of(), new byte[32]));

        assertThat(e.failure()).isEqualTo(KmsFailure.NO_CREDENTIALS);
        assertThat(e.getMessage()).startsWith("NoCredentialProviders");
        assertThat(e.hint())
            .contains("arn:aws:iam::000000000000:role/keyledger-service", "Principal.AWS");
      }
    }
  }

  @Test
  void aKeyArnOfAnotherRegionIsRefusedBeforeAnyCall() {
    try (var kms = new AwsCustomerKms(settings(URI.create("http://127.0.0.1:9")))) {
      var e =
          catchThrowableOfType(
              KmsException.class, () -> kms.describe(CmkRef.aws(KEY, "eu-west-1")));

      assertThat(e.failure()).isEqualTo(KmsFailure.WRONG_REGION);
      assertThat(e.hint()).contains("us-east-1");
    }
  }

  private static AwsKmsSettings settings(URI endpoint) {
    return AwsKmsSettings.defaults()
        .withEndpointOverride(endpoint)
        .withPlatformCredentials(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("keyledger-dev", "keyledger-dev-secret")),
            null)
        .withTimeouts(ATTEMPT, TOTAL, 3);
  }
}
