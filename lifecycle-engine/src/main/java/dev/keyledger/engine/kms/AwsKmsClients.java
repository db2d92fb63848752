package dev.keyledger.engine.kms;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * One {@link KmsClient} per (region, role, external id), built on first use and closed with this
 * object. Access model (a) signs with the platform credentials; model (b) with credentials that an
 * {@link StsAssumeRoleCredentialsProvider} obtains (and refreshes) by assuming the customer's role
 * with the platform credentials. All clients share one HTTP client and the same bounds: per-attempt
 * and total timeouts, and the SDK's standard retry strategy with full-jitter exponential backoff.
 */
final class AwsKmsClients implements AutoCloseable {
  /**
   * Least privilege in time: assumed-role sessions last the STS minimum and are refreshed before
   * expiry.
   */
  private static final int ASSUMED_ROLE_SESSION_SECONDS = 900;

  private static final Duration BASE_BACKOFF = Duration.ofMillis(50);
  private static final Duration THROTTLING_BASE_BACKOFF = Duration.ofMillis(250);

  private record ClientKey(String region, String roleArn, String externalId) {}

  private final AwsKmsSettings settings;
  private final SdkHttpClient http;
  private final Map<ClientKey, KmsClient> kmsClients = new ConcurrentHashMap<>();
  private final List<SdkAutoCloseable> roleResources = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  AwsKmsClients(AwsKmsSettings settings) {
    this.settings = settings;
    this.http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(settings.attemptTimeout())
            .socketTimeout(settings.attemptTimeout())
            .build();
  }

  KmsClient forRef(CmkRef ref) {
    if (closed) {
      throw new IllegalStateException("AwsCustomerKms is closed");
    }
    return kmsClients.computeIfAbsent(
        new ClientKey(ref.region(), ref.roleArn(), ref.externalId()), this::build);
  }

  private KmsClient build(ClientKey key) {
    AwsCredentialsProvider credentials =
        key.roleArn() == null ? settings.platformCredentials() : assumeRole(key);
    KmsClientBuilder builder =
        KmsClient.builder()
            .region(Region.of(key.region()))
            .credentialsProvider(credentials)
            .httpClient(http)
            .overrideConfiguration(bounds());
    if (settings.endpointOverride() != null) {
      builder.endpointOverride(settings.endpointOverride());
    }
    return builder.build();
  }

  private AwsCredentialsProvider assumeRole(ClientKey key) {
    StsClientBuilder stsBuilder =
        StsClient.builder()
            .region(Region.of(key.region()))
            .credentialsProvider(settings.platformCredentials())
            .httpClient(http)
            .overrideConfiguration(bounds());
    if (settings.endpointOverride() != null) {
      stsBuilder.endpointOverride(settings.endpointOverride());
    }
    StsClient sts = stsBuilder.build();
    StsAssumeRoleCredentialsProvider provider =
        StsAssumeRoleCredentialsProvider.builder()
            .stsClient(sts)
            .refreshRequest(
                r ->
                    r.roleArn(key.roleArn())
                        .externalId(key.externalId())
                        .roleSessionName(settings.stsSessionName())
                        .durationSeconds(ASSUMED_ROLE_SESSION_SECONDS))
            .build();
    roleResources.add(provider);
    roleResources.add(sts);
    return provider;
  }

  private ClientOverrideConfiguration bounds() {
    return ClientOverrideConfiguration.builder()
        .apiCallAttemptTimeout(settings.attemptTimeout())
        .apiCallTimeout(settings.totalTimeout())
        .retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(
                    BackoffStrategy.exponentialDelay(BASE_BACKOFF, settings.attemptTimeout()))
                .throttlingBackoffStrategy(
                    BackoffStrategy.exponentialDelay(
                        THROTTLING_BASE_BACKOFF, settings.attemptTimeout()))
                .build())
        .build();
  }

  @Override
  public void close() {
    closed = true;
    kmsClients.values().forEach(KmsClient::close);
    kmsClients.clear();
    roleResources.forEach(SdkAutoCloseable::close);
    roleResources.clear();
    http.close();
  }
}
