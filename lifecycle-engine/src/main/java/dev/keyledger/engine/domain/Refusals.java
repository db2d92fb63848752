package dev.keyledger.engine.domain;

import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.state.BindingState;
import dev.keyledger.avro.state.TenantState;

/**
 * Every refusal the domain can give, with its stable type, the seed's code and words, its {@link
 * RefusalKind} and a hint the tenant can act on. The edge turns a {@link Refusal} into the error
 * body.
 */
public final class Refusals {

  private Refusals() {}

  public static Refusal of(
      String type, String code, RefusalKind kind, String message, String hint) {
    return Refusal.newBuilder()
        .setType(type)
        .setCode(code)
        .setKind(kind.wire())
        .setMessage(message)
        .setHint(hint)
        .build();
  }

  public static Refusal invalidArn(String detail, String hint) {
    return of(
        "invalid_arn",
        "BYOK_001",
        RefusalKind.INVALID_REQUEST,
        "Invalid ARN format: " + detail,
        hint);
  }

  public static Refusal alreadyRegistered(String keyArn) {
    return of(
        "key_already_registered",
        "BYOK_003",
        RefusalKind.CONFLICT,
        "Organization already has BYOK key",
        "A key is already registered ("
            + keyArn
            + "). Check it with GET /api/v1/byok/keys; to replace it,"
            + " DELETE /api/v1/byok/keys first, then register the new key.");
  }

  public static Refusal externalIdNeedsRole() {
    return of(
        "invalid_request",
        null,
        RefusalKind.INVALID_REQUEST,
        "external_id needs role_arn",
        "Give the role_arn whose trust policy has this sts:ExternalId.");
  }

  /** A new waiver version was published since the tenant acknowledged (SPEC §3a, seed 000). */
  public static Refusal requiresReacknowledgment(String currentVersion) {
    return of(
        "waiver_reacknowledgment_required",
        "BYOK_004",
        RefusalKind.FORBIDDEN,
        "Requires reacknowledgment: waiver version "
            + currentVersion
            + " was published since this tenant acknowledged",
        "Read it (GET /api/v1/byok/legal-waiver) and acknowledge version "
            + currentVersion
            + ": POST /api/v1/byok/legal-waiver {\"acknowledged\": true, \"acknowledged_by\": \"...\"}."
            + " Encryption and decryption keep working meanwhile.");
  }

  public static Refusal waiverNotAcknowledged() {
    return of(
        "waiver_not_acknowledged",
        "BYOK_004",
        RefusalKind.INVALID_REQUEST,
        "Waiver not acknowledged",
        "Read GET /api/v1/byok/legal-waiver and acknowledge it with POST /api/v1/byok/legal-waiver.");
  }

  public static Refusal noKey() {
    return of(
        "no_byok_key",
        "BYOK_005",
        RefusalKind.NOT_FOUND,
        "No BYOK key registered for this organization",
        "Register a key first: POST /api/v1/byok/keys {\"key_arn\": \"arn:aws:kms:REGION:ACCOUNT:key/KEY_ID\"}.");
  }

  public static Refusal staleVersion(int expected, int given) {
    return of(
        "conflict",
        null,
        RefusalKind.CONFLICT,
        "The tenant's key state changed while this request was prepared"
            + " (expected TMK version "
            + expected
            + ", request built for "
            + given
            + ")",
        "Retry the request.");
  }

  public static Refusal notSealed() {
    return of(
        "not_sealed",
        null,
        RefusalKind.CONFLICT,
        "Tenant is not sealed",
        "Nothing to unseal: GET /admin/tenant-kms shows the state.");
  }

  public static Refusal waiverVersionExists(String version) {
    return of(
        "waiver_version_exists",
        null,
        RefusalKind.CONFLICT,
        "Waiver version " + version + " is already the current one",
        "Publish a new version number.");
  }

  public static Refusal platformOnly() {
    return of(
        "invalid_request",
        null,
        RefusalKind.INVALID_REQUEST,
        "This command applies to the platform, not to a tenant",
        null);
  }

  public static Refusal reservedTenant() {
    return of(
        "invalid_request",
        null,
        RefusalKind.INVALID_REQUEST,
        "Tenant commands cannot be sent to the platform key",
        null);
  }

  public static Refusal incompleteRewrap(String detail) {
    return of(
        "conflict",
        null,
        RefusalKind.CONFLICT,
        "Deregistration must re-wrap every live TMK version: " + detail,
        "Retry the request.");
  }

  /** The tenant is sealed: the refusal names why, as the seal recorded it. */
  public static Refusal sealed(TenantState state) {
    BindingState b = state.getBinding();
    return b == null ? sealedBy(null, null) : sealedBy(b.getSealedReason(), b.getLastVerifyError());
  }

  /**
   * The tenant is sealed (or a key cannot be had because the CMK refuses).
   *
   * @param reason the KMS failure kind, e.g. {@code disabled}; null when unknown
   * @param detail KMS's words, e.g. the last verify error; null when unknown
   */
  public static Refusal sealedBy(String reason, String detail) {
    Refusal sealed =
        of(
            "tenant_sealed",
            null,
            RefusalKind.UNAVAILABLE,
            "Tenant is sealed: the customer's KMS key is not accessible"
                + (detail == null ? "" : " (" + detail + ")"),
            "Restore the platform's access to the key; the tenant unseals by itself at the next retry (every 30 s by default)"
                + " or at once with POST /admin/tenant-kms/unseal.");
    return withReason(sealed, reason);
  }

  /** The refusal with the KMS failure kind that caused it. */
  public static Refusal withReason(Refusal refusal, String reason) {
    return Refusal.newBuilder(refusal).setReason(reason).build();
  }

  /** The active DEK is being replaced (lost, or its budget used up): retry in a second. */
  public static Refusal dekRotating(String message) {
    return of("dek_rotating", null, RefusalKind.UNAVAILABLE, message, "Retry after 1 s.");
  }

  public static Refusal notActive(BindingStatus status) {
    return status == BindingStatus.PENDING_WAIVER ? waiverNotAcknowledged() : noKey();
  }

  /** Only a sender of an earlier release sends a DEK with a registration that waits. */
  public static Refusal dekBeforeWaiver() {
    return of(
        "conflict",
        null,
        RefusalKind.CONFLICT,
        "A registration that waits for the waiver brings no DEK: the tenant's platform-managed keys"
            + " keep serving until the waiver is acknowledged",
        "Retry the request.");
  }

  /** A version that waits for the waiver is not destroyed on its own: end the registration. */
  public static Refusal pendingVersion(int version) {
    return of(
        "pending_version",
        null,
        RefusalKind.CONFLICT,
        "TMK version " + version + " waits for the legal waiver and cannot be destroyed on its own",
        "Acknowledge the waiver to activate it (POST /api/v1/byok/legal-waiver), or end the"
            + " registration: DELETE /api/v1/byok/keys.");
  }

  public static Refusal staleDek(
      int expectedVersion, int expectedTmk, int version, int tmkVersion) {
    return of(
        "conflict",
        null,
        RefusalKind.CONFLICT,
        "The tenant's keys changed while this request was prepared (expected DEK v"
            + expectedVersion
            + " under TMK v"
            + expectedTmk
            + ", request built for DEK v"
            + version
            + " under TMK v"
            + tmkVersion
            + ")",
        "Retry the request.");
  }

  public static Refusal leaseSuperseded(long lease) {
    return of(
        "lease_superseded",
        null,
        RefusalKind.CONFLICT,
        "Rewrap lease " + lease + " is no longer current",
        "A newer rotation took over; nothing to do.");
  }

  public static Refusal unknownTmkVersion(int version) {
    return of(
        "unknown_key_version",
        null,
        RefusalKind.NOT_FOUND,
        "No TMK version " + version + " for this tenant",
        "GET /admin/tenant-kms lists the versions.");
  }

  public static Refusal activeVersion(int version) {
    return of(
        "active_version",
        null,
        RefusalKind.CONFLICT,
        "TMK version " + version + " is the active version and cannot be destroyed",
        "Rotate first (POST /admin/tenant-kms/rotate), wait for the rewrap to complete, then revoke the old version.");
  }

  public static Refusal alreadyDestroyed(int version) {
    return of(
        "key_destroyed",
        null,
        RefusalKind.CONFLICT,
        "TMK version " + version + " is already destroyed",
        null);
  }

  /**
   * Ending BYOK destroys the active version and must name it, so a stale request cannot end BYOK
   * after a rotation it did not see.
   */
  public static Refusal endByokNeedsActiveVersion(int active, int given) {
    return of(
        "conflict",
        null,
        RefusalKind.CONFLICT,
        "Ending BYOK destroys the active TMK version "
            + active
            + "; the request names version "
            + given,
        "Send {\"version\": "
            + active
            + ", \"end_byok\": true, \"confirm_tenant\": \"<tenant id>\"} (GET /admin/tenant-kms lists"
            + " the versions).");
  }

  /** Platform-managed keys are wrapped by the platform key, never by a CMK. */
  public static Refusal notPlatformWrapped(String wrapMethod) {
    return of(
        "invalid_request",
        null,
        RefusalKind.INVALID_REQUEST,
        "Platform-managed keys must be wrapped by the platform key, not by " + wrapMethod,
        null);
  }

  public static Refusal dataWouldBeLost(int version, int deks, boolean rewrapRunning) {
    return of(
        "data_would_be_lost",
        null,
        RefusalKind.CONFLICT,
        "TMK version "
            + version
            + " still wraps "
            + deks
            + " DEK(s); destroying it now makes"
            + " their data unrecoverable",
        (rewrapRunning
                ? "Wait until GET /admin/tenant-kms shows the rewrap completed, then revoke; or"
                : "To")
            + " destroy the data on purpose, send {\"version\": "
            + version
            + ", \"allow_data_loss\": true}.");
  }

  /**
   * A registration named a resource another tenant holds ({@link ResourceClaims}); never says which
   * tenant. {@code reason} is the first kind of resource taken: {@code key}, {@code role} or {@code
   * external_id}.
   */
  public static Refusal boundToAnotherTenant(java.util.List<String> kinds) {
    String first = kinds.isEmpty() ? ResourceClaims.KEY : kinds.get(0);
    String message =
        switch (first) {
          case ResourceClaims.ROLE -> "This role and external id are bound to another tenant";
          case ResourceClaims.EXTERNAL_ID -> "This external id is used by another tenant";
          default -> "This CMK is bound to another tenant";
        };
    String hint =
        ResourceClaims.KEY.equals(first)
            ? "A customer key can be bound to one tenant only. Create a key for this tenant"
                + " (aws kms create-key) and pin it with the key policy condition"
                + " kms:EncryptionContext:tenant_id = your tenant id."
            : "A role and an external id can be bound to one tenant only. Use the external id the"
                + " platform issued to this tenant (GET /admin/tenant-kms/external-id) in the"
                + " trust policy of a role of your own account.";
    return withReason(
        of("bound_to_another_tenant", null, RefusalKind.CONFLICT, message, hint), first);
  }

  /** A command only the claims processor reads reached a tenant's fold. */
  public static Refusal notForTheFold() {
    return of(
        "invalid_request",
        null,
        RefusalKind.INVALID_REQUEST,
        "This command is read by the claims processor, not by a tenant's fold",
        null);
  }
}
