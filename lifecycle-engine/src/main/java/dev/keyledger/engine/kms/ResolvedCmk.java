package dev.keyledger.engine.kms;

/**
 * A CMK as KMS identifies it, after alias resolution.
 *
 * @param keyArn the key ARN (never an alias ARN)
 * @param keyId the key id, {@code mrk-...} for a multi-Region key
 * @param region the key's region
 * @param multiRegion whether it is a multi-Region key
 * @param keyState the KMS key state, e.g. {@code Enabled}, {@code Disabled}, {@code
 *     PendingDeletion}
 */
public record ResolvedCmk(
    String keyArn, String keyId, String region, boolean multiRegion, String keyState) {}
