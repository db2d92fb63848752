package dev.keyledger.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches an output topic from its current end until a given number of records have arrived, and
 * takes the rate at which the topology wrote them from the broker's clock.
 *
 * <p>How: the output topics are created with {@code message.timestamp.type=LogAppendTime}, so each
 * record carries the time the broker appended its batch (the watch refuses any other timestamp).
 * The rate is {@code (count - firstBatch) / (last - first)}, where {@code first} and {@code last}
 * are the earliest and latest append times and {@code firstBatch} the records appended at {@code
 * first}: those were processed before the first instant, everything else between the two. This
 * leaves out the client's start (group join, task and RocksDB initialisation, producer fencing),
 * which is not throughput, and is independent of when this reader happens to poll. It is finer than
 * watching what a {@code read_committed} reader sees or the committed offsets, which both move once
 * per transaction (every {@code commit.interval.ms} = 100 ms); under exactly-once every commit
 * blocks the stream thread, so the commits are inside the measured interval, all but the last one's
 * markers. The reader is {@code read_committed} all the same (it decides when all records are
 * there), and the wall time from its first to its last sighting is kept as a check.
 */
final class OutputWatch implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration STALL_TIMEOUT = Duration.ofMinutes(3);
  private static final long PROGRESS_NANOS = Duration.ofSeconds(5).toNanos();

  /** Called every few seconds while waiting. */
  interface Progress {
    void report(long seen, double secondsSinceFirst);
  }

  /**
   * What was seen.
   *
   * @param count records seen
   * @param firstBatch records appended at the earliest append time
   * @param firstAppendMs the earliest broker append time
   * @param lastAppendMs the latest broker append time
   * @param visibleSeconds wall time from the first to the last sighting by this reader
   * @param firstSighting records in the first poll that returned any
   * @param middlePerSecond a check on the start and the end: the rate over the middle 80 % of the
   *     records by append time (from the 10th to the 90th percentile)
   * @param streamThreadCpuSeconds CPU time of the client's stream threads between the first and the
   *     last sighting (divided by {@code visibleSeconds}: how busy the thread was)
   * @param values the records' values, in arrival order
   */
  record Arrival(
      long count,
      long firstBatch,
      long firstAppendMs,
      long lastAppendMs,
      double visibleSeconds,
      long firstSighting,
      double middlePerSecond,
      double streamThreadCpuSeconds,
      List<byte[]> values) {

    /** Share of the wall time from the first to the last sighting the stream threads ran. */
    double streamThreadBusy() {
      return streamThreadCpuSeconds / visibleSeconds;
    }

    /**
     * CPU time of the stream threads per record, in microseconds, over the records that became
     * visible after the first sighting: the cost of a record to the topology, whatever share of a
     * core the machine left it.
     */
    double streamThreadMicrosPerRecord() {
      return streamThreadCpuSeconds * 1e6 / (count - firstSighting);
    }

    /** Seconds from the first to the last append. */
    double seconds() {
      return (lastAppendMs - firstAppendMs) / 1e3;
    }

    /** Too short to trust: under a second, or a tenth or more of the records in the first batch. */
    boolean coarse() {
      return seconds() < 1 || firstBatch * 10 >= count;
    }

    /** Records per second after the first append (see the class comment). */
    double perSecond() {
      return (count - firstBatch) / seconds();
    }
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;

  /** Starts at the topic's current end: only records written from now on are seen. */
  OutputWatch(Map<String, Object> kafka, String topic) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(topic)
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before anything is started
  }

  /**
   * Waits until {@code expected} records have been seen.
   *
   * @param runner the client producing them; its failure ends the wait
   */
  Arrival await(long expected, TopologyRunner runner, Progress progress) {
    List<byte[]> values = new ArrayList<>((int) Math.min(expected, Integer.MAX_VALUE));
    List<Long> appended = new ArrayList<>((int) Math.min(expected, Integer.MAX_VALUE));
    long firstSeen = 0;
    long lastSeen = 0;
    long firstCpu = 0;
    long firstSighting = 0;
    long lastCpu = 0;
    long started = System.nanoTime();
    long lastProgress = started;
    while (values.size() < expected) {
      ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
      long now = System.nanoTime();
      if (!records.isEmpty()) {
        if (values.isEmpty()) {
          firstSeen = now;
          firstCpu = runner.streamThreadCpuNanos();
          firstSighting = records.count();
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          if (record.timestampType() != TimestampType.LOG_APPEND_TIME) {
            throw new IllegalStateException(
                topic + " must have message.timestamp.type=LogAppendTime");
          }
          values.add(record.value());
          appended.add(record.timestamp());
        }
        lastSeen = now;
        lastCpu = values.size() >= expected ? runner.streamThreadCpuNanos() : lastCpu;
      } else if (now - (values.isEmpty() ? started : lastSeen) > STALL_TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            topic + ": nothing new for " + STALL_TIMEOUT + " after " + values.size() + " records");
      }
      runner.checkHealthy();
      if (now - lastProgress > PROGRESS_NANOS) {
        progress.report(values.size(), values.isEmpty() ? 0 : (now - firstSeen) / 1e9);
        lastProgress = now;
      }
    }
    if (values.size() > expected) {
      throw new IllegalStateException(
          topic + ": expected " + expected + " records, saw " + values.size());
    }
    long[] sorted = appended.stream().mapToLong(Long::longValue).sorted().toArray();
    long first = sorted[0];
    long last = sorted[sorted.length - 1];
    long firstBatch = Arrays.stream(sorted).filter(t -> t == first).count();
    int p10 = sorted.length / 10;
    int p90 = sorted.length * 9 / 10;
    double middle = (p90 - p10) / ((sorted[p90] - sorted[p10]) / 1e3);
    return new Arrival(
        values.size(),
        firstBatch,
        first,
        last,
        (lastSeen - firstSeen) / 1e9,
        firstSighting,
        middle,
        (lastCpu - firstCpu) / 1e9,
        values);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
