package dev.keyledger.engine.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.keys.UnwrapListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerSchedulerTest {

  private static final Duration OFTEN = Duration.ofMillis(10);
  private static final Duration RARELY = Duration.ofHours(1);

  @Test
  void defaultsAreThoseOfTheSpec() {
    assertThat(WorkerSettings.defaults())
        .isEqualTo(
            new WorkerSettings(
                Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofSeconds(5), 100));
    assertThatThrownBy(() -> new WorkerSettings(Duration.ZERO, RARELY, RARELY, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WorkerSettings(RARELY, RARELY, RARELY, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRoundThatThrowsDoesNotStopTheSchedule() throws InterruptedException {
    AtomicInteger rounds = new AtomicInteger();
    CountDownLatch laterRounds = new CountDownLatch(2);
    Worker flaky =
        () -> {
          if (rounds.incrementAndGet() == 1) {
            throw new IllegalStateException("first round fails");
          }
          laterRounds.countDown();
        };
    try (WorkerScheduler scheduler =
        new WorkerScheduler(List.of(new WorkerScheduler.Schedule("flaky", OFTEN, flaky)))) {
      scheduler.start();

      assertThat(laterRounds.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aWorkerStuckInItsRoundDoesNotDelayTheOthers() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch otherRounds = new CountDownLatch(3);
    Worker stuck =
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    try (WorkerScheduler scheduler =
        new WorkerScheduler(
            List.of(
                new WorkerScheduler.Schedule("stuck", OFTEN, stuck),
                new WorkerScheduler.Schedule("other", OFTEN, otherRounds::countDown)))) {
      scheduler.start();

      assertThat(otherRounds.await(10, TimeUnit.SECONDS)).isTrue();
      release.countDown();
    }
  }

  @Test
  void startsOnlyOnce() {
    try (WorkerScheduler scheduler =
        new WorkerScheduler(List.of(new WorkerScheduler.Schedule("idle", RARELY, () -> {})))) {
      scheduler.start();

      assertThatThrownBy(scheduler::start).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void theScheduledSealWatcherUnsealsATenantByItself() throws Exception {
    try (ByokWorld world = ByokWorld.start()) {
      String tenant = world.activeTenant("acme");
      world.seal(tenant);
      TenantKeyring keyring = world.keyring(UnwrapListener.NONE);
      WorkerSettings settings = new WorkerSettings(OFTEN, RARELY, RARELY, 100);

      try (WorkerScheduler scheduler =
          new WorkerScheduler(
              settings,
              new SealWatcher(keyring, world.engine, world.engine, "node-1"),
              new CmkValidator(world.probe, world.engine, world.engine, "node-1"),
              new RewrapWorker(
                  keyring,
                  world.engine,
                  world.engine,
                  settings.rewrapBatch(),
                  new SimpleMeterRegistry()))) {
        scheduler.start();

        assertThat(
                world.engine.awaitPayloads(
                    tenant, ReportUnwrapSucceeded.class, 1, Duration.ofSeconds(10)))
            .hasSize(1);
      }
      assertThat(TenantStates.status(world.engine.state(tenant))).isEqualTo(BindingStatus.ACTIVE);
    }
  }
}
