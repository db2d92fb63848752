package dev.keyledger.projections;

/**
 * The result of re-walking one tenant's hash chain.
 *
 * @param intact whether every event's hash matches its content and links to the previous one with
 *     no gap
 * @param checked how many events were checked (intact, before the break if any)
 * @param headSeq seq of the newest intact event (0 when none)
 * @param headHash hash of the newest intact event ({@code EventHashes.GENESIS} when none)
 * @param brokenAtSeq the first seq where the chain breaks, or null
 * @param reason why it breaks there, or null
 * @param expected the value the chain needed there (a seq or a hash), or null when intact
 * @param found the value the log holds there, or null when intact
 */
public record ChainReport(
    boolean intact,
    long checked,
    long headSeq,
    String headHash,
    Long brokenAtSeq,
    String reason,
    String expected,
    String found) {}
