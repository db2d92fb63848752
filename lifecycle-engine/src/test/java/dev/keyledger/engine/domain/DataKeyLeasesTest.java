package dev.keyledger.engine.domain;

import static dev.keyledger.engine.domain.Scenario.given;
import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.DataKeyLeased;
import dev.keyledger.engine.crypto.DekUsagePolicy;
import dev.keyledger.engine.testing.TestCommands;
import org.junit.jupiter.api.Test;

/** Leased data keys: a block of the active DEK's budget, reserved in the fold. */
class DataKeyLeasesTest {

  private final TestCommands acme = new TestCommands("acme");

  private CommandEnvelope[] active() {
    return new CommandEnvelope[] {acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0")};
  }

  @Test
  void aLeaseOfTheActiveDekReservesItsBlockAtOnce() {
    Scenario s =
        given("acme", active())
            .when(acme.lease(1, 1, 1000))
            .thenAccepted()
            .thenEvents(DataKeyLeased.class);
    DataKeyLeased leased = (DataKeyLeased) s.events().get(0).getPayload();
    assertThat(leased.getDek().getDekId()).isEqualTo("dek-1");
    assertThat(leased.getEncryptions()).isEqualTo(1000);
    assertThat(leased.getLessee()).isEqualTo("svc@acme");
    assertThat(s.activeDek().getEncryptions()).isEqualTo(1000);
    assertThat(s.state().getEncryptionCount())
        .as("the tenant's count is of encryptions made, not reserved")
        .isZero();
  }

  @Test
  void aBlockTheBudgetCannotHoldIsRefusedAndWhatIsLeftMayBeLeased() {
    CommandEnvelope nearlyUsed = acme.usage(DekUsagePolicy.MAX_ENCRYPTIONS - 10, 0, 1);
    given("acme", acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0"), nearlyUsed)
        .when(acme.lease(1, 1, 11))
        .thenRefused("dek_rotating", null, RefusalKind.UNAVAILABLE)
        .thenEvents(CommandRefused.class);
    given(
            "acme",
            acme.registerWithDek(KEY_ARN, 1, 1),
            acme.acknowledge("1.0"),
            acme.usage(DekUsagePolicy.MAX_ENCRYPTIONS - 10, 0, 1))
        .when(acme.lease(1, 1, 10))
        .thenAccepted();
  }

  @Test
  void aLeaseOfADekThatIsNoLongerActiveIsRefused() {
    given(
            "acme",
            acme.registerWithDek(KEY_ARN, 1, 1),
            acme.acknowledge("1.0"),
            acme.rotateDek(2, 1))
        .when(acme.lease(1, 1, 100))
        .thenRefused("dek_rotating", null, RefusalKind.UNAVAILABLE);
  }

  @Test
  void noLeaseWhileSealedBeforeTheWaiverOrOutsideTheBlockBounds() {
    given("acme", acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0"), acme.unwrapFailed())
        .when(acme.lease(1, 1, 100))
        .thenRefused("tenant_sealed", null, RefusalKind.UNAVAILABLE);
    given("acme", acme.registerWithDek(KEY_ARN, 1, 1))
        .when(acme.lease(1, 1, 100))
        .thenEvents(CommandRefused.class);
    given("acme", active())
        .when(acme.lease(1, 1, 0))
        .thenRefused("invalid_request", null, RefusalKind.INVALID_REQUEST);
    given("acme", active())
        .when(acme.lease(1, 1, DataKeyLeases.MAX_BLOCK + 1))
        .thenRefused("invalid_request", null, RefusalKind.INVALID_REQUEST);
  }
}
