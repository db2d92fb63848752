package dev.keyledger.projections;

/**
 * The result of re-walking one tenant's hash chain.
 *
 * @param intact whether every event's hash matches its content and links to the previous one with
 *     no gap
 * @param checked how many events were checked
 * @param headSeq seq of the newest event checked (0 when none)
 * @param headHash hash of the newest event checked
 * @param brokenAtSeq the first seq where the chain breaks, or null
 * @param reason why it breaks there, or null
 */
public record ChainReport(
    boolean intact, long checked, long headSeq, String headHash, Long brokenAtSeq, String reason) {}
