package dev.keyledger.engine.domain;

import static dev.keyledger.engine.domain.Scenario.given;
import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static dev.keyledger.engine.testing.TestCommands.OTHER_KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.event.ByokActivated;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.KeyDeregistered;
import dev.keyledger.avro.event.KeyRegistered;
import dev.keyledger.avro.event.KeyVerificationFailed;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.avro.event.TenantUnsealed;
import dev.keyledger.avro.event.TmkRewrapped;
import dev.keyledger.avro.event.TmkVersionAdded;
import dev.keyledger.avro.event.WaiverAcknowledged;
import dev.keyledger.avro.event.WaiverPublished;
import dev.keyledger.engine.testing.TestCommands;
import org.junit.jupiter.api.Test;

class DeciderTest {

  private final TestCommands acme = new TestCommands("acme");
  private final TestCommands platform = new TestCommands(TenantIds.PLATFORM);

  @Test
  void registeringAVerifiedKeyBindsItPendingTheWaiverWithTmkV1() {
    Scenario s =
        given("acme")
            .when(acme.register(KEY_ARN, 1))
            .thenAccepted()
            .thenEvents(KeyRegistered.class, TmkVersionAdded.class)
            .thenStatus(BindingStatus.PENDING_WAIVER);
    assertThat(s.state().getBinding().getRegisteredBy()).isEqualTo("alice@example.com");
    assertThat(TenantStates.activeTmk(s.state()))
        .get()
        .extracting(v -> v.getTmk().getVersion())
        .isEqualTo(1);
  }

  @Test
  void aMultiRegionKeyArnIsAccepted() {
    given("acme").when(acme.register(OTHER_KEY_ARN, 1)).thenAccepted();
  }

  @Test
  void aSecondRegistrationIsRefusedWithByok003() {
    given("acme", acme.register(KEY_ARN, 1))
        .when(acme.register(OTHER_KEY_ARN, 2))
        .thenRefused("key_already_registered", "BYOK_003", RefusalKind.CONFLICT)
        .thenEvents(CommandRefused.class)
        .thenStatus(BindingStatus.PENDING_WAIVER);
  }

  @Test
  void anAliasArnIsRefusedOnTheTenantApiWithAHintToUseTheKeyArn() {
    Scenario s =
        given("acme")
            .when(acme.register("arn:aws:kms:us-east-1:111122223333:alias/byok", 1))
            .thenRefused("invalid_arn", "BYOK_001", RefusalKind.INVALID_REQUEST)
            .thenStatus(BindingStatus.NONE);
    assertThat(s.state().getTmkVersions()).isEmpty();
  }

  @Test
  void anAliasArnIsAcceptedOnTheAdminApi() {
    given("acme")
        .when(acme.onboard("arn:aws:kms:us-east-1:111122223333:alias/byok", 1))
        .thenAccepted();
  }

  @Test
  void aRegistrationBuiltForAStaleVersionIsRefused() {
    given("acme")
        .when(acme.register(KEY_ARN, 2))
        .thenRefused("conflict", null, RefusalKind.CONFLICT);
  }

  @Test
  void acknowledgingTheWaiverActivatesByok() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1))
            .when(acme.acknowledge("1.0"))
            .thenAccepted()
            .thenEvents(WaiverAcknowledged.class, ByokActivated.class)
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(s.state().getBinding().getWaiverVersion()).isEqualTo("1.0");
  }

  @Test
  void reacknowledgingAnActiveBindingOnlyRecordsTheNewVersion() {
    given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"))
        .when(acme.acknowledge("2.0"))
        .thenEvents(WaiverAcknowledged.class)
        .thenStatus(BindingStatus.ACTIVE);
  }

  @Test
  void acknowledgingWithoutAKeyIsRefusedWithByok005() {
    given("acme")
        .when(acme.acknowledge("1.0"))
        .thenRefused("no_byok_key", "BYOK_005", RefusalKind.NOT_FOUND)
        .thenStatus(BindingStatus.NONE);
  }

  @Test
  void aFailedProbeIsAuditedAndChangesNothingElse() {
    Scenario s =
        given("acme")
            .when(acme.verificationFailed(KEY_ARN))
            .thenRefused("kms_verify_failed", "BYOK_002", RefusalKind.INVALID_REQUEST)
            .thenEvents(KeyVerificationFailed.class)
            .thenStatus(BindingStatus.NONE);
    assertThat(s.state().getTmkVersions()).isEmpty();
    assertThat(s.state().getSeq()).isEqualTo(1);
  }

  @Test
  void aFailedVerificationOfTheBoundKeyIsRecordedAsTheLastVerifyError() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"))
            .when(acme.verificationFailed(KEY_ARN))
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(s.state().getBinding().getLastVerifyError()).contains("AccessDeniedException");
  }

  @Test
  void anEdgeRejectionIsAnAuditedRefusal() {
    given("acme")
        .when(acme.reject("register", Refusals.invalidArn("nope", "hint")))
        .thenRefused("invalid_arn", "BYOK_001", RefusalKind.INVALID_REQUEST)
        .thenEvents(CommandRefused.class);
  }

  @Test
  void deregisteringRewrapsEveryVersionUnderThePlatformKeyAndDisablesTheBinding() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"))
            .when(acme.deregister(1))
            .thenAccepted()
            .thenEvents(TmkRewrapped.class, KeyDeregistered.class)
            .thenStatus(BindingStatus.DISABLED);
    assertThat(s.state().getTmkVersions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getTmk().getWrapMethod()).isEqualTo("platform");
              assertThat(v.getStatus()).isEqualTo("active");
            });
  }

  @Test
  void deregisteringWithoutRewrappingEveryLiveVersionIsRefused() {
    given("acme", acme.register(KEY_ARN, 1))
        .when(acme.deregister())
        .thenRefused("conflict", null, RefusalKind.CONFLICT)
        .thenStatus(BindingStatus.PENDING_WAIVER);
  }

  @Test
  void deregisteringWithoutAKeyIsRefusedWithByok005() {
    given("acme")
        .when(acme.deregister())
        .thenRefused("no_byok_key", "BYOK_005", RefusalKind.NOT_FOUND);
  }

  @Test
  void afterDeregistrationANewKeyCanBeRegisteredAsTheNextTmkVersion() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1), acme.deregister(1))
            .when(acme.register(OTHER_KEY_ARN, 2))
            .thenAccepted()
            .thenStatus(BindingStatus.PENDING_WAIVER);
    assertThat(s.state().getTmkVersions())
        .as("the platform-wrapped v1 serves while the new key waits for the waiver")
        .extracting(v -> v.getStatus())
        .containsExactly("active", "pending_waiver");
  }

  @Test
  void onboardingAgainThroughTheAdminApiAddsATmkVersionAndKeepsTheTenantActive() {
    Scenario s =
        given("acme", acme.onboard(KEY_ARN, 1), acme.acknowledge("1.0"))
            .when(acme.onboard(OTHER_KEY_ARN, 2))
            .thenAccepted()
            .thenEvents(KeyRegistered.class, TmkVersionAdded.class, ByokActivated.class)
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(s.state().getTmkVersions())
        .extracting(v -> v.getStatus())
        .containsExactly("retired", "active");
    assertThat(s.state().getTmkVersions().get(0).getRetiredAt()).isNotNull();
    assertThat(s.state().getBinding().getCmk().getKeyArn()).isEqualTo(OTHER_KEY_ARN);
  }

  @Test
  void anUnwrapFailureSealsAnActiveTenantOnce() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"))
            .when(acme.unwrapFailed())
            .thenEvents(TenantSealed.class)
            .thenStatus(BindingStatus.SEALED);
    assertThat(s.state().getBinding().getSealedSince()).isNotNull();
    assertThat(s.state().getBinding().getLastVerifyError()).isEqualTo("CMK inaccessible");
    given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"), acme.unwrapFailed())
        .when(acme.unwrapFailed())
        .thenAccepted()
        .thenEvents()
        .thenStatus(BindingStatus.SEALED);
  }

  @Test
  void aTenantWhoseWaiverIsPendingIsNeitherSealedNorActivatedByAnUnseal() {
    given("acme", acme.register(KEY_ARN, 1))
        .when(acme.unwrapFailed())
        .thenAccepted()
        .thenEvents()
        .thenStatus(BindingStatus.PENDING_WAIVER);
    given("acme", acme.register(KEY_ARN, 1), acme.unwrapFailed())
        .when(acme.unwrapSucceeded(false))
        .thenEvents()
        .thenStatus(BindingStatus.PENDING_WAIVER);
  }

  @Test
  void anUnwrapSuccessUnsealsASealedTenant() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"), acme.unwrapFailed())
            .when(acme.unwrapSucceeded(false))
            .thenEvents(TenantUnsealed.class)
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(s.state().getBinding().getSealedSince()).isNull();
    assertThat(s.state().getBinding().getLastVerifyError()).isNull();
  }

  @Test
  void aManualUnsealOfATenantThatIsNotSealedIsRefused() {
    given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"))
        .when(acme.unwrapSucceeded(true))
        .thenRefused("not_sealed", null, RefusalKind.CONFLICT);
    given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"))
        .when(acme.unwrapSucceeded(false))
        .thenAccepted()
        .thenEvents();
  }

  @Test
  void thePlatformPublishesWaiverVersionsAndTenantsCannot() {
    given(TenantIds.PLATFORM)
        .when(platform.publishWaiver("2.0"))
        .thenAccepted()
        .thenEvents(WaiverPublished.class);
    given(TenantIds.PLATFORM)
        .when(platform.publishWaiver("1.0"))
        .thenRefused("waiver_version_exists", null, RefusalKind.CONFLICT);
    given("acme")
        .when(acme.publishWaiver("2.0"))
        .thenRefused("invalid_request", null, RefusalKind.INVALID_REQUEST);
    given(TenantIds.PLATFORM)
        .when(platform.acknowledge("1.0"))
        .thenRefused("invalid_request", null, RefusalKind.INVALID_REQUEST);
  }

  @Test
  void everyEventIsNumberedGapFreeAndHashChained() {
    Scenario s = given("acme", acme.register(KEY_ARN, 1)).when(acme.acknowledge("1.0"));
    assertThat(s.events()).extracting(e -> e.getSeq()).containsExactly(3L, 4L);
    assertThat(s.events().get(0).getPrevHash()).isEqualTo(s.before().getLastHash());
    assertThat(s.events().get(1).getPrevHash()).isEqualTo(s.events().get(0).getHash());
    assertThat(s.events()).allMatch(dev.keyledger.schemas.EventHashes::isIntact);
    assertThat(s.state().getLastHash()).isEqualTo(s.events().get(1).getHash());
  }

  @Test
  void aRefusedRegistrationErasesTheMaterialItIntroduced() {
    assertThat(
            given("acme", acme.register(KEY_ARN, 1)).when(acme.register(OTHER_KEY_ARN, 2)).erased())
        .containsExactly("acme/tmk-2-customer_kms");
  }

  @Test
  void anAcceptedDeregistrationErasesTheCmkWrappedCopies() {
    assertThat(given("acme", acme.register(KEY_ARN, 1)).when(acme.deregister(1)).erased())
        .containsExactly("acme/tmk-1-customer_kms");
    assertThat(given("acme").when(acme.deregister(1)).erased())
        .containsExactly("acme/tmk-1-platform");
  }
}
