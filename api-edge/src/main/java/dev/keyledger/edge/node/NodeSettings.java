package dev.keyledger.edge.node;

import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.topology.TopicsAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything one KeyLedger instance needs to run.
 *
 * @param dataDir where the instance keeps its state: Streams stores, the dev JWT secret, the platform key, its id
 * @param kafka Kafka client settings passed through to every client (at least {@code bootstrap.servers})
 * @param applicationId the Kafka Streams application id (instances with the same id share the work)
 * @param topicPrefix prefix of every topic name
 * @param topics partitions, replication and topic overrides
 * @param httpHost address the HTTP edge binds
 * @param httpPort port of the HTTP edge (0 = ephemeral)
 * @param kms how the platform reaches AWS KMS and STS
 * @param rateLimits per-sub limits
 * @param commandWait how long a request waits for the fold before answering 202
 */
public record NodeSettings(Path dataDir, Map<String, Object> kafka, String applicationId, String topicPrefix,
    TopicsAdmin.Settings topics, String httpHost, int httpPort, AwsKmsSettings kms, RateLimitConfig rateLimits,
    Duration commandWait) {

  public NodeSettings withHttpPort(int port) {
    return new NodeSettings(dataDir, kafka, applicationId, topicPrefix, topics, httpHost, port, kms, rateLimits, commandWait);
  }

  public NodeSettings withRateLimits(RateLimitConfig limits) {
    return new NodeSettings(dataDir, kafka, applicationId, topicPrefix, topics, httpHost, httpPort, kms, limits, commandWait);
  }
}
