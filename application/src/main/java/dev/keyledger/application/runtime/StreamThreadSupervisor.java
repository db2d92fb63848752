package dev.keyledger.application.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a stream thread dies of an exception: Kafka Streams replaces the thread (which
 * resumes from the last commit, so under exactly-once nothing is lost or applied twice), up to
 * {@code maxReplacements} within {@code window}; one more failure within that window means the
 * cause does not go away by itself (a record the fold cannot get past, a broken disk), and the
 * client shuts down so the instance stops instead of spinning. An {@link Error} (out of memory, a
 * linkage error) shuts the client down at once.
 *
 * <p>Metric: {@value #REPLACED} counts the threads replaced.
 */
final class StreamThreadSupervisor implements StreamsUncaughtExceptionHandler {

  /** Stream threads replaced after a failure: {@code keyledger_streams_threads_replaced_total}. */
  static final String REPLACED = "keyledger.streams.threads.replaced";

  private static final Logger LOG = LoggerFactory.getLogger(StreamThreadSupervisor.class);

  private final int maxReplacements;
  private final Duration window;
  private final Clock clock;
  private final Deque<Instant> recent = new ArrayDeque<>();
  private final AtomicLong replaced = new AtomicLong();

  StreamThreadSupervisor(int maxReplacements, Duration window, Clock clock) {
    this.maxReplacements = maxReplacements;
    this.window = window;
    this.clock = clock;
  }

  /** Three replacements within ten minutes. */
  static StreamThreadSupervisor defaults(Clock clock) {
    return new StreamThreadSupervisor(3, Duration.ofMinutes(10), clock);
  }

  void bindTo(MeterRegistry registry) {
    FunctionCounter.builder(REPLACED, replaced, AtomicLong::get)
        .description("Kafka Streams threads replaced after they failed with an exception")
        .register(registry);
  }

  @Override
  public synchronized StreamThreadExceptionResponse handle(Throwable failure) {
    if (isError(failure)) {
      LOG.error("stream thread failed with an error; shutting this instance down", failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    Instant now = clock.instant();
    while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(window))) {
      recent.removeFirst();
    }
    if (recent.size() >= maxReplacements) {
      LOG.error(
          "stream thread failed again: {} replacements within {} did not help; shutting this"
              + " instance down",
          recent.size(),
          window,
          failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    recent.addLast(now);
    replaced.incrementAndGet();
    LOG.error(
        "stream thread failed; replacing it ({} of {} allowed within {}); it resumes from the last"
            + " commit",
        recent.size(),
        maxReplacements,
        window,
        failure);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /** Threads replaced so far. */
  long replaced() {
    return replaced.get();
  }

  private static boolean isError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Error) {
        return true;
      }
    }
    return false;
  }
}
