package dev.keyledger.application.runtime;

import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.WorkerSettings;
import dev.keyledger.envelope.SecretBytes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the engine of one instance needs to run (the edge's own settings are apart).
 *
 * @param dataDir where the instance keeps its state: Streams stores, the platform key, its id
 * @param kafka Kafka client settings passed through to every client (at least {@code
 *     bootstrap.servers})
 * @param applicationId the Kafka Streams application id (instances with the same id share the work)
 * @param topicPrefix prefix of every topic name
 * @param topics partitions, replication and topic overrides
 * @param kms how the platform reaches AWS KMS and STS
 * @param commandWait how long a caller waits for the fold before its answer is pending
 * @param keyring TTLs of plaintext keys in memory
 * @param usageFlush how often data-plane counts are folded into the tenant's state
 * @param workers periods of the seal watcher, the CMK validator and the rewrap worker
 * @param clock the time of commands and key TTLs (the system UTC clock; tests move their own)
 * @param platformKey the platform key from configuration (copied at start); empty = {@code
 *     <dataDir>/platform.key}, created on first start (dev mode)
 */
public record EngineSettings(
    Path dataDir,
    Map<String, Object> kafka,
    String applicationId,
    String topicPrefix,
    TopicsAdmin.Settings topics,
    AwsKmsSettings kms,
    Duration commandWait,
    KeyringSettings keyring,
    Duration usageFlush,
    WorkerSettings workers,
    Clock clock,
    Optional<SecretBytes> platformKey) {}
