package dev.keyledger.application;

/**
 * A request to bind a CMK, as either API dialect expresses it.
 *
 * @param dialect {@code byok_v1} (key ARN only, one key per org) or {@code tenant_kms} (UPSERT,
 *     alias ARNs allowed)
 * @param keyRef the key or alias ARN as given
 * @param region the key's region ({@code config.region}); null on the tenant API, where the ARN's
 *     region is used
 * @param roleArn role to assume in the customer's account; null to use the platform's own principal
 * @param externalId {@code sts:ExternalId} of the role's trust policy; may be null
 * @param alias an optional alias to show
 * @param description an optional description to show
 */
public record OnboardingRequest(
    String dialect,
    String keyRef,
    String region,
    String roleArn,
    String externalId,
    String alias,
    String description) {}
