package dev.keyledger.engine.domain;

import static dev.keyledger.engine.domain.Scenario.given;
import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.EncryptionsReserved;
import dev.keyledger.avro.event.UsageRecorded;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.engine.crypto.DekUsagePolicy;
import dev.keyledger.engine.testing.TestCommands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Usage reserved before it is used: blocks of a DEK's budget per instance, settled by reports. */
class EncryptionReservationsTest {

  private final TestCommands acme = new TestCommands("acme");

  private CommandEnvelope[] active(CommandEnvelope... then) {
    List<CommandEnvelope> history = new ArrayList<>();
    history.add(acme.registerWithDek(KEY_ARN, 1, 1));
    history.add(acme.acknowledge("1.0"));
    history.addAll(Arrays.asList(then));
    return history.toArray(CommandEnvelope[]::new);
  }

  private static DekState dek(Scenario s, int version) {
    return s.deks().stream().filter(d -> d.getDek().getVersion() == version).findFirst().get();
  }

  @Test
  void aBlockOfTheActiveDekIsReservedForItsInstanceAndCountsAgainstTheLimitAsReserved() {
    Scenario s =
        given("acme", active())
            .when(acme.reserve("node-1", 1, 1, 1024, true))
            .thenAccepted()
            .thenEvents(EncryptionsReserved.class);
    EncryptionsReserved reserved = (EncryptionsReserved) s.events().get(0).getPayload();
    assertThat(reserved.getReporter()).isEqualTo("node-1");
    assertThat(reserved.getSettled()).as("nothing earlier to settle").isZero();
    assertThat(EncryptionReservations.reserved(s.state(), 1)).isEqualTo(1024);
    assertThat(s.activeDek().getEncryptions()).as("reserved, not used").isZero();
    assertThat(EncryptionReservations.committed(s.state(), s.activeDek())).isEqualTo(1024);
    assertThat(s.state().getEncryptionCount()).isZero();
  }

  @Test
  void blocksOfOneInstanceAddUpInOneEntryAndEachInstanceHasItsOwn() {
    Scenario s =
        given(
                "acme",
                active(
                    acme.reserve("node-1", 1, 1, 1024, true),
                    acme.reserve("node-1", 1, 1, 2048, false)))
            .when(acme.reserve("node-2", 1, 1, 512, true))
            .thenAccepted();
    assertThat(s.state().getReservations())
        .extracting(r -> r.getReporter() + ":" + r.getDekVersion() + ":" + r.getEncryptions())
        .containsExactly("node-1:1:3072", "node-2:1:512");
  }

  @Test
  void aReportMovesItsEncryptionsFromReservedToUsedAndWhatIsReturnedLeavesTheReservation() {
    Scenario s =
        given("acme", active(acme.reserve("node-1", 1, 1, 1024, true)))
            .when(acme.reported("node-1", 1, 300, 0))
            .thenAccepted()
            .thenEvents(UsageRecorded.class);
    assertThat(s.activeDek().getEncryptions()).isEqualTo(300);
    assertThat(EncryptionReservations.reserved(s.state(), 1)).isEqualTo(724);
    assertThat(s.state().getEncryptionCount()).isEqualTo(300);

    Scenario returned =
        given(
                "acme",
                active(
                    acme.reserve("node-1", 1, 1, 1024, true), acme.reported("node-1", 1, 300, 0)))
            .when(acme.reported("node-1", 1, 24, 700))
            .thenAccepted();
    assertThat(returned.activeDek().getEncryptions()).isEqualTo(324);
    assertThat(returned.state().getReservations()).as("a reservation at 0 is dropped").isEmpty();
  }

  @Test
  void aReportOfAnotherInstanceOrWithoutReporterSettlesNoReservation() {
    Scenario s =
        given("acme", active(acme.reserve("node-1", 1, 1, 1024, true)))
            .when(acme.reported("node-2", 1, 10, 0))
            .thenAccepted();
    assertThat(EncryptionReservations.reserved(s.state(), 1)).isEqualTo(1024);
    assertThat(EncryptionReservations.committed(s.state(), s.activeDek())).isEqualTo(1034);
  }

  @Test
  void aReportNeverTakesAReservationBelowZero() {
    Scenario s =
        given("acme", active(acme.reserve("node-1", 1, 1, 100, true)))
            .when(acme.reported("node-1", 1, 150, 10))
            .thenAccepted();
    assertThat(s.state().getReservations()).isEmpty();
    assertThat(s.activeDek().getEncryptions()).isEqualTo(150);
  }

  @Test
  void aBlockOverTheBudgetIsRefusedCountingUsedAndReservedAndWhatIsLeftMayBeReserved() {
    CommandEnvelope used = acme.usage(DekUsagePolicy.MAX_ENCRYPTIONS - 2048, 0, 1);
    given("acme", active(used, acme.reserve("node-2", 1, 1, 1024, true)))
        .when(acme.reserve("node-1", 1, 1, 1025, true))
        .thenRefused("dek_rotating", null, RefusalKind.UNAVAILABLE)
        .thenEvents(CommandRefused.class);
    Scenario s =
        given("acme", active(used, acme.reserve("node-2", 1, 1, 1024, true)))
            .when(acme.reserve("node-1", 1, 1, 1024, true))
            .thenAccepted();
    assertThat(EncryptionReservations.committed(s.state(), s.activeDek()))
        .isEqualTo(DekUsagePolicy.MAX_ENCRYPTIONS);
  }

  @Test
  void leasesCountWhatInstancesHaveReserved() {
    given(
            "acme",
            active(
                acme.usage(DekUsagePolicy.MAX_ENCRYPTIONS - 2048, 0, 1),
                acme.reserve("node-1", 1, 1, 2000, true)))
        .when(acme.lease(1, 1, 49))
        .thenRefused("dek_rotating", null, RefusalKind.UNAVAILABLE);
  }

  @Test
  void noBlockOfADekThatIsNotActiveOutsideTheBoundsOrWithoutKeys() {
    given("acme", active(acme.rotateDek(2, 1)))
        .when(acme.reserve("node-1", 1, 1, 100, false))
        .thenRefused("dek_rotating", null, RefusalKind.UNAVAILABLE);
    given("acme", active())
        .when(acme.reserve("node-1", 1, 1, 0, false))
        .thenRefused("invalid_request", null, RefusalKind.INVALID_REQUEST);
    given("acme", active())
        .when(acme.reserve("node-1", 1, 1, EncryptionReservations.MAX_BLOCK + 1, false))
        .thenRefused("invalid_request", null, RefusalKind.INVALID_REQUEST);
    given("acme").when(acme.reserve("node-1", 1, 1, 100, false)).thenEvents(CommandRefused.class);
  }

  @Test
  void aRestartedInstanceCountsItsStaleReservationsOfEveryDekAsUsedWithItsFirstBlock() {
    Scenario s =
        given(
                "acme",
                active(
                    acme.reserve("node-1", 1, 1, 1000, true),
                    acme.reported("node-1", 1, 100, 0),
                    acme.rotateDek(2, 1),
                    acme.reserve("node-1", 2, 1, 500, false),
                    acme.reserve("node-2", 2, 1, 64, true)))
            // node-1 crashed holding 900 of DEK 1 and 500 of DEK 2, and starts again.
            .when(acme.reserve("node-1", 2, 1, 256, true))
            .thenAccepted();
    assertThat(((EncryptionsReserved) s.events().get(0).getPayload()).getSettled()).isEqualTo(1400);
    assertThat(dek(s, 1).getEncryptions()).isEqualTo(1000);
    assertThat(dek(s, 2).getEncryptions()).isEqualTo(500);
    assertThat(s.state().getReservations())
        .extracting(r -> r.getReporter() + ":" + r.getDekVersion() + ":" + r.getEncryptions())
        .containsExactlyInAnyOrder("node-2:2:64", "node-1:2:256");
    assertThat(s.state().getEncryptionCount())
        .as("counted as used: the crashed run may have made all of them")
        .isEqualTo(100 + 1400);
  }

  @Test
  void aRotationCountsReservationsOfDeksOlderThanThePreviousOneAsUsed() {
    Scenario s =
        given(
                "acme",
                active(
                    acme.reserve("gone", 1, 1, 1000, true),
                    acme.rotateDek(2, 1),
                    acme.reserve("node-1", 2, 1, 300, true)))
            .when(acme.rotateDek(3, 1))
            .thenAccepted();
    assertThat(s.state().getReservations())
        .extracting(r -> r.getReporter() + ":" + r.getDekVersion())
        .containsExactly("node-1:2");
    assertThat(dek(s, 1).getEncryptions()).isEqualTo(1000);
    assertThat(dek(s, 2).getEncryptions()).isZero();
    assertThat(s.state().getEncryptionCount()).isEqualTo(1000);
  }
}
