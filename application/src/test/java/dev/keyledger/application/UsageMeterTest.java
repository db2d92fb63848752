package dev.keyledger.application;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.DekUsage;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.avro.command.ReserveEncryptions;
import dev.keyledger.engine.domain.EncryptionReservations;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.testing.MutableClock;
import dev.keyledger.engine.workers.CommandSinkException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class UsageMeterTest {

  private static final long BUDGET = 1L << 30;
  private static final DekRef DEK = dek(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

  /** How the sink answers the next command, or why it does not. */
  private enum Answer {
    ACCEPTED,
    REFUSED,
    NOT_WRITTEN,
    WRITTEN_UNDECIDED
  }

  private Answer nextReservation = Answer.ACCEPTED;
  private Answer nextReport = Answer.ACCEPTED;
  private final List<ReserveEncryptions> reservations = new ArrayList<>();
  private final List<RecordUsage> reports = new ArrayList<>();

  /** Reservations of next blocks wait here until the test runs them. */
  private final Deque<Runnable> queued = new ArrayDeque<>();

  private final Executor executor = queued::add;

  private final UsageMeter usage =
      new UsageMeter(
          clock,
          "node-1",
          (tenant, payload, material) -> {
            if (payload instanceof ReserveEncryptions reserve) {
              return answer(nextReservation, reserve, reservations);
            }
            return answer(nextReport, (RecordUsage) payload, reports);
          },
          executor,
          Duration.ofMillis(100));

  private static <T> CommandOutcome answer(Answer answer, T payload, List<T> sent)
      throws CommandSinkException {
    switch (answer) {
      case NOT_WRITTEN -> throw new CommandSinkException("the command log is down", null);
      case WRITTEN_UNDECIDED -> {
        sent.add(payload); // in the log: the fold will decide it
        throw CommandSinkException.undecided("command c-1 not decided within PT10S");
      }
      default -> {
        sent.add(payload);
        Refusal refusal = answer == Answer.REFUSED ? Refusals.dekRotating("The DEK changed") : null;
        return CommandOutcome.newBuilder()
            .setCommandId("c-1")
            .setTenantId("acme")
            .setAccepted(refusal == null)
            .setRefusal(refusal)
            .setFirstSeq(1)
            .setLastSeq(1)
            .setDecidedAt(Instant.EPOCH)
            .build();
      }
    }
  }

  private static DekRef dek(int version) {
    return DekRef.newBuilder()
        .setDekId("dek-" + version)
        .setVersion(version)
        .setTmkVersion(1)
        .setFingerprint("f")
        .build();
  }

  private Outcome<Boolean> take(DekRef dek, long budgetLeft) {
    return Stop.outcome(() -> usage.takeEncryption("acme", dek, budgetLeft));
  }

  /** Takes {@code n} encryptions, each of which must be granted at once. */
  private void takeAll(DekRef dek, int n) {
    for (int i = 0; i < n; i++) {
      assertThat(take(dek, BUDGET)).isEqualTo(Outcome.done(true));
    }
  }

  private void runQueued() {
    while (!queued.isEmpty()) {
      queued.poll().run();
    }
  }

  private long reserved() {
    return reservations.stream().mapToLong(ReserveEncryptions::getEncryptions).sum();
  }

  private DekUsage reportOf(RecordUsage report, DekRef dek) {
    return report.getPerDek().stream()
        .filter(d -> d.getVersion() == dek.getVersion())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theFirstEncryptionWaitsForItsBlockAndTheFirstBlockSettlesWhatARunBeforeLeft() {
    takeAll(DEK, 1);
    assertThat(reservations).hasSize(1);
    ReserveEncryptions first = reservations.get(0);
    assertThat(first.getEncryptions()).isEqualTo(ReservedBlocks.FIRST_BLOCK);
    assertThat(first.getReporter()).isEqualTo("node-1");
    assertThat(first.getSettlePrevious()).isTrue();
    assertThat(first.getDek().getDekId()).isEqualTo("dek-1");
  }

  @Test
  void theNextBlockIsReservedAtHalfSoSteadyEncryptionsNeverWaitForTheFold() {
    takeAll(DEK, 512);
    assertThat(queued).as("half of the block is left: not yet").isEmpty();
    takeAll(DEK, 1);
    assertThat(queued).as("below half: the next block is asked for off the request").hasSize(1);
    takeAll(DEK, 100);
    assertThat(queued).as("one reservation in flight at a time").hasSize(1);
    runQueued();
    assertThat(reservations).hasSize(2);
    assertThat(reservations.get(1).getSettlePrevious()).isFalse();
    assertThat(reservations.get(1).getEncryptions())
        .as("the first block lasted under a second: the next is twice as large")
        .isEqualTo(2 * ReservedBlocks.FIRST_BLOCK);
    takeAll(DEK, (int) (reserved() - 613));
    assertThat(take(DEK, BUDGET))
        .as("every reserved encryption taken and the next block not granted yet")
        .isInstanceOf(Outcome.Unavailable.class);
  }

  @Test
  void anEncryptionIsNeverTakenOutsideAGrantedBlockAndWaitsABoundedTimeFor503() {
    nextReservation = Answer.NOT_WRITTEN;
    Outcome<Boolean> notReserved = take(DEK, BUDGET);
    assertThat(notReserved).isInstanceOf(Outcome.Unavailable.class);
    Outcome.Unavailable<Boolean> unavailable = (Outcome.Unavailable<Boolean>) notReserved;
    assertThat(unavailable.reason().getType()).isEqualTo("budget_unavailable");
    assertThat(unavailable.retryAfterSeconds()).isEqualTo(1);

    nextReservation = Answer.WRITTEN_UNDECIDED;
    assertThat(take(DEK, BUDGET)).isInstanceOf(Outcome.Unavailable.class);
    usage.flush();
    assertThat(reports).as("nothing was encrypted, so nothing is reported").isEmpty();

    nextReservation = Answer.ACCEPTED;
    takeAll(DEK, 1);
    assertThat(reservations.get(1).getSettlePrevious())
        .as("the undecided block is not this instance's to use: the fold counts it as used")
        .isTrue();
  }

  @Test
  void aBlockTheFoldRefusesIsAnsweredWithItsRefusal() {
    nextReservation = Answer.REFUSED;
    Outcome<Boolean> refused = take(DEK, BUDGET);
    assertThat(refused).isInstanceOf(Outcome.Unavailable.class);
    assertThat(((Outcome.Unavailable<Boolean>) refused).reason().getType())
        .isEqualTo("dek_rotating");
  }

  @Test
  void theBlockNeverExceedsTheBudgetLeftAndASpentBudgetMeansRotate() {
    assertThat(take(DEK, 100)).isEqualTo(Outcome.done(true));
    assertThat(reservations.get(0).getEncryptions()).isEqualTo(100);
    for (int i = 0; i < 99; i++) {
      assertThat(take(DEK, 0))
          .as("the fold's view: all of the budget reserved")
          .isEqualTo(Outcome.done(true));
    }
    assertThat(queued).as("no next block beyond the budget").isEmpty();
    assertThat(take(DEK, 0)).as("no block left and none to reserve").isEqualTo(Outcome.done(false));
    assertThat(reservations).hasSize(1);
  }

  @Test
  void blocksGrowWhileTheyLastUnderASecondAndShrinkWhenTheyLastOver30Seconds() {
    long taken = 0;
    for (int i = 0; i < 10; i++) {
      taken += takeUntilOneIsLeft(taken);
      runQueued();
    }
    assertThat(reservations)
        .extracting(ReserveEncryptions::getEncryptions)
        .as("each block lasted under a second (the clock stood still)")
        .containsExactly(
            1024L,
            2048L,
            4096L,
            8192L,
            16384L,
            32768L,
            65536L,
            131072L,
            262144L,
            524288L,
            EncryptionReservations.MAX_BLOCK);

    clock.advance(Duration.ofSeconds(31));
    takeUntilOneIsLeft(taken);
    runQueued();
    assertThat(reservations.get(reservations.size() - 1).getEncryptions())
        .isEqualTo(EncryptionReservations.MAX_BLOCK / 2);
  }

  /** Takes every reserved encryption but one, without the test's per-call checks (fast). */
  private long takeUntilOneIsLeft(long takenBefore) {
    long n = Math.max(reserved(), ReservedBlocks.FIRST_BLOCK) - 1 - takenBefore;
    for (long i = 0; i < n; i++) {
      if (!usage.takeEncryption("acme", DEK, BUDGET)) {
        throw new AssertionError("encryption " + i + " not taken");
      }
    }
    return n;
  }

  @Test
  void aFlushReportsActualUseAgainstTheReservation() {
    takeAll(DEK, 10);
    usage.decrypted("acme");
    usage.flush();
    assertThat(reports).hasSize(1);
    RecordUsage report = reports.get(0);
    assertThat(report.getReporter()).isEqualTo("node-1");
    assertThat(report.getEncryptions()).isEqualTo(10);
    assertThat(report.getDecryptions()).isEqualTo(1);
    assertThat(reportOf(report, DEK).getEncryptions()).isEqualTo(10);
    assertThat(reportOf(report, DEK).getReturned()).isZero();
  }

  @Test
  void aDekNoLongerUsedHereGivesBackWhatItDidNotUse() {
    takeAll(DEK, 10);
    DekRef next = dek(2);
    takeAll(next, 1);
    usage.flush();
    RecordUsage report = reports.get(0);
    assertThat(reportOf(report, DEK).getEncryptions()).isEqualTo(10);
    assertThat(reportOf(report, DEK).getReturned()).isEqualTo(ReservedBlocks.FIRST_BLOCK - 10);
    assertThat(reportOf(report, next).getEncryptions()).isEqualTo(1);
    assertThat(reservations.get(1).getSettlePrevious())
        .as("the instance held blocks of the tenant: nothing of it is stale")
        .isFalse();
    takeAll(next, 1);
    usage.flush();
    assertThat(reports.get(1).getPerDek()).extracting(DekUsage::getVersion).containsExactly(2);
  }

  @Test
  void blocksIdleForAMinuteAreGivenBackAndTheNextEncryptionReservesAnew() {
    takeAll(DEK, 3);
    usage.flush();
    for (int i = 0; i < UsageMeter.IDLE_FLUSHES; i++) {
      usage.flush();
    }
    assertThat(reports).as("idle flushes have nothing to say").hasSize(1);
    usage.flush();
    RecordUsage last = reports.get(reports.size() - 1);
    assertThat(reportOf(last, DEK).getReturned()).isEqualTo(ReservedBlocks.FIRST_BLOCK - 3);
    assertThat(reportOf(last, DEK).getEncryptions()).isZero();
    takeAll(DEK, 1);
    assertThat(reservations).hasSize(2);
    assertThat(reservations.get(1).getSettlePrevious()).isTrue();
  }

  @Test
  void aCleanShutdownGivesBackEveryUnusedEncryption() {
    takeAll(DEK, 7);
    usage.returnUnused();
    RecordUsage report = reports.get(0);
    assertThat(reportOf(report, DEK).getEncryptions()).isEqualTo(7);
    assertThat(reportOf(report, DEK).getReturned()).isEqualTo(ReservedBlocks.FIRST_BLOCK - 7);
    usage.returnUnused();
    assertThat(reports).as("nothing left to say").hasSize(1);
  }

  @Test
  void countsThatWereNotWrittenAreSentWithTheNextFlush() {
    takeAll(DEK, 3);
    nextReport = Answer.NOT_WRITTEN;
    usage.flush();
    assertThat(reports).isEmpty();
    takeAll(DEK, 2);
    nextReport = Answer.ACCEPTED;
    usage.flush();
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0).getEncryptions()).isEqualTo(5);
  }

  @Test
  void aReportWrittenButNotDecidedInTimeIsNotSentAgain() {
    takeAll(DEK, 3);
    usage.decrypted("acme");
    nextReport = Answer.WRITTEN_UNDECIDED;
    usage.flush();
    takeAll(DEK, 2);
    nextReport = Answer.ACCEPTED;
    usage.flush();
    // 3 in the first (undecided, still folded) report and 2 in the second: never 3 twice.
    assertThat(reports).extracting(RecordUsage::getEncryptions).containsExactly(3L, 2L);
    assertThat(reports.get(1).getDecryptions()).isZero();
  }
}
