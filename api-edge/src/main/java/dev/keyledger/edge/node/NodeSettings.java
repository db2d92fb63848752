package dev.keyledger.edge.node;

import dev.keyledger.application.runtime.EngineSettings;
import dev.keyledger.edge.auth.OidcSettings;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.WorkerSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one KeyLedger instance needs to run.
 *
 * @param dataDir where the instance keeps its state: Streams stores, its id, and the JWT secret and
 *     the platform key unless {@code secrets} has them
 * @param kafka Kafka client settings passed through to every client (at least {@code
 *     bootstrap.servers})
 * @param applicationId the Kafka Streams application id (instances with the same id share the work)
 * @param topicPrefix prefix of every topic name
 * @param topics partitions, replication and topic overrides
 * @param httpHost address the HTTP edge binds
 * @param httpPort port of the HTTP edge (0 = ephemeral)
 * @param managementPort port of {@code /metrics}, {@code /healthz} and {@code /readyz}, on {@code
 *     httpHost} (0 = ephemeral)
 * @param kms how the platform reaches AWS KMS and STS
 * @param rateLimits per-sub limits
 * @param commandWait how long a request waits for the fold before answering 202
 * @param keyring TTLs of plaintext keys in memory
 * @param usageFlush how often data-plane counts are folded into the tenant's state
 * @param workers periods of the seal watcher, the CMK validator and the rewrap worker
 * @param clock the time of commands, tokens and key TTLs (the system UTC clock; tests move their
 *     own)
 * @param identityProvider whose tokens the edge accepts ({@code auth.mode=jwks}); empty = HS256
 *     tokens signed with the data dir's secret (dev mode, {@code auth.mode=shared-secret})
 * @param advertisedHost the host this instance is reached at by the others, when not {@code
 *     httpHost} (null = {@code httpHost}); with the HTTP port it is {@code application.server}
 * @param secrets the secrets from configuration, in memory; what is empty comes from the data dir
 */
public record NodeSettings(
    Path dataDir,
    Map<String, Object> kafka,
    String applicationId,
    String topicPrefix,
    TopicsAdmin.Settings topics,
    String httpHost,
    int httpPort,
    int managementPort,
    AwsKmsSettings kms,
    RateLimitConfig rateLimits,
    Duration commandWait,
    KeyringSettings keyring,
    Duration usageFlush,
    WorkerSettings workers,
    Clock clock,
    Optional<OidcSettings> identityProvider,
    String advertisedHost,
    NodeSecrets secrets) {

  /**
   * The host other instances and clients reach this one at ({@code application.server}): {@link
   * #advertisedHost} if set, else {@link #httpHost}.
   */
  public String reachableHost() {
    return advertisedHost == null ? httpHost : advertisedHost;
  }

  /** The engine's part of these settings. */
  public EngineSettings engine() {
    return new EngineSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        kms,
        commandWait,
        keyring,
        usageFlush,
        workers,
        clock,
        secrets.platformKey());
  }

  /**
   * Dev and test defaults for what most callers leave alone; the management port is ephemeral
   * ({@code dev} and {@code serve} set theirs).
   */
  public static NodeSettings of(
      Path dataDir,
      Map<String, Object> kafka,
      String applicationId,
      String topicPrefix,
      TopicsAdmin.Settings topics,
      String httpHost,
      int httpPort,
      AwsKmsSettings kms) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        0,
        kms,
        RateLimitConfig.defaults(),
        Duration.ofSeconds(10),
        KeyringSettings.defaults(),
        Duration.ofSeconds(5),
        WorkerSettings.defaults(),
        Clock.systemUTC(),
        Optional.empty(),
        null,
        NodeSecrets.FROM_DATA_DIR);
  }

  public NodeSettings withManagementPort(int port) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        port,
        kms,
        rateLimits,
        commandWait,
        keyring,
        usageFlush,
        workers,
        clock,
        identityProvider,
        advertisedHost,
        secrets);
  }

  public NodeSettings withKeyring(KeyringSettings settings) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        settings,
        usageFlush,
        workers,
        clock,
        identityProvider,
        advertisedHost,
        secrets);
  }

  public NodeSettings withUsageFlush(Duration period) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        keyring,
        period,
        workers,
        clock,
        identityProvider,
        advertisedHost,
        secrets);
  }

  public NodeSettings withTopics(TopicsAdmin.Settings settings) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        settings,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        keyring,
        usageFlush,
        workers,
        clock,
        identityProvider,
        advertisedHost,
        secrets);
  }

  public NodeSettings withRateLimits(RateLimitConfig limits) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        limits,
        commandWait,
        keyring,
        usageFlush,
        workers,
        clock,
        identityProvider,
        advertisedHost,
        secrets);
  }

  public NodeSettings withWorkers(WorkerSettings settings) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        keyring,
        usageFlush,
        settings,
        clock,
        identityProvider,
        advertisedHost,
        secrets);
  }

  /** The same settings with more Kafka client settings (they win over the ones already there). */
  public NodeSettings withKafka(Map<String, Object> more) {
    Map<String, Object> merged = new java.util.HashMap<>(kafka);
    merged.putAll(more);
    return new NodeSettings(
        dataDir,
        Map.copyOf(merged),
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        keyring,
        usageFlush,
        workers,
        clock,
        identityProvider,
        advertisedHost,
        secrets);
  }

  public NodeSettings withClock(Clock other) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        keyring,
        usageFlush,
        workers,
        other,
        identityProvider,
        advertisedHost,
        secrets);
  }

  public NodeSettings withCommandWait(Duration wait) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        wait,
        keyring,
        usageFlush,
        workers,
        clock,
        identityProvider,
        advertisedHost,
        secrets);
  }

  /** The same settings with the edge accepting tokens of {@code idp} instead of HS256 tokens. */
  public NodeSettings withIdentityProvider(OidcSettings idp) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        keyring,
        usageFlush,
        workers,
        clock,
        Optional.of(idp),
        advertisedHost,
        secrets);
  }

  /** The same settings with {@code host} as the address the other instances reach this one at. */
  public NodeSettings withAdvertisedHost(String host) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        keyring,
        usageFlush,
        workers,
        clock,
        identityProvider,
        host,
        secrets);
  }

  /** The same settings with secrets from configuration instead of the data dir. */
  public NodeSettings withSecrets(NodeSecrets configured) {
    return new NodeSettings(
        dataDir,
        kafka,
        applicationId,
        topicPrefix,
        topics,
        httpHost,
        httpPort,
        managementPort,
        kms,
        rateLimits,
        commandWait,
        keyring,
        usageFlush,
        workers,
        clock,
        identityProvider,
        advertisedHost,
        configured);
  }
}
