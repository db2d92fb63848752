package dev.keyledger.benchmarks.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-trial harness, short: three {@code kill -9}s of a dev node and two SIGKILLs of one of
 * three brokers under the mixed load, each phase judged from its event log. The node is {@code
 * api-edge/target/keyledger.jar}, packaged earlier in the same reactor build.
 */
class FaultTrialsIT {

  @Test
  void nothingAcknowledgedIsLostOrDuplicatedAndTheLiveStateIsTheLogsReplayAfterKills(
      @TempDir Path work) throws Exception {
    FaultTrials.Options options =
        FaultTrials.Options.parse(
            "--process-kills", "3",
            "--broker-kills", "2",
            "--threads", "3",
            "--tenants-per-thread", "3",
            "--uptime", "3-6",
            "--jar", "../api-edge/target/keyledger.jar",
            "--work", work.toString());

    FaultTrials.Result result = FaultTrials.run(options);

    System.out.println(result.summary());
    assertThat(result.phases()).hasSize(2);
    for (FaultTrials.Phase phase : result.phases()) {
      LogVerdict.Figures f = phase.figures();
      assertThat(f.problems()).as(phase.name()).isEmpty();
      assertThat(f.commands()).as(phase.name() + ": commands acknowledged").isPositive();
      assertThat(f.ciphertexts()).as(phase.name() + ": ciphertexts made").isPositive();
      assertThat(f.lost()).isZero();
      assertThat(f.duplicated()).isZero();
      assertThat(f.chainBreaks()).isZero();
      assertThat(f.stateMismatches()).isZero();
      assertThat(f.undecryptable()).isZero();
      assertThat(f.unresolved()).isZero();
      assertThat(f.deksUndercounted())
          .as(phase.name() + ": DEKs whose folded used + reserved is below what was encrypted")
          .isZero();
      assertThat(f.encryptionsCounted()).isEqualTo(f.encryptions());
      assertThat(phase.wrongPlaintexts()).isZero();
      assertThat(phase.restartSeconds()).hasSize(phase.faults());
    }
    assertThat(result.clean()).isTrue();
  }
}
