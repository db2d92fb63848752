package dev.keyledger.localkms.internal;

import java.time.Instant;

/**
 * One KMS key (immutable; changes produce a new value).
 *
 * @param deletionDate set while {@link State#PendingDeletion}
 * @param pendingWindowInDays set while {@link State#PendingDeletion}
 */
public record KmsKey(
    String arn,
    String keyId,
    String accountId,
    String region,
    String description,
    String keyUsage,
    Instant creationDate,
    State keyState,
    Instant deletionDate,
    Integer pendingWindowInDays,
    boolean multiRegion,
    String policy,
    KeyMaterial material) {

  /** Key states with AWS's spelling. */
  public enum State {
    Enabled,
    Disabled,
    PendingDeletion
  }

  public KmsKey withState(State state, Instant newDeletionDate, Integer window) {
    return new KmsKey(
        arn,
        keyId,
        accountId,
        region,
        description,
        keyUsage,
        creationDate,
        state,
        newDeletionDate,
        window,
        multiRegion,
        policy,
        material);
  }

  public KmsKey withPolicy(String newPolicy) {
    return new KmsKey(
        arn,
        keyId,
        accountId,
        region,
        description,
        keyUsage,
        creationDate,
        keyState,
        deletionDate,
        pendingWindowInDays,
        multiRegion,
        newPolicy,
        material);
  }

  @Override
  public String toString() {
    return "KmsKey[" + arn + ", " + keyState + "]";
  }
}
