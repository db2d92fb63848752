package dev.keyledger.benchmarks.http;

import java.time.Instant;
import java.util.Map;

/**
 * What the measured window of one {@link LoadPhase} saw.
 *
 * @param scenario the workload's name
 * @param pacing e.g. {@code saturation, 16 conn} or {@code fixed 2,000/s, 16 conn}
 * @param connections how many connections
 * @param offeredRate the fixed rate offered, or 0 at saturation
 * @param measuredSeconds the length of the measured window
 * @param responses responses received for requests of the window (errors included)
 * @param requestsPerSecond responses that arrived within the window per second (errors included)
 * @param latency at saturation send to response; at a fixed rate due time to response (for {@code
 *     unsent} requests: due time to when sending gave up, a lower bound)
 * @param serviceTime send to response (equal to {@code latency} at saturation)
 * @param errors count by status (as a string), {@code io} or {@code unsent}; empty if none
 * @param errorSamples the first response body (or exception) seen for each kind of error
 * @param reconnects sockets reopened (the server closed a connection)
 * @param serverCpuMicrosPerRequest the server JVM's CPU time over the whole phase (warm-up
 *     included, background work such as the embedded broker too) per response
 * @param serverNetCpuMicrosPerRequest the same less the server's idle baseline over the phase
 * @param clientCpuMicrosPerRequest the same for this load generator's JVM
 * @param loadAverage {@code /proc/loadavg} when the window closed
 * @param began when the phase (its warm-up) began
 * @param ended when its last connection finished
 */
public record PhaseResult(
    String scenario,
    String pacing,
    int connections,
    double offeredRate,
    double measuredSeconds,
    long responses,
    double requestsPerSecond,
    Percentiles latency,
    Percentiles serviceTime,
    Map<String, Long> errors,
    Map<String, String> errorSamples,
    int reconnects,
    double serverCpuMicrosPerRequest,
    double serverNetCpuMicrosPerRequest,
    double clientCpuMicrosPerRequest,
    String loadAverage,
    Instant began,
    Instant ended) {

  /** All errors of every kind. */
  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
