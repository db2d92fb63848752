package dev.keyledger.engine.domain;

import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.WaiverText;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;
import java.util.List;
import java.util.Optional;

/**
 * The legal waiver in force: the one last published by the platform, or the built-in version 1.0.
 */
public final class Waivers {

  /** In force until the platform publishes another version ({@code PUT /admin/legal-waiver}). */
  public static final WaiverText DEFAULT =
      WaiverText.newBuilder()
          .setWaiverVersion("1.0")
          .setEffectiveDate("2026-01-01")
          .setTitle("Customer-Managed Key (BYOK) Responsibility Waiver")
          .setContent(
              "With BYOK, your organization's data is encrypted under a key that you control in your own"
                  + " cloud KMS. The platform cannot recover data if that key is disabled, deleted, or if access to it is"
                  + " revoked. You accept sole responsibility for the availability, access policy and lifecycle of the key.")
          .setTerms(
              List.of(
                  "If the customer-managed key is deleted or its key material is lost, encrypted data is permanently unrecoverable.",
                  "You are responsible for managing the key policy, IAM roles, rotation and deletion schedule of your key.",
                  "Revoking the platform's access seals your tenant: data operations fail until access is restored.",
                  "The platform is not liable for data loss or service interruption caused by the state of your key."))
          .build();

  private Waivers() {}

  /**
   * The current waiver, given the state of the reserved {@link TenantIds#PLATFORM} key (may be
   * null).
   */
  public static WaiverText current(TenantState platform) {
    return platform == null || platform.getWaiver() == null ? DEFAULT : platform.getWaiver();
  }

  /**
   * True when the tenant acknowledged a waiver version other than the one now in force (SPEC §3a
   * {@code requires_reacknowledgment}); false without an acknowledgment to compare.
   */
  public static boolean requiresReacknowledgment(BindingState binding, TenantState platform) {
    return binding != null
        && binding.getWaiverVersion() != null
        && !current(platform).getWaiverVersion().equals(binding.getWaiverVersion());
  }

  /**
   * Key-management writes (register, onboard, rotate) of a tenant with BYOK in force need the
   * current waiver acknowledged; the data plane never waits on paperwork.
   *
   * @return the refusal when the tenant must acknowledge the current version first
   */
  public static Optional<Refusal> checkAcknowledged(TenantState tenant, TenantState platform) {
    BindingStatus status = TenantStates.status(tenant);
    boolean byok = status == BindingStatus.ACTIVE || status == BindingStatus.SEALED;
    return byok && requiresReacknowledgment(tenant.getBinding(), platform)
        ? Optional.of(Refusals.requiresReacknowledgment(current(platform).getWaiverVersion()))
        : Optional.empty();
  }
}
