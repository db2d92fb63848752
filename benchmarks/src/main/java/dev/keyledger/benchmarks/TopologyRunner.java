package dev.keyledger.benchmarks;

import dev.keyledger.engine.topology.StreamsProperties;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * One Kafka Streams client running a topology with the node's own settings ({@link
 * StreamsProperties#of}, as {@code StreamsRunner} builds them), started and waited for until
 * RUNNING. The one setting changed is {@code processing.guarantee}, which the node pins to {@code
 * exactly_once_v2} and the benchmark varies.
 */
final class TopologyRunner implements AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaStreams streams;
  private final String threadPrefix;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private TopologyRunner(KafkaStreams streams, String applicationId) {
    this.streams = streams;
    this.threadPrefix = applicationId + "-";
  }

  /**
   * Builds the topology {@code topology} adds to a fresh builder and starts it.
   *
   * @param applicationId the consumer group; the same id and state directory continue a fold
   * @param guarantee {@code exactly_once_v2} or {@code at_least_once}
   */
  static TopologyRunner start(
      Map<String, Object> kafka,
      String applicationId,
      Path stateDir,
      String guarantee,
      Consumer<StreamsBuilder> topology)
      throws InterruptedException {
    Properties props =
        StreamsProperties.of(kafka, applicationId, stateDir, "127.0.0.1:8080", 1, "bench");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    StreamsBuilder builder = new StreamsBuilder();
    topology.accept(builder);
    TopologyRunner runner =
        new TopologyRunner(new KafkaStreams(builder.build(props), props), applicationId);
    try {
      runner.awaitRunning(applicationId);
      return runner;
    } catch (InterruptedException | RuntimeException e) {
      runner.close();
      throw e;
    }
  }

  private void awaitRunning(String applicationId) throws InterruptedException {
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.compareAndSet(null, e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          }
        });
    streams.start();
    if (!running.await(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          applicationId + " did not reach RUNNING (state " + streams.state() + ")");
    }
  }

  /** Throws if a stream thread has failed or the client is no longer running. */
  void checkHealthy() {
    if (failure.get() != null) {
      throw new IllegalStateException("a stream thread failed", failure.get());
    }
    KafkaStreams.State state = streams.state();
    if (state == KafkaStreams.State.ERROR
        || state == KafkaStreams.State.PENDING_ERROR
        || state == KafkaStreams.State.NOT_RUNNING) {
      throw new IllegalStateException("Kafka Streams is " + state);
    }
  }

  /**
   * CPU time used so far by this client's stream threads (named {@code
   * <applicationId>-<uuid>-StreamThread-<n>}), in nanoseconds: the work of the topology itself,
   * without its producer's and consumer's network threads.
   */
  long streamThreadCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (name.startsWith(threadPrefix) && name.matches(".*-StreamThread-\\d+")) {
        total += Math.max(0, mx.getThreadCpuTime(thread.getId()));
      }
    }
    return total;
  }

  /** The client itself, for interactive queries of its stores. */
  KafkaStreams streams() {
    return streams;
  }

  /** A clean close: commits and, under exactly-once, writes the stores' checkpoints. */
  @Override
  public void close() {
    streams.close(CLOSE_TIMEOUT);
  }
}
