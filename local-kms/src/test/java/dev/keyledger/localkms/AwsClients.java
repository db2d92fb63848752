package dev.keyledger.localkms;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** Real AWS SDK v2 clients pointed at a {@link LocalKms}, as the product configures them. */
final class AwsClients {
  static final String PLATFORM_ARN = "arn:aws:iam::000000000000:role/keyledger-service";
  static final String CUSTOMER_ACCOUNT = "111122223333";

  private final LocalKms kms;

  AwsClients(LocalKms kms) {
    this.kms = kms;
  }

  static AwsCredentials customer() {
    return AwsBasicCredentials.create("test", "test");
  }

  static AwsCredentials platform() {
    return AwsBasicCredentials.create("keyledger-dev", "keyledger-dev-secret");
  }

  static AwsCredentials session(Credentials c) {
    return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
  }

  KmsClient kms(AwsCredentials credentials) {
    return kms(credentials, Region.US_EAST_1, b -> {});
  }

  KmsClient kms(AwsCredentials credentials, Region region) {
    return kms(credentials, region, b -> {});
  }

  KmsClient kms(
      AwsCredentials credentials,
      Region region,
      java.util.function.Consumer<ClientOverrideConfiguration.Builder> override) {
    return KmsClient.builder()
        .endpointOverride(kms.endpoint())
        .region(region)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(httpClient())
        .overrideConfiguration(override)
        .build();
  }

  StsClient sts(AwsCredentials credentials) {
    return StsClient.builder()
        .endpointOverride(kms.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(httpClient())
        .build();
  }

  IamClient iam(AwsCredentials credentials) {
    return IamClient.builder()
        .endpointOverride(kms.endpoint())
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(httpClient())
        .build();
  }

  private static software.amazon.awssdk.http.SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(10))
        .build();
  }
}
