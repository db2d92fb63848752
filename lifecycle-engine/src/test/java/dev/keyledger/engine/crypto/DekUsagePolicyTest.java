package dev.keyledger.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.engine.crypto.DekUsagePolicy.Ok;
import dev.keyledger.engine.crypto.DekUsagePolicy.Reason;
import dev.keyledger.engine.crypto.DekUsagePolicy.Retire;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DekUsagePolicyTest {
  private static final Instant CREATED = Instant.parse("2025-01-01T00:00:00Z");
  private static final long LIMIT = 1L << 30;

  @Test
  void encryptionLimitIsInclusiveAt2To30() {
    assertThat(DekUsagePolicy.evaluate(CREATED, LIMIT - 1, CREATED)).isEqualTo(new Ok());
    assertThat(DekUsagePolicy.evaluate(CREATED, LIMIT, CREATED))
        .isEqualTo(new Retire(Reason.ENCRYPTION_LIMIT));
    assertThat(DekUsagePolicy.evaluate(CREATED, LIMIT + 1, CREATED))
        .isEqualTo(new Retire(Reason.ENCRYPTION_LIMIT));
  }

  @Test
  void ageLimitIsNinetyDays() {
    Instant ninetyDays = CREATED.plus(Duration.ofDays(90));
    assertThat(DekUsagePolicy.evaluate(CREATED, 0, ninetyDays.minusSeconds(1))).isEqualTo(new Ok());
    assertThat(DekUsagePolicy.evaluate(CREATED, 0, ninetyDays))
        .isEqualTo(new Retire(Reason.MAX_AGE));
    assertThat(DekUsagePolicy.evaluate(CREATED, 0, ninetyDays.plusSeconds(1)))
        .isEqualTo(new Retire(Reason.MAX_AGE));
  }

  @Test
  void whicheverComesFirst() {
    Instant old = CREATED.plus(Duration.ofDays(91));
    assertThat(DekUsagePolicy.evaluate(CREATED, LIMIT, old))
        .isEqualTo(new Retire(Reason.ENCRYPTION_LIMIT));
    assertThat(DekUsagePolicy.evaluate(CREATED, LIMIT - 1, old))
        .isEqualTo(new Retire(Reason.MAX_AGE));
  }

  @Test
  void clockSkewCountsAsNew() {
    assertThat(DekUsagePolicy.evaluate(CREATED, 0, CREATED.minusSeconds(60))).isEqualTo(new Ok());
  }

  @Test
  void negativeCountsAreRefused() {
    assertThatThrownBy(() -> DekUsagePolicy.evaluate(CREATED, -1, CREATED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DekEncryptionCounter.resumeFrom(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void counterStopsExactlyAtTheLimit() {
    DekEncryptionCounter counter = DekEncryptionCounter.resumeFrom(LIMIT - 2);
    assertThat(counter.tryReserve()).isTrue();
    assertThat(counter.tryReserve()).isTrue();
    assertThat(counter.tryReserve()).isFalse();
    assertThat(counter.encryptions()).isEqualTo(LIMIT);
    assertThat(DekUsagePolicy.evaluate(CREATED, counter.encryptions(), CREATED))
        .isEqualTo(new Retire(Reason.ENCRYPTION_LIMIT));
  }

  @Test
  void concurrentReservationsNeverExceedTheLimit() throws Exception {
    int threads = 8;
    int attemptsEach = 10_000;
    int remaining = 5_000;
    DekEncryptionCounter counter = DekEncryptionCounter.resumeFrom(LIMIT - remaining);
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int j = 0; j < attemptsEach; j++) {
                  if (counter.tryReserve()) {
                    granted.incrementAndGet();
                  }
                }
              });
      workers.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : workers) {
      t.join();
    }
    assertThat(granted).hasValue(remaining);
    assertThat(counter.encryptions()).isEqualTo(LIMIT);
  }
}
