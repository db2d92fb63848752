package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

class FaultInjectionTest {
  private static LocalKms localKms;
  private static AwsClients aws;
  private static KmsClient retrying;
  private static KmsClient noRetry;
  private static String keyArn;

  @BeforeAll
  static void start() throws IOException {
    localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    aws = new AwsClients(localKms);
    retrying =
        aws.kms(
            AwsClients.customer(),
            Region.US_EAST_1,
            o ->
                o.retryStrategy(
                    AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(3)
                        .backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(5)))
                        .throttlingBackoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(5)))
                        .build()));
    noRetry =
        aws.kms(
            AwsClients.customer(),
            Region.US_EAST_1,
            o ->
                o.retryStrategy(AwsRetryStrategy.doNotRetry())
                    .apiCallAttemptTimeout(Duration.ofMillis(500)));
    keyArn = noRetry.createKey(r -> r.description("faults")).keyMetadata().arn();
  }

  @AfterEach
  void clearFaults() {
    localKms.faults().clear();
  }

  @AfterAll
  static void stop() {
    retrying.close();
    noRetry.close();
    localKms.close();
  }

  @Test
  void throttlingIsSeenAsThrottlingExceptionAfterTheSdkRetries() {
    localKms.faults().throttle();
    assertThatThrownBy(() -> retrying.describeKey(r -> r.keyId(keyArn)))
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
              assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
              assertThat(e.isThrottlingException()).isTrue();
              assertThat(e.numAttempts()).isEqualTo(3);
            });
  }

  @Test
  void aBoundedThrottleOfOneOperationIsAbsorbedByRetries() {
    localKms.faults().throttle(2, "Encrypt");
    assertThat(noRetry.describeKey(r -> r.keyId(keyArn)).keyMetadata().arn()).isEqualTo(keyArn);
    assertThat(
            retrying.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))).keyId())
        .isEqualTo(keyArn);
    assertThat(localKms.faults().current().throttle()).isNull();
  }

  @Test
  void stsIsThrottledInItsOwnDialect() {
    localKms.faults().throttle(5, "GetCallerIdentity");
    try (StsClient sts = aws.sts(AwsClients.customer())) {
      assertThatThrownBy(sts::getCallerIdentity)
          .isInstanceOfSatisfying(
              StsException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling"));
    }
  }

  @Test
  void latencyIsAddedBeforeTheAnswer() {
    localKms.faults().latency(Duration.ofMillis(300));
    long start = System.nanoTime();
    noRetry.describeKey(r -> r.keyId(keyArn));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void refusedConnectionsAreSdkClientExceptionsUntilCleared() {
    localKms.faults().refuseConnections(true);
    assertThatThrownBy(() -> noRetry.describeKey(r -> r.keyId(keyArn)))
        .isInstanceOf(SdkClientException.class);
    localKms.faults().refuseConnections(false);
    assertThat(noRetry.describeKey(r -> r.keyId(keyArn)).keyMetadata().arn()).isEqualTo(keyArn);
  }

  @Test
  void aHangTimesTheClientOutUntilCleared() {
    localKms.faults().hang(true);
    assertThatThrownBy(() -> noRetry.describeKey(r -> r.keyId(keyArn)))
        .isInstanceOf(ApiCallAttemptTimeoutException.class);
    localKms.faults().clear();
    assertThat(noRetry.describeKey(r -> r.keyId(keyArn)).keyMetadata().arn()).isEqualTo(keyArn);
  }

  @Test
  void theAdminEndpointSetsShowsAndClearsFaults() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI faults = URI.create(localKms.endpoint() + "/_localkms/faults");
    HttpResponse<String> set =
        http.send(
            HttpRequest.newBuilder(faults)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"throttle\":{\"count\":1,\"operation\":\"ListKeys\"},\"latency_ms\":5}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(localKms.faults().current())
        .isEqualTo(new FaultSpec(new FaultSpec.Throttle(1, "ListKeys"), 5, false, false));
    assertThat(
            http.send(
                    HttpRequest.newBuilder(faults).GET().build(),
                    HttpResponse.BodyHandlers.ofString())
                .body())
        .contains("\"count\":1")
        .contains("\"operation\":\"ListKeys\"")
        .contains("\"latency_ms\":5");

    assertThatThrownBy(noRetry::listKeys)
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException"));
    assertThat(noRetry.listKeys().keys()).isNotEmpty();

    localKms.faults().refuseConnections(true);
    HttpResponse<String> cleared =
        http.send(
            HttpRequest.newBuilder(faults).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(cleared.statusCode()).isEqualTo(200);
    assertThat(localKms.faults().current()).isEqualTo(FaultSpec.none());

    HttpResponse<String> bad =
        http.send(
            HttpRequest.newBuilder(faults)
                .POST(HttpRequest.BodyPublishers.ofString("{\"latency_ms\":-1}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("latency_ms must be >= 0");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(faults)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"trottle\":{}}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void faultsCanBeActiveFromStartUp() throws IOException {
    LocalKmsConfig config =
        LocalKmsConfig.defaults()
            .withPort(0)
            .withInitialFaults(new FaultSpec(FaultSpec.Throttle.always(), 0, false, false));
    try (LocalKms throttled = LocalKms.start(config);
        KmsClient client =
            new AwsClients(throttled)
                .kms(
                    AwsClients.customer(),
                    Region.US_EAST_1,
                    o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))) {
      assertThatThrownBy(client::listKeys)
          .isInstanceOfSatisfying(
              KmsException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException"));
    }
  }
}
