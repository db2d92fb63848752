package dev.keyledger.application.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyledger.engine.testing.KafkaFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream thread that dies of an exception is replaced and goes on, on a real broker. */
class StreamThreadSupervisorIT {

  @TempDir Path stateDir;

  @Test
  void aThreadThatFailsOnceIsReplacedAndTheRecordIsProcessedExactlyOnce() throws Exception {
    try (KafkaFixture kafka = KafkaFixture.start();
        Admin admin = Admin.create(kafka.clientProps())) {
      admin
          .createTopics(
              List.of(new NewTopic("in", 1, (short) 1), new NewTopic("out", 1, (short) 1)))
          .all()
          .get();
      AtomicBoolean failedOnce = new AtomicBoolean();
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
          .mapValues(
              v -> {
                if (failedOnce.compareAndSet(false, true)) {
                  throw new IllegalStateException("a failure the thread does not survive");
                }
                return v.toUpperCase();
              })
          .to("out", Produced.with(Serdes.String(), Serdes.String()));
      Properties props = new Properties();
      props.putAll(kafka.clientProps());
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "supervised");
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
      StreamThreadSupervisor supervisor = StreamThreadSupervisor.defaults(Clock.systemUTC());
      try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
        streams.setUncaughtExceptionHandler(supervisor);
        streams.start();
        try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                kafka.clientProps(), new StringSerializer(), new StringSerializer())) {
          producer.send(new ProducerRecord<>("in", "k", "first")).get();
          producer.send(new ProducerRecord<>("in", "k", "second")).get();
        }
        List<String> out = new ArrayList<>();
        Map<String, Object> consumerProps = new HashMap<>(kafka.clientProps());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "reader");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer =
            new KafkaConsumer<>(
                consumerProps, new StringDeserializer(), new StringDeserializer())) {
          consumer.subscribe(List.of("out"));
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                    return out.size() >= 2;
                  });
        }
        assertThat(out).containsExactly("FIRST", "SECOND");
        assertThat(supervisor.replaced()).isEqualTo(1);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> streams.state() == KafkaStreams.State.RUNNING);
      }
    }
  }
}
