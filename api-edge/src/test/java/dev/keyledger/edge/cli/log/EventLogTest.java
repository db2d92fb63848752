package dev.keyledger.edge.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventLogTest {

  @Test
  void aReaderSeesCommittedRecordsOnlyJoinsNoGroupAndWaitsNoLongerThanTheTimeout() {
    Map<String, Object> settings =
        EventLog.consumerSettings(
            Map.of(
                "bootstrap.servers", "kafka-1:9092",
                "group.id", "someone-elses",
                "isolation.level", "read_uncommitted",
                "security.protocol", "SSL"),
            Duration.ofSeconds(7));

    assertThat(settings)
        .containsEntry("bootstrap.servers", "kafka-1:9092")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("default.api.timeout.ms", 7_000)
        .containsEntry("request.timeout.ms", 7_000)
        .containsEntry("socket.connection.setup.timeout.max.ms", 7_000)
        .doesNotContainKey("group.id");
  }
}
