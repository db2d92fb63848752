package dev.keyledger.localkms.internal;

import java.time.Instant;

/** A KMS alias ({@code alias/<name>}) in one account and region, pointing at a key id. */
public record KmsAlias(
    String aliasArn,
    String aliasName,
    String accountId,
    String region,
    String targetKeyId,
    Instant creationDate,
    Instant lastUpdatedDate) {}
