package dev.keyledger.edge.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.keyledger.edge.cli.log.EventLog;
import dev.keyledger.engine.topology.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The flags of the commands that read the event log ({@code audit verify}, {@code replay}, {@code
 * tail}): which cluster, which topics, how long to wait for the broker.
 */
final class LogOptions {

  @Option(
      names = "--bootstrap-server",
      paramLabel = "HOST:PORT",
      defaultValue = DevCommand.DEFAULT_HOST + ":" + DevCommand.DEFAULT_KAFKA_PORT,
      description = "Kafka to read (default: ${DEFAULT-VALUE}, dev mode's broker).")
  String bootstrapServer;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      defaultValue = "keyledger",
      description =
          "The node's topic.prefix: the event log is PREFIX.events (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description =
          "Longest wait for the broker before giving up with exit code 3 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description =
          "Kafka client settings as a properties file (security.protocol, sasl.*, ssl.*), as Kafka's own tools take them.")
  Path commandConfig;

  /**
   * Opens the event log these flags name. The Kafka client's network warnings are silenced first:
   * while a broker is unreachable it logs one per reconnect attempt, and the reader reports the
   * failure itself, in one line, when the timeout ends.
   */
  EventLog open() throws IOException {
    if (LoggerFactory.getLogger(NetworkClient.class) instanceof Logger logback) {
      logback.setLevel(Level.ERROR);
    }
    return EventLog.open(kafka(), new Topics(topicPrefix).events().name(), timeout);
  }

  /** The Kafka client settings: the {@code --command-config} file, then the bootstrap servers. */
  Map<String, Object> kafka() throws IOException {
    Map<String, Object> kafka = new HashMap<>();
    if (commandConfig != null) {
      Properties file = new Properties();
      try (Reader in = Files.newBufferedReader(commandConfig)) {
        file.load(in);
      }
      file.stringPropertyNames().forEach(name -> kafka.put(name, file.getProperty(name)));
    }
    kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
    return kafka;
  }
}
