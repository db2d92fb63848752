package dev.keyledger.edge.cli.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class PartitionWorkersTest {

  @Test
  void everyRecordArrivesEachPartitionInOrderAndOnOneThread() {
    Map<Integer, List<Long>> offsets = new ConcurrentHashMap<>();
    Map<Integer, Set<String>> threads = new ConcurrentHashMap<>();
    RecordSink sink =
        record -> {
          offsets.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record.offset());
          threads
              .computeIfAbsent(record.partition(), p -> ConcurrentHashMap.newKeySet())
              .add(Thread.currentThread().getName());
        };
    try (PartitionWorkers workers = new PartitionWorkers(3, sink)) {
      for (long offset = 0; offset < 2_000; offset++) {
        for (int partition = 0; partition < 7; partition++) {
          workers.accept(new ConsumerRecord<>("kl.events", partition, offset, "t", new byte[0]));
        }
      }
      workers.finish();
    }

    assertThat(offsets).hasSize(7);
    for (int partition = 0; partition < 7; partition++) {
      List<Long> seen = offsets.get(partition);
      assertThat(seen).hasSize(2_000).isSorted();
      assertThat(threads.get(partition)).hasSize(1);
    }
    assertThat(threads.values().stream().flatMap(Set::stream).distinct()).hasSize(3);
  }

  @Test
  void whatTheSinkThrowsReachesTheReader() {
    RecordSink sink =
        record -> {
          if (record.offset() == 700) {
            throw new IllegalArgumentException("bad record at 700");
          }
        };
    try (PartitionWorkers workers = new PartitionWorkers(2, sink)) {
      assertThatThrownBy(
              () -> {
                for (long offset = 0; offset < 5_000; offset++) {
                  workers.accept(new ConsumerRecord<>("kl.events", 0, offset, "t", new byte[0]));
                }
                workers.finish();
              })
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("bad record at 700");
    }
  }
}
