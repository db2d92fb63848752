package dev.keyledger.engine.domain;

import static dev.keyledger.engine.domain.Scenario.given;
import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.HealthChecked;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.engine.testing.TestCommands;
import org.junit.jupiter.api.Test;

/** Live health checks (SPEC §3a {@code GET /health}) as the fold records them. */
class HealthCheckTest {

  private final TestCommands acme = new TestCommands("acme");

  @Test
  void aGoodCheckIsRecordedWithItsLatenciesAndClearsTheLastError() {
    Scenario s =
        given(
                "acme",
                acme.register(KEY_ARN, 1),
                acme.acknowledge("1.0"),
                acme.healthCheck("throttled", false, 0, 0))
            .when(acme.healthCheck(null, false, 41, 37))
            .thenEvents(HealthChecked.class)
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(s.state().getBinding().getProbeEncryptMs()).isEqualTo(41);
    assertThat(s.state().getBinding().getProbeDecryptMs()).isEqualTo(37);
    assertThat(s.state().getBinding().getLastVerifyError()).isNull();
    assertThat(s.state().getBinding().getLastVerifiedAt()).isNotNull();
  }

  @Test
  void aFailureThatProvesTheKeyUnusableSealsAnActiveTenant() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"))
            .when(acme.healthCheck("access_denied", true, 0, 0))
            .thenEvents(HealthChecked.class, TenantSealed.class)
            .thenStatus(BindingStatus.SEALED);
    assertThat(s.state().getBinding().getLastVerifyError())
        .isEqualTo("CMK inaccessible: access_denied");
  }

  @Test
  void aThrottledCheckIsRecordedAsTheLastErrorWithoutSealing() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"))
            .when(acme.healthCheck("throttled", false, 0, 0))
            .thenEvents(HealthChecked.class)
            .thenStatus(BindingStatus.ACTIVE);
    assertThat(s.state().getBinding().getLastVerifyError()).contains("throttled");
  }

  @Test
  void aGoodCheckOfASealedTenantKeepsItSealedAndSaysWhy() {
    Scenario s =
        given("acme", acme.register(KEY_ARN, 1), acme.acknowledge("1.0"), acme.unwrapFailed())
            .when(acme.healthCheck(null, false, 5, 5))
            .thenEvents(HealthChecked.class)
            .thenStatus(BindingStatus.SEALED);
    assertThat(s.state().getBinding().getLastVerifyError()).isEqualTo("CMK inaccessible");
  }

  @Test
  void aPendingTenantIsCheckedButNeverSealedAndATenantWithoutAKeyIsRefused() {
    given("acme", acme.register(KEY_ARN, 1))
        .when(acme.healthCheck("disabled", true, 0, 0))
        .thenEvents(HealthChecked.class)
        .thenStatus(BindingStatus.PENDING_WAIVER);
    given("acme")
        .when(acme.healthCheck(null, false, 1, 1))
        .thenRefused("no_byok_key", "BYOK_005", RefusalKind.NOT_FOUND)
        .thenEvents(CommandRefused.class);
  }
}
