package dev.keyledger.application;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.engine.testing.MutableClock;
import dev.keyledger.engine.workers.CommandSinkException;
import dev.keyledger.envelope.DekRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageMeterTest {

  private static final DekRef DEK = new DekRef("dek-1", 1);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final UsageMeter usage = new UsageMeter(clock, "node-1");

  /** Whether the sink takes the next report, or why not. */
  private enum Answer {
    DECIDED,
    NOT_WRITTEN,
    WRITTEN_UNDECIDED
  }

  private Answer next = Answer.DECIDED;
  private final List<RecordUsage> sent = new ArrayList<>();

  private void flush() {
    usage.flush(
        (tenant, payload, material) -> {
          switch (next) {
            case NOT_WRITTEN -> throw new CommandSinkException("the command log is down", null);
            case WRITTEN_UNDECIDED -> {
              sent.add((RecordUsage) payload); // in the log: the fold will count it
              throw CommandSinkException.undecided("command c-1 not decided within PT10S");
            }
            default -> {
              sent.add((RecordUsage) payload);
              return null; // the meter does not read the outcome
            }
          }
        });
  }

  private long encryptionsSent() {
    return sent.stream().mapToLong(RecordUsage::getEncryptions).sum();
  }

  @Test
  void countsThatWereNotWrittenAreSentWithTheNextFlush() {
    usage.encrypted("acme", DEK, 3);
    next = Answer.NOT_WRITTEN;
    flush();
    assertThat(sent).isEmpty();
    assertThat(usage.pending("acme", DEK)).isEqualTo(3);
    usage.encrypted("acme", DEK, 2);
    next = Answer.DECIDED;
    flush();
    assertThat(encryptionsSent()).isEqualTo(5);
  }

  @Test
  void aReportWrittenButNotDecidedInTimeIsNotSentAgain() {
    usage.encrypted("acme", DEK, 3);
    usage.decrypted("acme");
    next = Answer.WRITTEN_UNDECIDED;
    flush();
    assertThat(usage.pending("acme", DEK)).isZero();
    usage.encrypted("acme", DEK, 2);
    next = Answer.DECIDED;
    flush();
    // 3 in the first (undecided, still folded) report and 2 in the second: never 3 twice.
    assertThat(encryptionsSent()).isEqualTo(5);
    assertThat(sent.get(1).getEncryptions()).isEqualTo(2);
    assertThat(sent.get(1).getDecryptions()).isZero();
  }
}
