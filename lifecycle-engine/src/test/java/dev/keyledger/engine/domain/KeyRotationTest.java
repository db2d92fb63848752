package dev.keyledger.engine.domain;

import static dev.keyledger.engine.domain.Scenario.given;
import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.event.ByokActivated;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.DeksRewrapped;
import dev.keyledger.avro.event.KeyRegistered;
import dev.keyledger.avro.event.RewrapCompleted;
import dev.keyledger.avro.event.RewrapStarted;
import dev.keyledger.avro.event.TmkDestroyed;
import dev.keyledger.avro.event.TmkVersionAdded;
import dev.keyledger.avro.event.UsageRecorded;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.engine.testing.TestCommands;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

  private final TestCommands acme = new TestCommands("acme");

  /** Active BYOK with TMK v1 and DEKs v1..v3 (v3 active), all under TMK v1. */
  private CommandEnvelope[] activeWithThreeDeks() {
    return new CommandEnvelope[] {
      acme.registerWithDek(KEY_ARN, 1, 1),
      acme.acknowledge("1.0"),
      acme.rotateDek(2, 1),
      acme.rotateDek(3, 1)
    };
  }

  @Test
  void registrationBringsDekV1UnderTheNewTmk() {
    Scenario s =
        given("acme")
            .when(acme.registerWithDek(KEY_ARN, 1, 1))
            .thenEvents(KeyRegistered.class, TmkVersionAdded.class, DekCreated.class);
    assertThat(TenantStates.activeDek(s.state()))
        .get()
        .extracting(d -> d.getTmkVersion())
        .isEqualTo(1);
  }

  @Test
  void aDekRotationRetiresThePreviousDek() {
    Scenario s =
        given("acme", acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0"))
            .when(acme.rotateDek(2, 1))
            .thenAccepted()
            .thenEvents(DekCreated.class);
    assertThat(s.deks()).extracting(DekState::getStatus).containsExactly("retired", "active");
    assertThat(s.state().getActiveDek().getVersion()).isEqualTo(2);
    assertThat(TenantStates.tmk(s.state(), 1).orElseThrow().getLiveDeks()).isEqualTo(2);
    assertThat(s.state().getLastRotationAt()).isNotNull();
  }

  @Test
  void rotationIsRefusedWhileSealedOrBeforeTheWaiver() {
    given("acme", acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0"), acme.unwrapFailed())
        .when(acme.rotateDek(2, 1))
        .thenRefused("tenant_sealed", null, RefusalKind.UNAVAILABLE)
        .thenEvents(CommandRefused.class);
    given("acme", acme.registerWithDek(KEY_ARN, 1, 1))
        .when(acme.rotateMaster(2))
        .thenRefused("waiver_not_acknowledged", "BYOK_004", RefusalKind.INVALID_REQUEST);
    given("acme")
        .when(acme.rotateDek(1, 1))
        .thenRefused("no_byok_key", "BYOK_005", RefusalKind.NOT_FOUND);
  }

  @Test
  void aDekBuiltForAnOlderStateIsRefusedAndItsMaterialErased() {
    Scenario s =
        given("acme", acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0"))
            .when(acme.rotateDek(3, 1))
            .thenRefused("conflict", null, RefusalKind.CONFLICT);
    assertThat(s.erased()).containsExactly("acme/dek-3@1");
  }

  @Test
  void aMasterRotationAddsATmkVersionAndLeasesARewrapOfEveryDek() {
    Scenario s =
        given("acme", activeWithThreeDeks())
            .when(acme.rotateMaster(2))
            .thenAccepted()
            .thenEvents(TmkVersionAdded.class, RewrapStarted.class);
    RewrapStarted started = (RewrapStarted) s.events().get(1).getPayload();
    assertThat(started.getLeaseId())
        .as("the lease id is the seq of its event")
        .isEqualTo(s.events().get(1).getSeq());
    assertThat(started.getTotalDeks()).isEqualTo(3);
    assertThat(s.state().getRewrap().getToTmkVersion()).isEqualTo(2);
    assertThat(s.state().getTmkVersions())
        .extracting(v -> v.getStatus())
        .containsExactly("retired", "active");
  }

  @Test
  void rewrapBatchesMoveDeksUntilTheLeaseCompletes() {
    Scenario rotated = given("acme", activeWithThreeDeks()).when(acme.rotateMaster(2));
    long lease = rotated.state().getRewrap().getLeaseId();
    List<CommandEnvelope> history = new java.util.ArrayList<>(List.of(activeWithThreeDeks()));
    history.add(acme.rotateMaster(2));
    Scenario first =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.rewrap(lease, 2, 1, 2))
            .thenAccepted()
            .thenEvents(DeksRewrapped.class);
    assertThat(((DeksRewrapped) first.events().get(0).getPayload()).getRemaining()).isEqualTo(1);
    assertThat(first.state().getRewrap().getDone()).isEqualTo(2);
    assertThat(first.erased())
        .as("the copies under the old version are erased")
        .containsExactly("acme/dek-1@1", "acme/dek-2@1");

    history.add(acme.rewrap(lease, 2, 1, 2));
    Scenario last =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.rewrap(lease, 2, 3))
            .thenEvents(DeksRewrapped.class, RewrapCompleted.class);
    assertThat(last.state().getRewrap()).isNull();
    assertThat(last.deks()).hasSize(3).allMatch(d -> d.getDek().getTmkVersion() == 2);
    assertThat(last.state().getActiveDek().getTmkVersion())
        .as("the active DEK's reference follows its rewrap")
        .isEqualTo(2);
    assertThat(last.state().getTmkVersions())
        .extracting(v -> v.getLiveDeks())
        .containsExactly(0, 3);
  }

  @Test
  void aBatchOfAnOldLeaseIsRefusedAndItsNewMaterialErased() {
    Scenario s =
        given("acme", activeWithThreeDeks())
            .when(acme.rewrap(99, 1, 1))
            .thenRefused("lease_superseded", null, RefusalKind.CONFLICT);
    assertThat(s.state().getRewrap()).isNull();
  }

  @Test
  void theActiveTmkVersionCannotBeDestroyed() {
    given("acme", activeWithThreeDeks())
        .when(acme.revoke(1))
        .thenRefused("active_version", null, RefusalKind.CONFLICT);
    given("acme", activeWithThreeDeks())
        .when(acme.revoke(7))
        .thenRefused("unknown_key_version", null, RefusalKind.NOT_FOUND);
  }

  @Test
  void aVersionThatStillWrapsDeksIsDestroyedOnlyWhenDataLossIsAllowed() {
    List<CommandEnvelope> history = new java.util.ArrayList<>(List.of(activeWithThreeDeks()));
    history.add(acme.rotateMaster(2));
    given("acme", history.toArray(CommandEnvelope[]::new))
        .when(acme.revoke(1))
        .thenRefused("data_would_be_lost", null, RefusalKind.CONFLICT);
    Scenario shredded =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.revokeAllowingDataLoss(1))
            .thenAccepted()
            .thenEvents(TmkDestroyed.class);
    assertThat(((TmkDestroyed) shredded.events().get(0).getPayload()).getDeksLost()).isEqualTo(3);
    assertThat(shredded.deks()).hasSize(3).allMatch(d -> DekStatus.LOST.equals(d.getStatus()));
    assertThat(shredded.state().getActiveDek()).as("no DEK encrypts any more").isNull();
    assertThat(TenantStates.liveDeks(shredded.state())).isZero();
    assertThat(shredded.erased())
        .contains("acme/tmk-1-customer_kms", "acme/dek-1@1", "acme/dek-2@1", "acme/dek-3@1");
  }

  @Test
  void destroyingARetiredVersionErasesItAndEverythingItStillWraps() {
    Scenario s =
        given(
                "acme",
                acme.registerWithDek(KEY_ARN, 1, 1),
                acme.acknowledge("1.0"),
                acme.rotateMaster(2))
            .when(acme.revoke(1))
            .thenEvents(CommandRefused.class);
    // the rewrap of dek-1 is pending: without allow_data_loss, revoke is refused until it is done
    long lease = s.before().getRewrap().getLeaseId();
    Scenario done =
        given(
                "acme",
                acme.registerWithDek(KEY_ARN, 1, 1),
                acme.acknowledge("1.0"),
                acme.rotateMaster(2),
                acme.rewrap(lease, 2, 1))
            .when(acme.revoke(1))
            .thenAccepted()
            .thenEvents(TmkDestroyed.class);
    assertThat(TenantStates.tmk(done.state(), 1))
        .get()
        .extracting(v -> v.getStatus())
        .isEqualTo("destroyed");
    assertThat(done.erased()).containsExactly("acme/tmk-1-customer_kms");
    assertThat(TenantStates.liveDeks(done.state())).isEqualTo(1);
  }

  @Test
  void aRetiredVersionThatWrapsNoDekIsDestroyedWithNothingLost() {
    Scenario lost =
        given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"), acme.rotateMaster(2))
            .when(acme.revoke(1))
            .thenAccepted();
    assertThat(((TmkDestroyed) lost.events().get(0).getPayload()).getDeksLost()).isZero();
  }

  @Test
  void usageIsCountedPerTenantAndPerDek() {
    Scenario s =
        given(
                "acme",
                acme.registerWithDek(KEY_ARN, 1, 1),
                acme.acknowledge("1.0"),
                acme.usage(5, 2, 1))
            .when(acme.usage(7, 1, 1))
            .thenEvents(UsageRecorded.class);
    assertThat(s.state().getEncryptionCount()).isEqualTo(12);
    assertThat(s.state().getDecryptionCount()).isEqualTo(3);
    assertThat(s.activeDek().getEncryptions()).isEqualTo(12L);
    assertThat(s.state().getLastUsed()).isNotNull();
  }

  @Test
  void onboardingAnotherCmkRewrapsTheExistingDeks() {
    Scenario s =
        given("acme", acme.registerWithDek(KEY_ARN, 1, 1), acme.acknowledge("1.0"))
            .when(acme.onboard("arn:aws:kms:us-east-1:111122223333:alias/other", 2))
            .thenEvents(
                KeyRegistered.class,
                TmkVersionAdded.class,
                RewrapStarted.class,
                ByokActivated.class);
    assertThat(s.state().getRewrap().getTotal()).isEqualTo(1);
  }

  @Test
  void rotationEventsExtendTheSameHashChain() {
    Scenario s =
        given("acme", activeWithThreeDeks())
            .when(acme.rotateMaster(2))
            .thenEvents(TmkVersionAdded.class, RewrapStarted.class);
    assertThat(s.events())
        .extracting(e -> e.getSeq())
        .as("3 register + 2 acknowledge + 2 rotations, then these")
        .containsExactly(8L, 9L);
    assertThat(s.events().get(0).getPrevHash()).isEqualTo(s.before().getLastHash());
    assertThat(s.events()).allMatch(dev.keyledger.schemas.EventHashes::isIntact);
  }
}
