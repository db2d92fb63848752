package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

class SigV4Test {
  private static LocalKms localKms;
  private static AwsClients aws;

  @BeforeAll
  static void start() throws IOException {
    localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    aws = new AwsClients(localKms);
  }

  @AfterAll
  static void stop() {
    localKms.close();
  }

  @Test
  void kmsAcceptsGoodSignatureAndRejectsBadSecretAndUnknownKey() {
    try (KmsClient good = aws.kms(AwsClients.customer());
        KmsClient badSecret = aws.kms(AwsBasicCredentials.create("test", "wrong"));
        KmsClient unknown = aws.kms(AwsBasicCredentials.create("AKIAUNKNOWN", "test"))) {
      assertThat(good.listKeys().truncated()).isFalse();
      assertThatThrownBy(badSecret::listKeys)
          .isInstanceOfSatisfying(
              KmsException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                assertThat(e.statusCode()).isEqualTo(400);
              });
      assertThatThrownBy(unknown::listKeys)
          .isInstanceOfSatisfying(
              KmsException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode())
                    .isEqualTo("UnrecognizedClientException");
                assertThat(e.getMessage())
                    .contains("The security token included in the request is invalid");
              });
    }
  }

  @Test
  void stsAndIamAnswerInTheirOwnDialect() {
    try (StsClient good = aws.sts(AwsClients.customer());
        StsClient badSecret = aws.sts(AwsBasicCredentials.create("test", "wrong"));
        IamClient unknownIam = aws.iam(AwsBasicCredentials.create("AKIAUNKNOWN", "x"));
        IamClient badIam = aws.iam(AwsBasicCredentials.create("test", "wrong"))) {
      GetCallerIdentityResponse me = good.getCallerIdentity();
      assertThat(me.arn()).isEqualTo("arn:aws:iam::111122223333:root");
      assertThat(me.account()).isEqualTo("111122223333");
      assertThatThrownBy(badSecret::getCallerIdentity)
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                assertThat(e.statusCode()).isEqualTo(403);
              });
      assertThatThrownBy(() -> unknownIam.getRole(r -> r.roleName("x")))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                assertThat(e.statusCode()).isEqualTo(403);
              });
      assertThatThrownBy(() -> badIam.getRole(r -> r.roleName("x")))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
    }
  }

  @Test
  void platformCredentialsActAsThePlatformPrincipal() {
    try (StsClient sts = aws.sts(AwsClients.platform())) {
      GetCallerIdentityResponse me = sts.getCallerIdentity();
      assertThat(me.arn()).isEqualTo(AwsClients.PLATFORM_ARN);
      assertThat(me.account()).isEqualTo("000000000000");
    }
  }

  @Test
  void unsignedRequestIsRejected() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(localKms.endpoint() + "/"))
                    .header("X-Amz-Target", "TrentService.ListKeys")
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("MissingAuthenticationTokenException");
  }
}
