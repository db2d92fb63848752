package dev.keyledger.engine.keys;

import dev.keyledger.avro.CmkBinding;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.kms.CmkRef;
import java.util.Map;
import java.util.Optional;

/**
 * How a TMK version is bound to its tenant when the customer's CMK wraps or unwraps it (SPEC §1).
 */
public final class TmkContext {

  /** Encryption-context value of {@code service}. */
  public static final String SERVICE = "keyledger";

  private TmkContext() {}

  /**
   * The KMS encryption context of every TMK wrap and unwrap: {@code tenant_id}, {@code service},
   * {@code tmk_version}.
   */
  public static Map<String, String> encryptionContext(String tenantId, int tmkVersion) {
    return Map.of(
        "tenant_id", tenantId, "service", SERVICE, "tmk_version", Integer.toString(tmkVersion));
  }

  /**
   * The CMK that wraps a TMK version: the one recorded with the version (it survives a move to
   * another CMK), else the tenant's current binding (states folded before versions recorded
   * theirs).
   */
  public static Optional<CmkBinding> cmkOf(TenantState state, TmkVersionState version) {
    if (version.getCmk() != null) {
      return Optional.of(version.getCmk());
    }
    return Optional.ofNullable(state.getBinding()).map(b -> b.getCmk());
  }

  /** How to reach a bound CMK: the platform's own principal, or the customer's role. */
  public static CmkRef refOf(CmkBinding cmk) {
    return cmk.getRoleArn() == null
        ? CmkRef.aws(cmk.getKeyArn(), cmk.getRegion())
        : CmkRef.awsWithRole(
            cmk.getKeyArn(), cmk.getRegion(), cmk.getRoleArn(), cmk.getExternalId());
  }
}
