package dev.keyledger.localkms;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A set of faults the emulator injects into its AWS-facing traffic (never into the admin endpoint).
 * This is also the JSON body of {@code POST /_localkms/faults} and the answer of {@code GET}.
 *
 * @param throttle when non-null, matching calls are answered with a throttling error ({@code
 *     ThrottlingException} "Rate exceeded" for KMS, {@code Throttling} for STS/IAM)
 * @param latencyMs extra latency added before every answer, in milliseconds (0 = none)
 * @param refuseConnections when true, every request is answered by closing the connection without a
 *     response
 * @param hang when true, requests are accepted and held without an answer until the fault is
 *     cleared
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultSpec(
    @JsonProperty("throttle") Throttle throttle,
    @JsonProperty("latency_ms") long latencyMs,
    @JsonProperty("refuse_connections") boolean refuseConnections,
    @JsonProperty("hang") boolean hang) {

  public FaultSpec {
    if (latencyMs < 0) {
      throw new IllegalArgumentException("latency_ms must be >= 0");
    }
  }

  /** No faults: the emulator behaves normally. */
  public static FaultSpec none() {
    return new FaultSpec(null, 0, false, false);
  }

  /**
   * Which calls are throttled.
   *
   * @param count throttle only the next {@code count} matching calls, then stop; null = until
   *     cleared
   * @param operation throttle only this operation (e.g. {@code Decrypt}, {@code AssumeRole}); null
   *     = every operation
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Throttle(
      @JsonProperty("count") Integer count, @JsonProperty("operation") String operation) {
    public Throttle {
      if (count != null && count < 1) {
        throw new IllegalArgumentException("throttle.count must be >= 1");
      }
    }

    /** Throttles every call until cleared. */
    public static Throttle always() {
      return new Throttle(null, null);
    }
  }
}
