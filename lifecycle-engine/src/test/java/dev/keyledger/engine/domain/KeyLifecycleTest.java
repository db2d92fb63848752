package dev.keyledger.engine.domain;

import static dev.keyledger.engine.domain.Scenario.given;
import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static dev.keyledger.engine.testing.TestCommands.OTHER_KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.command.ProvisionKeys;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.avro.event.ByokActivated;
import dev.keyledger.avro.event.ByokEnded;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.DataKeyLeased;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.DeksRewrapped;
import dev.keyledger.avro.event.HealthChecked;
import dev.keyledger.avro.event.KeyDeregistered;
import dev.keyledger.avro.event.KeyRegistered;
import dev.keyledger.avro.event.KeysProvisioned;
import dev.keyledger.avro.event.RewrapCompleted;
import dev.keyledger.avro.event.RewrapStarted;
import dev.keyledger.avro.event.TmkDestroyed;
import dev.keyledger.avro.event.TmkRewrapped;
import dev.keyledger.avro.event.TmkVersionAdded;
import dev.keyledger.avro.event.WaiverAcknowledged;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.testing.TestCommands;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole key lifecycle (issue 11): platform-managed keys from the first use, BYOK onboarding as
 * a migration, the way back ({@code DELETE /keys}), and the end of BYOK by erasure.
 */
class KeyLifecycleTest {

  private final TestCommands acme = new TestCommands("acme");

  /** Platform keys (TMK v1, DEK v1), then a CMK registered as TMK v2 and acknowledged. */
  private List<CommandEnvelope> onboardedFromPlatform() {
    return new ArrayList<>(
        List.of(acme.provision(1, 1), acme.register(KEY_ARN, 2), acme.acknowledge("1.0")));
  }

  @Test
  void aTenantWithoutKeysIsProvisionedWithPlatformWrappedTmkV1AndDekV1() {
    Scenario s =
        given("acme")
            .when(acme.provision(1, 1))
            .thenAccepted()
            .thenEvents(KeysProvisioned.class, TmkVersionAdded.class, DekCreated.class)
            .thenStatus(BindingStatus.NONE);
    assertThat(TenantStates.activeTmk(s.state()).orElseThrow().getTmk().getWrapMethod())
        .isEqualTo("platform");
    assertThat(TenantStates.activeTmk(s.state()).orElseThrow().getCmk()).isNull();
    assertThat(s.activeDek().getDek().getTmkVersion()).isEqualTo(1);
    assertThat(s.erased()).isEmpty();
  }

  @Test
  void aSecondConcurrentProvisionIsANoOpWhoseUnusedMaterialIsTombstoned() {
    Scenario s = given("acme", acme.provision(1, 1)).when(acme.provision(1, 1)).thenAccepted();
    assertThat(s.events()).as("nothing appended").isEmpty();
    assertThat(s.state()).isEqualTo(s.before());
    assertThat(s.erased()).containsExactly("acme/tmk-1-platform", "acme/dek-1@1");
  }

  @Test
  void provisioningRefusesKeysWrappedByACmkAndErasesThem() {
    CommandEnvelope byCmk =
        acme.envelope(
            ProvisionKeys.newBuilder()
                .setTmk(TestCommands.tmk(1, "customer_kms", KEY_ARN))
                .setDek(TestCommands.dek(1, 1))
                .build());
    Scenario s =
        given("acme")
            .when(byCmk)
            .thenRefused("invalid_request", null, RefusalKind.INVALID_REQUEST)
            .thenEvents(CommandRefused.class);
    assertThat(s.erased()).containsExactly("acme/tmk-1-customer_kms", "acme/dek-1@1");
  }

  @Test
  void aPlatformTenantRotatesWithoutByok() {
    given("acme", acme.provision(1, 1))
        .when(acme.rotateDek(2, 1))
        .thenAccepted()
        .thenEvents(DekCreated.class);
  }

  @Test
  void aPlatformTenantRecordsHealthChecks() {
    given("acme", acme.provision(1, 1))
        .when(acme.healthCheck(null, false, 1, 1))
        .thenAccepted()
        .thenEvents(HealthChecked.class);
  }

  @Test
  void registeringACmkOnAPlatformTenantAddsACmkWrappedVersionThatWaitsForTheWaiver() {
    Scenario s =
        given("acme", acme.provision(1, 1), acme.rotateDek(2, 1))
            .when(acme.register(KEY_ARN, 2))
            .thenAccepted()
            .thenEvents(KeyRegistered.class, TmkVersionAdded.class)
            .thenStatus(BindingStatus.PENDING_WAIVER);
    assertThat(((TmkVersionAdded) s.events().get(1).getPayload()).getAwaitsWaiver()).isTrue();
    assertThat(TenantStates.activeTmk(s.state()).orElseThrow().getTmk().getWrapMethod())
        .as("the platform-managed keys keep serving")
        .isEqualTo("platform");
    assertThat(TenantStates.tmk(s.state(), 2).orElseThrow().getStatus())
        .isEqualTo("pending_waiver");
    assertThat(TenantStates.pendingTmk(s.state()).orElseThrow().getCmk().getKeyArn())
        .isEqualTo(KEY_ARN);
    assertThat(s.state().getRewrap()).as("nothing moves before the waiver").isNull();
    assertThat(RewrapStatus.of(s.state())).isEqualTo(RewrapStatus.WAITING_FOR_WAIVER);
    assertThat(s.activeDek().getDek().getTmkVersion()).isEqualTo(1);
  }

  @Test
  void whileTheRegistrationWaitsThePlatformKeysRotateLeaseAndRotateAutomatically() {
    CommandEnvelope[] pending = {acme.provision(1, 1), acme.register(KEY_ARN, 2)};
    given("acme", pending).when(acme.rotateDek(2, 1)).thenAccepted().thenEvents(DekCreated.class);
    given("acme", pending)
        .when(
            acme.envelope(
                RotateDek.newBuilder()
                    .setDek(TestCommands.dek(2, 1))
                    .setReason("usage limit")
                    .setAutomatic(true)
                    .build()))
        .thenAccepted()
        .thenEvents(DekCreated.class);
    given("acme", pending)
        .when(acme.lease(1, 1, 1000))
        .thenAccepted()
        .thenEvents(DataKeyLeased.class);
    given("acme", pending)
        .when(acme.rotateDek(2, 2))
        .thenRefused("conflict", null, RefusalKind.CONFLICT);
  }

  @Test
  void aMasterRotationWhileTheRegistrationWaitsStaysUnderThePlatformKey() {
    CommandEnvelope platformV3 =
        acme.envelope(
            RotateMaster.newBuilder()
                .setTmk(TestCommands.tmk(3, "platform", null))
                .setReason("test")
                .build());
    Scenario s =
        given("acme", acme.provision(1, 1), acme.register(KEY_ARN, 2))
            .when(platformV3)
            .thenAccepted();
    assertThat(s.state().getTmkVersions())
        .extracting(TmkVersionState::getStatus)
        .containsExactly("retired", "pending_waiver", "active");
  }

  @Test
  void acknowledgingTheWaiverSwitchesToTheCmkWrappedVersionAndStartsTheRewrap() {
    Scenario s =
        given("acme", acme.provision(1, 1), acme.rotateDek(2, 1), acme.register(KEY_ARN, 2))
            .when(acme.acknowledge("1.0"))
            .thenAccepted()
            .thenEvents(WaiverAcknowledged.class, ByokActivated.class, RewrapStarted.class)
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(TenantStates.activeTmk(s.state()).orElseThrow().getTmk().getVersion()).isEqualTo(2);
    assertThat(TenantStates.activeTmk(s.state()).orElseThrow().getTmk().getWrapMethod())
        .isEqualTo("customer_kms");
    TmkVersionState platform = TenantStates.tmk(s.state(), 1).orElseThrow();
    assertThat(platform.getStatus())
        .as("unwraps only, until the rewrap is done")
        .isEqualTo("retired");
    assertThat(platform.getRetiredAt()).isEqualTo(s.events().get(1).getOccurredAt());
    assertThat(s.state().getRewrap().getToTmkVersion()).isEqualTo(2);
    assertThat(s.state().getRewrap().getTotal()).isEqualTo(2);
    assertThat(s.state().getLastRotationAt()).isEqualTo(s.events().get(1).getOccurredAt());
    assertThat(RewrapStatus.of(s.state())).isEqualTo(RewrapStatus.ENQUEUED);
    assertThat(TenantStates.pendingTmk(s.state())).isEmpty();
  }

  @Test
  void aSecondOnboardingWhileWaitingReplacesTheWaitingVersion() {
    Scenario s =
        given("acme", acme.provision(1, 1), acme.onboard(KEY_ARN, 2))
            .when(acme.onboard(OTHER_KEY_ARN, 3))
            .thenAccepted()
            .thenStatus(BindingStatus.PENDING_WAIVER);
    assertThat(s.state().getTmkVersions())
        .extracting(TmkVersionState::getStatus)
        .containsExactly("active", "retired", "pending_waiver");
    assertThat(TenantStates.pendingTmk(s.state()).orElseThrow().getCmk().getKeyArn())
        .isEqualTo(OTHER_KEY_ARN);
  }

  @Test
  void aWaitingVersionIsNotDestroyedOnItsOwnButGoesWithTheRegistration() {
    CommandEnvelope[] pending = {acme.provision(1, 1), acme.register(KEY_ARN, 2)};
    given("acme", pending)
        .when(acme.revoke(2))
        .thenRefused("pending_version", null, RefusalKind.CONFLICT);
    Scenario deregistered =
        given("acme", pending)
            .when(acme.deregister(1, 2))
            .thenAccepted()
            .thenStatus(BindingStatus.DISABLED);
    assertThat(deregistered.state().getTmkVersions())
        .extracting(TmkVersionState::getStatus)
        .containsExactly("active", "retired");
    Scenario ended =
        given("acme", pending)
            .when(acme.endByok(1))
            .thenAccepted()
            .thenEvents(TmkDestroyed.class, ByokEnded.class)
            .thenStatus(BindingStatus.REVOKED);
    assertThat(ended.state().getTmkVersions())
        .extracting(TmkVersionState::getStatus)
        .containsExactly("active", "destroyed");
    assertThat(ended.deks()).allMatch(d -> DekStatus.ACTIVE.equals(d.getStatus()));
  }

  @Test
  void aRegistrationThatWaitsRefusesADekUnderItsVersion() {
    Scenario s =
        given("acme", acme.provision(1, 1))
            .when(acme.registerWithDek(KEY_ARN, 2, 2))
            .thenRefused("conflict", null, RefusalKind.CONFLICT)
            .thenEvents(CommandRefused.class);
    assertThat(s.erased()).containsExactly("acme/tmk-2-customer_kms", "acme/dek-2@2");
  }

  @Test
  void aPendingBindingWhoseCmkVersionIsActiveAsAnEarlierReleaseFoldedItKeepsItsRules() {
    // A registration without platform keys is decided as every registration was before: its
    // CMK-wrapped version is active at once, so the state is the one an earlier release left.
    CommandEnvelope[] legacy = {acme.registerWithDek(KEY_ARN, 1, 1)};
    Scenario pending = given("acme", legacy).when(acme.rotateDek(2, 1));
    pending.thenRefused("waiver_not_acknowledged", "BYOK_004", RefusalKind.INVALID_REQUEST);
    assertThat(TenantStates.activeTmk(pending.before()).orElseThrow().getTmk().getWrapMethod())
        .isEqualTo("customer_kms");
    given("acme", legacy)
        .when(acme.lease(1, 1, 1000))
        .thenRefused("waiver_not_acknowledged", "BYOK_004", RefusalKind.INVALID_REQUEST);
    Scenario acknowledged =
        given("acme", legacy)
            .when(acme.acknowledge("1.0"))
            .thenAccepted()
            .thenEvents(WaiverAcknowledged.class, ByokActivated.class)
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(acknowledged.state().getTmkVersions())
        .extracting(TmkVersionState::getStatus)
        .containsExactly("active");
  }

  @Test
  void anAcknowledgmentOfAStaleWaiverVersionLeavesKeyWritesRefusedUntilTheCurrentOne() {
    // The fold records the version the sender names; the sender names the current one. An
    // acknowledgment that raced a publication names the older one: BYOK switches, and key
    // management is refused (BYOK_004) until the current version is acknowledged.
    TestCommands platformCommands = new TestCommands(TenantIds.PLATFORM);
    Scenario platformState =
        given(TenantIds.PLATFORM).when(platformCommands.publishWaiver("2.0")).thenAccepted();
    Scenario s =
        given("acme", acme.provision(1, 1), acme.register(KEY_ARN, 2))
            .when(acme.acknowledge("1.0"))
            .thenAccepted()
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(Waivers.checkAcknowledged(s.state(), platformState.state()))
        .get()
        .satisfies(r -> assertThat(r.getCode()).isEqualTo("BYOK_004"))
        .satisfies(r -> assertThat(r.getMessage()).contains("Requires reacknowledgment"));
    Scenario current =
        given("acme", acme.provision(1, 1), acme.register(KEY_ARN, 2), acme.acknowledge("1.0"))
            .when(acme.acknowledge("2.0"))
            .thenAccepted()
            .thenEvents(WaiverAcknowledged.class);
    assertThat(Waivers.checkAcknowledged(current.state(), platformState.state())).isEmpty();
  }

  @Test
  void theRewrapMovesEveryDekThenThePlatformVersionCanBeDestroyed() {
    List<CommandEnvelope> history = onboardedFromPlatform();
    Scenario pending =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.revoke(1))
            .thenRefused("data_would_be_lost", null, RefusalKind.CONFLICT);
    long lease = pending.before().getRewrap().getLeaseId();

    Scenario moved =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.rewrap(lease, 2, 1))
            .thenAccepted()
            .thenEvents(DeksRewrapped.class, RewrapCompleted.class)
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(moved.activeDek().getDek().getTmkVersion()).isEqualTo(2);
    assertThat(moved.erased()).containsExactly("acme/dek-1@1");

    history.add(acme.rewrap(lease, 2, 1));
    Scenario destroyed =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.revoke(1))
            .thenAccepted()
            .thenEvents(TmkDestroyed.class);
    assertThat(((TmkDestroyed) destroyed.events().get(0).getPayload()).getDeksLost()).isZero();
    assertThat(destroyed.deks()).allMatch(d -> DekStatus.ACTIVE.equals(d.getStatus()));
    assertThat(destroyed.erased()).containsExactly("acme/tmk-1-platform");
  }

  @Test
  void deregisteringMigratesBackToThePlatformKey() {
    Scenario s =
        given("acme", onboardedFromPlatform().toArray(CommandEnvelope[]::new))
            .when(acme.deregister(1, 2))
            .thenAccepted()
            .thenEvents(TmkRewrapped.class, TmkRewrapped.class, KeyDeregistered.class)
            .thenStatus(BindingStatus.DISABLED);
    assertThat(s.state().getTmkVersions())
        .allMatch(v -> "platform".equals(v.getTmk().getWrapMethod()));
  }

  @Test
  void aSealedTenantEndsByokByErasureOfEveryCmkWrappedVersion() {
    List<CommandEnvelope> history = onboardedFromPlatform();
    history.add(acme.rotateMaster(3));
    history.add(acme.unwrapFailed());
    Scenario s =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.endByok(3))
            .thenAccepted()
            .thenEvents(TmkDestroyed.class, TmkDestroyed.class, ByokEnded.class)
            .thenStatus(BindingStatus.REVOKED);
    ByokEnded ended = (ByokEnded) s.events().get(2).getPayload();
    assertThat(ended.getDestroyedVersions()).containsExactly(2, 3);
    assertThat(TenantStates.tmk(s.state(), 1).orElseThrow().getStatus())
        .as("the platform-wrapped version is not the customer's to destroy")
        .isEqualTo("retired");
    assertThat(TenantStates.activeTmk(s.state())).isEmpty();
    assertThat(s.state().getActiveDek().getTmkVersion())
        .as("DEK v1 was never moved (the rewrap did not run): it survives under TMK v1")
        .isEqualTo(1);
    assertThat(s.state().getRewrap()).as("its target is gone").isNull();
    assertThat(s.state().getBinding().getSealedSince()).isNull();
    assertThat(s.deks()).extracting(DekState::getStatus).containsExactly("active");
    assertThat(s.erased()).containsExactly("acme/tmk-2-customer_kms", "acme/tmk-3-customer_kms");
  }

  @Test
  void endingByokLosesTheDeksTheCmkWrappedAndThenNewPlatformKeysCanBeProvisioned() {
    List<CommandEnvelope> history = onboardedFromPlatform();
    Scenario first = given("acme", history.toArray(CommandEnvelope[]::new)).when(acme.revoke(1));
    history.add(acme.rewrap(first.before().getRewrap().getLeaseId(), 2, 1));
    Scenario ended =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.endByok(2))
            .thenEvents(TmkDestroyed.class, ByokEnded.class);
    assertThat(ended.deks()).allMatch(d -> DekStatus.LOST.equals(d.getStatus()));
    assertThat(ended.erased()).containsExactly("acme/tmk-2-customer_kms", "acme/dek-1@2");

    history.add(acme.endByok(2));
    Scenario again =
        given("acme", history.toArray(CommandEnvelope[]::new))
            .when(acme.provision(3, 2))
            .thenAccepted()
            .thenEvents(KeysProvisioned.class, TmkVersionAdded.class, DekCreated.class)
            .thenStatus(BindingStatus.REVOKED);
    assertThat(TenantStates.activeTmk(again.state()).orElseThrow().getTmk().getWrapMethod())
        .isEqualTo("platform");
  }

  @Test
  void endingByokMustNameTheActiveVersion() {
    given("acme", onboardedFromPlatform().toArray(CommandEnvelope[]::new))
        .when(acme.endByok(1))
        .thenRefused("conflict", null, RefusalKind.CONFLICT)
        .thenEvents(CommandRefused.class)
        .thenStatus(BindingStatus.ACTIVE);
  }

  @Test
  void endingByokWithoutABindingIsRefusedNoByokKey() {
    given("acme", acme.provision(1, 1))
        .when(acme.endByok(1))
        .thenRefused("no_byok_key", "BYOK_005", RefusalKind.NOT_FOUND)
        .thenStatus(BindingStatus.NONE);
  }

  @Test
  void revokingARetiredVersionWithoutEndByokStaysAsBefore() {
    given("acme", onboardedFromPlatform().toArray(CommandEnvelope[]::new))
        .when(acme.revoke(2))
        .thenRefused("active_version", null, RefusalKind.CONFLICT);
  }

  @Test
  void anAcknowledgedRegistrationOfAPlatformTenantActivatesByok() {
    List<CommandEnvelope> history = onboardedFromPlatform();
    history.remove(history.size() - 1);
    given("acme", history.toArray(CommandEnvelope[]::new))
        .when(acme.acknowledge("1.0"))
        .thenEvents(WaiverAcknowledged.class, ByokActivated.class, RewrapStarted.class)
        .thenStatus(BindingStatus.ACTIVE);
  }
}
