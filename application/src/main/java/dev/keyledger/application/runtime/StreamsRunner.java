package dev.keyledger.application.runtime;

import dev.keyledger.application.Readiness;
import dev.keyledger.application.kafka.LocalTenantViews;
import dev.keyledger.engine.topology.KeyMaterialArrivals;
import dev.keyledger.engine.topology.LifecycleTopology;
import dev.keyledger.engine.topology.StreamsProperties;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.projections.ProjectionsTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams running the fold and the projections: built from the topologies and started; the
 * caller waits for RUNNING ({@link #awaitRunning}) once it has started what does not need the
 * state, so both start at the same time. A failed stream thread is replaced a few times ({@link
 * StreamThreadSupervisor}), after which the client shuts down and {@link #awaitFailure} returns.
 * The client's metrics (threads, tasks, stores, its consumers and producers, and the fold's dead
 * letters) are bound to the registry as {@code kafka_stream_*}, {@code kafka_consumer_*}, {@code
 * kafka_producer_*}.
 */
final class StreamsRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;
  private final StreamThreadSupervisor supervisor;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch failed = new CountDownLatch(1);

  private StreamsRunner(KafkaStreams streams, StreamThreadSupervisor supervisor) {
    this.streams = streams;
    this.supervisor = supervisor;
    this.metrics = new KafkaStreamsMetrics(streams);
  }

  /**
   * Builds and starts the client; it goes on joining the group and restoring state in the
   * background.
   *
   * @param views filled by the fold and cleared on every state change and restoration of this
   *     instance (its partitions may have moved)
   * @param arrivals told of every record the key-material table stores
   */
  static StreamsRunner start(
      EngineSettings s,
      Topics topics,
      HostInfo self,
      String instanceId,
      LocalTenantViews views,
      KeyMaterialArrivals arrivals,
      MeterRegistry registry) {
    Properties props =
        StreamsProperties.of(
            s.kafka(),
            s.applicationId(),
            s.dataDir().resolve("streams"),
            self.host() + ":" + self.port(),
            s.topics().replicationFactor(),
            instanceId);
    StreamsBuilder builder = new StreamsBuilder();
    LifecycleTopology.build(builder, topics, views, arrivals);
    ProjectionsTopology.build(builder, topics);
    Topology topology = builder.build(props);
    LOG.info("topology:\n{}", topology.describe());

    StreamsRunner runner =
        new StreamsRunner(
            new KafkaStreams(topology, props), StreamThreadSupervisor.defaults(s.clock()));
    try {
      runner.streams.setGlobalStateRestoreListener(new ClearOnRestore(views));
      runner.begin(views);
      runner.supervisor.bindTo(registry);
      return runner;
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
  }

  private void begin(LocalTenantViews views) {
    streams.setUncaughtExceptionHandler(supervisor);
    streams.setStateListener(
        (now, before) -> {
          LOG.info("streams {} -> {}", before, now);
          views.clear();
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
            failed.countDown();
          }
        });
    streams.start();
  }

  /**
   * Waits until the client first reaches RUNNING, then binds its metrics to {@code registry} (bound
   * earlier, the sensors its tasks make, such as the fold's dead letters, would appear only at the
   * binder's next refresh, a minute later).
   *
   * @throws IllegalStateException if it does not within two minutes
   */
  void awaitRunning(EngineSettings s, MeterRegistry registry) throws InterruptedException {
    if (!running.await(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "Kafka Streams did not reach RUNNING within "
              + STARTUP_TIMEOUT.toSeconds()
              + " s (state "
              + streams.state()
              + "); is Kafka reachable at "
              + s.kafka().get("bootstrap.servers")
              + "?");
    }
    metrics.bindTo(registry);
  }

  /** Stores restored from their changelogs change without the fold: forget what it wrote. */
  private record ClearOnRestore(LocalTenantViews views) implements StateRestoreListener {
    @Override
    public void onRestoreStart(
        TopicPartition partition, String store, long startingOffset, long endingOffset) {
      views.clear();
    }

    @Override
    public void onBatchRestored(
        TopicPartition partition, String store, long batchEndOffset, long numRestored) {
      views.clear();
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
      views.clear();
    }
  }

  KafkaStreams streams() {
    return streams;
  }

  /** Ready while the client is RUNNING (not while rebalancing, restoring or failed). */
  Readiness.Part state() {
    KafkaStreams.State state = streams.state();
    return state == KafkaStreams.State.RUNNING
        ? Readiness.Part.up(state.name())
        : Readiness.Part.down(state.name());
  }

  void awaitFailure() throws InterruptedException {
    failed.await();
  }

  @Override
  public void close() {
    metrics.close();
    streams.close(CLOSE_TIMEOUT);
  }
}
