package dev.keyledger.engine.kms;

/**
 * A successful {@link CmkProbe} round trip.
 *
 * @param key the key the probe used (an alias resolved to its key ARN)
 * @param encryptMillis latency of the Encrypt call
 * @param decryptMillis latency of the Decrypt call
 */
public record ProbeResult(ResolvedCmk key, long encryptMillis, long decryptMillis) {}
