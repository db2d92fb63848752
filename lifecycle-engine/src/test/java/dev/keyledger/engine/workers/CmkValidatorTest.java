package dev.keyledger.engine.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.command.RecordValidation;
import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.avro.event.KeyValidated;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.engine.domain.BindingStatus;
import dev.keyledger.engine.domain.TenantStates;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CmkValidatorTest {

  private ByokWorld world;
  private CmkValidator validator;

  @BeforeEach
  void start() throws IOException {
    world = ByokWorld.start();
    validator = new CmkValidator(world.probe, world.engine, world.engine, "node-1");
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aUsableKeyIsRecordedAsValidated() throws Exception {
    String tenant = world.activeTenant("acme");

    validator.runOnce();

    assertThat(world.engine.payloads(tenant, RecordValidation.class))
        .singleElement()
        .satisfies(
            validation -> {
              assertThat(validation.getReporter()).isEqualTo("node-1");
              assertThat(validation.getEncryptMs()).isNotNegative();
              assertThat(validation.getDecryptMs()).isNotNegative();
            });
    assertThat(world.engine.events(tenant, KeyValidated.class)).hasSize(1);
    assertThat(world.engine.state(tenant).getBinding().getLastVerifiedAt())
        .isEqualTo(world.engine.state(tenant).getLastEventAt());
  }

  @Test
  void aDisabledKeySealsTheTenant() throws Exception {
    String tenant = world.activeTenant("acme");
    world.disableKey(tenant);

    validator.runOnce();

    assertThat(world.engine.payloads(tenant, ReportUnwrapFailed.class))
        .singleElement()
        .satisfies(
            report -> {
              assertThat(report.getFailure()).isEqualTo("disabled");
              assertThat(report.getTmkVersion()).isEqualTo(1);
              assertThat(report.getReporter()).isEqualTo("node-1");
              assertThat(report.getMessage()).startsWith("Cannot access CMK: key is disabled");
            });
    assertThat(world.engine.events(tenant, TenantSealed.class)).hasSize(1);
    assertThat(TenantStates.status(world.engine.state(tenant))).isEqualTo(BindingStatus.SEALED);
    assertThat(world.engine.state(tenant).getBinding().getLastVerifyError())
        .startsWith("Cannot access CMK");
  }

  @Test
  void theCustomerRemovingTheRolePolicySealsTheTenant() throws Exception {
    String externalId = UUID.randomUUID().toString();
    String key = world.customer.keyWithDefaultPolicy();
    String role = world.customer.roleTrustingPlatform(externalId);
    world.customer.allowEncryptDecrypt(role, key);
    String tenant = world.activeTenantWithRole("acme", role, externalId, key);
    world.customer.removeInlinePolicy(role);

    validator.runOnce();

    assertThat(world.engine.payloads(tenant, ReportUnwrapFailed.class))
        .singleElement()
        .extracting(ReportUnwrapFailed::getFailure)
        .isEqualTo("access_denied");
    assertThat(TenantStates.status(world.engine.state(tenant))).isEqualTo(BindingStatus.SEALED);
  }

  @Test
  void throttlingSaysNothingAboutTheKeyAndDoesNotSeal() throws Exception {
    String tenant = world.activeTenant("acme");
    int before = world.engine.submitted().size();
    world.localKms.faults().throttle();

    validator.runOnce();

    assertThat(world.engine.submitted()).hasSize(before);
    assertThat(TenantStates.status(world.engine.state(tenant))).isEqualTo(BindingStatus.ACTIVE);
  }

  @Test
  void oneTenantsFailureDoesNotStopTheRoundAndOnlyActiveTenantsAreProbed() throws Exception {
    String disabled = world.activeTenant("disabled");
    String usable = world.activeTenant("usable");
    String pending = world.pendingTenant("pending");
    String sealed = world.activeTenant("sealed");
    world.disableKey(disabled);
    world.seal(sealed);

    validator.runOnce();

    assertThat(TenantStates.status(world.engine.state(disabled))).isEqualTo(BindingStatus.SEALED);
    assertThat(world.engine.payloads(usable, RecordValidation.class)).hasSize(1);
    assertThat(world.engine.payloads(pending, RecordValidation.class)).isEmpty();
    assertThat(world.engine.payloads(sealed, RecordValidation.class)).isEmpty();
    assertThat(world.engine.payloads(sealed, ReportUnwrapFailed.class))
        .as("only the setup's report")
        .hasSize(1);
  }
}
