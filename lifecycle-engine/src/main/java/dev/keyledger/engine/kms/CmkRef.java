package dev.keyledger.engine.kms;

import java.util.Objects;

/**
 * A customer's CMK and how to reach it. It never holds static credentials: the platform either
 * calls KMS with its own principal (access model (a), {@code roleArn == null}: the key policy
 * grants the platform principal) or assumes {@code roleArn} in the customer's account with STS,
 * passing {@code externalId} (access model (b)).
 *
 * @param provider {@code "aws"} (GCP and Azure later)
 * @param keyRef key ARN, alias ARN, key id or alias name, as the customer gave it
 * @param region the region whose KMS endpoint is called
 * @param roleArn role to assume in the customer's account, or null for the platform principal
 * @param externalId {@code sts:ExternalId} for the role, or null
 */
public record CmkRef(
    String provider, String keyRef, String region, String roleArn, String externalId) {

  public CmkRef {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(keyRef, "keyRef");
    Objects.requireNonNull(region, "region");
    if (keyRef.isBlank() || region.isBlank()) {
      throw new IllegalArgumentException("keyRef and region must not be blank");
    }
    if (roleArn == null && externalId != null) {
      throw new IllegalArgumentException("externalId is only meaningful with a roleArn");
    }
  }

  /** Access model (a): the platform principal itself, granted by the key policy. */
  public static CmkRef aws(String keyRef, String region) {
    return new CmkRef("aws", keyRef, region, null, null);
  }

  /** Access model (b): assume {@code roleArn} in the customer's account. */
  public static CmkRef awsWithRole(
      String keyRef, String region, String roleArn, String externalId) {
    return new CmkRef(
        "aws", keyRef, region, Objects.requireNonNull(roleArn, "roleArn"), externalId);
  }

  /** The same access path to another key reference (e.g. the key ARN an alias resolved to). */
  public CmkRef withKeyRef(String otherKeyRef) {
    return new CmkRef(provider, otherKeyRef, region, roleArn, externalId);
  }
}
