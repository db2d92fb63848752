package dev.keyledger.localkms;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Start-up configuration of {@link LocalKms}.
 *
 * <p>Two accounts are known: the platform's own account (derived from {@code platformPrincipalArn},
 * whose access key maps to that principal) and one customer account, whose access key maps to
 * {@code arn:aws:iam::<customerAccountId>:root}.
 *
 * @param host interface to bind, e.g. {@code 127.0.0.1}
 * @param port TCP port; 0 picks an ephemeral port
 * @param dataDir directory holding the persisted state; null keeps everything in memory
 * @param platformPrincipalArn IAM ARN the platform credentials act as
 * @param initialFaults faults active from start-up (see {@link FaultInjector})
 */
public record LocalKmsConfig(
    String host,
    int port,
    Path dataDir,
    String platformPrincipalArn,
    String platformAccessKeyId,
    String platformSecretAccessKey,
    String customerAccountId,
    String customerAccessKeyId,
    String customerSecretAccessKey,
    FaultSpec initialFaults) {

  public LocalKmsConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(platformPrincipalArn, "platformPrincipalArn");
    Objects.requireNonNull(platformAccessKeyId, "platformAccessKeyId");
    Objects.requireNonNull(platformSecretAccessKey, "platformSecretAccessKey");
    Objects.requireNonNull(customerAccountId, "customerAccountId");
    Objects.requireNonNull(customerAccessKeyId, "customerAccessKeyId");
    Objects.requireNonNull(customerSecretAccessKey, "customerSecretAccessKey");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    if (!platformPrincipalArn.matches("arn:aws:iam::\\d{12}:(role|user)/[\\w+=,.@/-]+")) {
      throw new IllegalArgumentException(
          "platformPrincipalArn must be an IAM role or user ARN: " + platformPrincipalArn);
    }
    if (!customerAccountId.matches("\\d{12}")) {
      throw new IllegalArgumentException(
          "customerAccountId must be 12 digits: " + customerAccountId);
    }
    if (platformAccessKeyId.equals(customerAccessKeyId)) {
      throw new IllegalArgumentException("platform and customer access key ids must differ");
    }
    initialFaults = initialFaults == null ? FaultSpec.none() : initialFaults;
  }

  /** The same configuration without initial faults. */
  public LocalKmsConfig(
      String host,
      int port,
      Path dataDir,
      String platformPrincipalArn,
      String platformAccessKeyId,
      String platformSecretAccessKey,
      String customerAccountId,
      String customerAccessKeyId,
      String customerSecretAccessKey) {
    this(
        host,
        port,
        dataDir,
        platformPrincipalArn,
        platformAccessKeyId,
        platformSecretAccessKey,
        customerAccountId,
        customerAccessKeyId,
        customerSecretAccessKey,
        FaultSpec.none());
  }

  /**
   * Dev-mode defaults: 127.0.0.1:4566, in memory, platform role {@code keyledger-service}, customer
   * 111122223333 ({@code test}/{@code test}).
   */
  public static LocalKmsConfig defaults() {
    return new LocalKmsConfig(
        "127.0.0.1",
        4566,
        null,
        "arn:aws:iam::000000000000:role/keyledger-service",
        "keyledger-dev",
        "keyledger-dev-secret",
        "111122223333",
        "test",
        "test");
  }

  /** The platform principal's account id. */
  public String platformAccountId() {
    return platformPrincipalArn.split(":")[4];
  }

  public LocalKmsConfig withHost(String newHost) {
    return new LocalKmsConfig(
        newHost,
        port,
        dataDir,
        platformPrincipalArn,
        platformAccessKeyId,
        platformSecretAccessKey,
        customerAccountId,
        customerAccessKeyId,
        customerSecretAccessKey,
        initialFaults);
  }

  public LocalKmsConfig withPort(int newPort) {
    return new LocalKmsConfig(
        host,
        newPort,
        dataDir,
        platformPrincipalArn,
        platformAccessKeyId,
        platformSecretAccessKey,
        customerAccountId,
        customerAccessKeyId,
        customerSecretAccessKey,
        initialFaults);
  }

  public LocalKmsConfig withDataDir(Path newDataDir) {
    return new LocalKmsConfig(
        host,
        port,
        newDataDir,
        platformPrincipalArn,
        platformAccessKeyId,
        platformSecretAccessKey,
        customerAccountId,
        customerAccessKeyId,
        customerSecretAccessKey,
        initialFaults);
  }

  public LocalKmsConfig withPlatformPrincipal(
      String arn, String accessKeyId, String secretAccessKey) {
    return new LocalKmsConfig(
        host,
        port,
        dataDir,
        arn,
        accessKeyId,
        secretAccessKey,
        customerAccountId,
        customerAccessKeyId,
        customerSecretAccessKey,
        initialFaults);
  }

  public LocalKmsConfig withCustomer(String accountId, String accessKeyId, String secretAccessKey) {
    return new LocalKmsConfig(
        host,
        port,
        dataDir,
        platformPrincipalArn,
        platformAccessKeyId,
        platformSecretAccessKey,
        accountId,
        accessKeyId,
        secretAccessKey,
        initialFaults);
  }

  public LocalKmsConfig withInitialFaults(FaultSpec faults) {
    return new LocalKmsConfig(
        host,
        port,
        dataDir,
        platformPrincipalArn,
        platformAccessKeyId,
        platformSecretAccessKey,
        customerAccountId,
        customerAccessKeyId,
        customerSecretAccessKey,
        faults);
  }

  /** Secrets are never printed. */
  @Override
  public String toString() {
    return "LocalKmsConfig[host="
        + host
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", platformPrincipalArn="
        + platformPrincipalArn
        + ", platformAccessKeyId="
        + platformAccessKeyId
        + ", customerAccountId="
        + customerAccountId
        + ", customerAccessKeyId="
        + customerAccessKeyId
        + ", initialFaults="
        + initialFaults
        + "]";
  }
}
