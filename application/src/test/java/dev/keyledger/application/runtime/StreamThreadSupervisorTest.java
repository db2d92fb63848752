package dev.keyledger.application.runtime;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.engine.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class StreamThreadSupervisorTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final StreamThreadSupervisor supervisor =
      new StreamThreadSupervisor(3, Duration.ofMinutes(10), clock);

  private static StreamsException failure() {
    return new StreamsException("task 0_1 failed", new IllegalStateException("boom"));
  }

  @Test
  void aFailedThreadIsReplacedUpToTheLimitWithinTheWindowThenTheClientShutsDown() {
    assertThat(supervisor.handle(failure())).isEqualTo(REPLACE_THREAD);
    clock.advance(Duration.ofMinutes(1));
    assertThat(supervisor.handle(failure())).isEqualTo(REPLACE_THREAD);
    clock.advance(Duration.ofMinutes(1));
    assertThat(supervisor.handle(failure())).isEqualTo(REPLACE_THREAD);
    clock.advance(Duration.ofMinutes(1));
    assertThat(supervisor.handle(failure())).isEqualTo(SHUTDOWN_CLIENT);
    assertThat(supervisor.replaced()).isEqualTo(3);
  }

  @Test
  void failuresOlderThanTheWindowNoLongerCount() {
    for (int i = 0; i < 3; i++) {
      assertThat(supervisor.handle(failure())).isEqualTo(REPLACE_THREAD);
    }
    clock.advance(Duration.ofMinutes(10));
    assertThat(supervisor.handle(failure())).isEqualTo(REPLACE_THREAD);
    assertThat(supervisor.replaced()).isEqualTo(4);
  }

  @Test
  void anErrorShutsTheClientDownAtOnce() {
    assertThat(supervisor.handle(new StreamsException(new OutOfMemoryError("heap"))))
        .isEqualTo(SHUTDOWN_CLIENT);
    assertThat(supervisor.replaced()).isZero();
  }

  @Test
  void replacementsAreCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    supervisor.bindTo(registry);
    supervisor.handle(failure());
    assertThat(registry.get(StreamThreadSupervisor.REPLACED).functionCounter().count())
        .isEqualTo(1.0);
  }
}
