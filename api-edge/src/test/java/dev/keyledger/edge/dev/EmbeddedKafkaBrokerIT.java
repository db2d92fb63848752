package dev.keyledger.edge.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  private static final String HOST = "127.0.0.1";
  private static final String TOPIC = "keyledger.it.records";
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dataDir;

  @Test
  void transactionalRecordSurvivesARestartOnTheSameDataDir() throws Exception {
    int port = freePort();
    int controllerPort = freePort();
    String clusterId;
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(dataDir, HOST, port, controllerPort)) {
      clusterId = broker.clusterId();
      assertThat(broker.bootstrapServers()).isEqualTo(HOST + ":" + port);
      try (Admin admin = admin(broker)) {
        admin
            .createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
        Node node = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
        assertThat(node.host()).isEqualTo(HOST);
        assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
            .isEqualTo(clusterId);
      }
      produceInTransaction(broker, "tenant-1", "committed");
      assertThat(readCommitted(broker)).containsExactly("tenant-1=committed");
    }

    // static voters: the controller port may change between runs
    try (EmbeddedKafkaBroker restarted =
        EmbeddedKafkaBroker.start(dataDir, HOST, port, freePort())) {
      assertThat(restarted.clusterId()).isEqualTo(clusterId);
      assertThat(readCommitted(restarted)).containsExactly("tenant-1=committed");
      try (Admin admin = admin(restarted)) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(TOPIC);
      }
    }
  }

  @Test
  void takenPortIsAClearErrorBeforeKafkaStarts() throws IOException {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(HOST, 0));
      int taken = squatter.getLocalPort();

      assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dataDir, HOST, taken, freePort()))
          .isInstanceOf(PortInUseException.class)
          .hasMessage(
              "port "
                  + taken
                  + " on 127.0.0.1 is already in use; stop the other process or pass --kafka-port")
          .hasNoCause();
      assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dataDir, HOST, freePort(), taken))
          .isInstanceOf(PortInUseException.class)
          .hasMessageEndingWith("pass --kafka-controller-port");
    }
    assertThat(dataDir).isEmptyDirectory();
  }

  @Test
  void listenersAreBoundToLoopbackOnly() throws Exception {
    int port = freePort();
    int controllerPort = freePort();
    assertThat(EmbeddedKafkaBroker.brokerConfig("/data", HOST, port, controllerPort))
        .containsEntry(
            "listeners",
            "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort)
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dataDir, "0.0.0.0", port, controllerPort))
        .isInstanceOf(IllegalArgumentException.class);

    Optional<InetAddress> nonLoopback = nonLoopbackLocalAddress();
    InetAddress loopback = InetAddress.getByName(HOST);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, HOST, port, controllerPort);
    try {
      assertThat(canConnect(loopback, port)).isTrue();
      assertThat(canConnect(loopback, controllerPort)).isTrue();
      if (nonLoopback.isPresent()) {
        assertThat(canConnect(nonLoopback.get(), port))
            .as("client port on %s", nonLoopback.get())
            .isFalse();
        assertThat(canConnect(nonLoopback.get(), controllerPort))
            .as("controller port on %s", nonLoopback.get())
            .isFalse();
      }
    } finally {
      Instant closing = Instant.now();
      broker.close();
      assertThat(Duration.between(closing, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }
    assertThat(canConnect(loopback, port)).as("client port released").isFalse();
    assertThat(canConnect(loopback, controllerPort)).as("controller port released").isFalse();
    broker.close();
  }

  private static void produceInTransaction(EmbeddedKafkaBroker broker, String key, String value) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "keyledger-it",
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            (int) BOUND.toMillis());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, key, value));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, key, "aborted"));
      producer.abortTransaction();
    }
  }

  /** Reads the whole partition as read_committed, up to its end offset, within {@link #BOUND}. */
  private static List<String> readCommitted(EmbeddedKafkaBroker broker) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    TopicPartition partition = new TopicPartition(TOPIC, 0);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long end = consumer.endOffsets(Set.of(partition), BOUND).get(partition);
      Instant deadline = Instant.now().plus(BOUND);
      while (consumer.position(partition, BOUND) < end) {
        assertThat(Instant.now())
            .as("read up to offset %d within %s", end, BOUND)
            .isBefore(deadline);
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.key() + "=" + record.value());
        }
      }
    }
    return values;
  }

  private static Admin admin(EmbeddedKafkaBroker broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(HOST, 0));
      return socket.getLocalPort();
    }
  }

  private static Optional<InetAddress> nonLoopbackLocalAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean canConnect(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2_000);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }
}
