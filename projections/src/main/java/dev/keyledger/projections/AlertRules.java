package dev.keyledger.projections;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.avro.alert.FailureCount;
import dev.keyledger.avro.event.ByokEnded;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.HealthChecked;
import dev.keyledger.avro.event.KeyDeregistered;
import dev.keyledger.avro.event.KeyRegistered;
import dev.keyledger.avro.event.KeyValidated;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.avro.event.TenantUnsealed;
import dev.keyledger.avro.event.TmkVersionAdded;
import dev.keyledger.avro.event.UsageRecorded;
import dev.keyledger.engine.domain.KmsLatency;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The four alerts of SPEC §5, decided from a tenant's events alone (so a replay opens and resolves
 * the same alerts), in event time ({@code occurred_at}):
 *
 * <ul>
 *   <li><b>CMK inaccessible</b> (critical): opened by a seal or by a live health check whose
 *       failure proves the key unusable; resolved by an unseal or the end of BYOK, and (when the
 *       tenant is not sealed) by a good validation or health check;
 *   <li><b>High latency</b> (warning): every KMS round trip measured (health checks, validations)
 *       over {@value KmsLatency#SLOW_MILLIS} ms for {@link #LATENCY_SPAN}; resolved by a fast one;
 *   <li><b>Encryption failures</b> (high): more than {@value #MAX_FAILURES} data-plane failures
 *       reported within {@link #FAILURE_WINDOW}; resolved once the window holds no more than that;
 *   <li><b>Key rotation needed</b> (medium): more than {@link #ROTATION_AGE} since registration or
 *       the last DEK or master rotation; resolved by a rotation. The validator's events (every 15
 *       minutes for an active tenant) keep the clock moving for a tenant that is otherwise idle.
 * </ul>
 */
public final class AlertRules {

  /** Rule ids with the seed's names and severities. */
  public enum Rule {
    CMK_INACCESSIBLE("CMK inaccessible", "critical"),
    HIGH_LATENCY("High latency", "warning"),
    ENCRYPTION_FAILURES("Encryption failures", "high"),
    KEY_ROTATION_NEEDED("Key rotation needed", "medium");

    private final String title;
    private final String severity;

    Rule(String title, String severity) {
      this.title = title;
      this.severity = severity;
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public String title() {
      return title;
    }

    public String severity() {
      return severity;
    }
  }

  public static final Duration LATENCY_SPAN = Duration.ofMinutes(5);
  public static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);
  public static final long MAX_FAILURES = 10;
  public static final Duration ROTATION_AGE = Duration.ofDays(90);

  /** How many resolved alerts a tenant keeps for {@code GET /alerts}. */
  public static final int RESOLVED_KEPT = 20;

  public static final String OPEN = "open";
  public static final String RESOLVED = "resolved";

  /** The state after an event and the alerts it opened or resolved, in order. */
  public record Applied(AlertState state, List<Alert> changes) {}

  private AlertRules() {}

  /** A tenant with no events yet. */
  public static AlertState empty(String tenant) {
    return AlertState.newBuilder().setTenantId(tenant).build();
  }

  /**
   * Applies one event of the tenant. Events already applied ({@code seq} not above) change nothing.
   */
  public static Applied apply(AlertState state, EventEnvelope event) {
    if (event.getSeq() <= state.getSeq()) {
      return new Applied(state, List.of());
    }
    Change change = new Change(state, event);
    Object p = event.getPayload();
    Instant at = event.getOccurredAt();

    if (p instanceof TenantSealed sealed) {
      change.sealed = true;
      change.open(Rule.CMK_INACCESSIBLE, "Tenant sealed: " + sealed.getMessage());
    } else if (p instanceof TenantUnsealed) {
      change.sealed = false;
      change.resolve(Rule.CMK_INACCESSIBLE);
    } else if (p instanceof HealthChecked checked && checked.getFailure() != null) {
      if (provesUnusable(checked.getFailure())) {
        change.open(Rule.CMK_INACCESSIBLE, "Health check failed: " + checked.getMessage());
      }
    } else if ((p instanceof KeyValidated || p instanceof HealthChecked) && !change.sealed) {
      change.resolve(Rule.CMK_INACCESSIBLE);
    }

    latency(p).ifPresent(ms -> change.latency(ms[0], ms[1], at));

    if (p instanceof UsageRecorded usage && usage.getFailures() > 0) {
      change.failures.add(
          FailureCount.newBuilder().setAt(at).setCount(usage.getFailures()).build());
    }
    change.failures.removeIf(f -> !f.getAt().isAfter(at.minus(FAILURE_WINDOW)));
    long failed = change.failures.stream().mapToLong(FailureCount::getCount).sum();
    if (failed > MAX_FAILURES) {
      change.open(
          Rule.ENCRYPTION_FAILURES,
          failed + " data-plane failures in the last " + FAILURE_WINDOW.toMinutes() + " minutes");
    } else {
      change.resolve(Rule.ENCRYPTION_FAILURES);
    }

    if (p instanceof KeyRegistered || p instanceof DekCreated || p instanceof TmkVersionAdded) {
      change.lastRotation = at;
      change.resolve(Rule.KEY_ROTATION_NEEDED);
    } else if (p instanceof KeyDeregistered || p instanceof ByokEnded) {
      change.sealed = false;
      change.lastRotation = null;
      change.resolve(Rule.KEY_ROTATION_NEEDED);
      change.resolve(Rule.CMK_INACCESSIBLE);
    } else if (change.lastRotation != null
        && Duration.between(change.lastRotation, at).compareTo(ROTATION_AGE) > 0) {
      change.open(
          Rule.KEY_ROTATION_NEEDED,
          "Last rotation "
              + Duration.between(change.lastRotation, at).toDays()
              + " days ago (more than "
              + ROTATION_AGE.toDays()
              + "): rotate with POST /api/v1/byok/keys/rotate");
    }
    return change.done();
  }

  /** Encrypt and decrypt milliseconds of a KMS round trip the event measured. */
  private static Optional<long[]> latency(Object payload) {
    if (payload instanceof HealthChecked checked && checked.getFailure() == null) {
      return Optional.of(new long[] {checked.getEncryptMs(), checked.getDecryptMs()});
    }
    if (payload instanceof KeyValidated validated) {
      return Optional.of(new long[] {validated.getEncryptMs(), validated.getDecryptMs()});
    }
    return Optional.empty();
  }

  /** The failures that seal a tenant (KMS refused or cannot be reached), by wire name. */
  private static boolean provesUnusable(String failure) {
    return switch (failure) {
      case "throttled", "no_credentials", "incorrect_key", "invalid_ciphertext" -> false;
      default -> true;
    };
  }

  /** One event's changes to a tenant's alerts. */
  private static final class Change {
    private final AlertState before;
    private final EventEnvelope event;
    private final List<Alert> open;
    private final List<Alert> resolved;
    private final List<FailureCount> failures;
    private final List<Alert> changes = new ArrayList<>();
    private Instant slowSince;
    private Instant lastRotation;
    private boolean sealed;

    Change(AlertState before, EventEnvelope event) {
      this.before = before;
      this.event = event;
      this.open = new ArrayList<>(before.getOpen());
      this.resolved = new ArrayList<>(before.getResolved());
      this.failures = new ArrayList<>(before.getFailures());
      this.slowSince = before.getSlowSince();
      this.lastRotation = before.getLastRotationAt();
      this.sealed = before.getSealed();
    }

    void latency(long encryptMs, long decryptMs, Instant at) {
      if (!KmsLatency.isSlow(encryptMs, decryptMs)) {
        slowSince = null;
        resolve(Rule.HIGH_LATENCY);
        return;
      }
      if (slowSince == null) {
        slowSince = at;
      }
      if (Duration.between(slowSince, at).compareTo(LATENCY_SPAN) >= 0) {
        open(
            Rule.HIGH_LATENCY,
            "KMS latency over "
                + KmsLatency.SLOW_MILLIS
                + " ms since "
                + slowSince
                + " (last: encrypt "
                + encryptMs
                + " ms, decrypt "
                + decryptMs
                + " ms)");
      }
    }

    void open(Rule rule, String message) {
      if (find(rule).isPresent()) {
        return;
      }
      Alert alert =
          Alert.newBuilder()
              .setId(event.getTenantId() + "-" + rule.id() + "-" + event.getSeq())
              .setTenantId(event.getTenantId())
              .setRule(rule.id())
              .setTitle(rule.title())
              .setSeverity(rule.severity())
              .setStatus(OPEN)
              .setOpenedAt(event.getOccurredAt())
              .setMessage(message)
              .setSeq(event.getSeq())
              .build();
      open.add(alert);
      changes.add(alert);
    }

    void resolve(Rule rule) {
      find(rule)
          .ifPresent(
              alert -> {
                open.remove(alert);
                Alert done =
                    Alert.newBuilder(alert)
                        .setStatus(RESOLVED)
                        .setResolvedAt(event.getOccurredAt())
                        .setSeq(event.getSeq())
                        .build();
                resolved.add(0, done);
                if (resolved.size() > RESOLVED_KEPT) {
                  resolved.remove(resolved.size() - 1);
                }
                changes.add(done);
              });
    }

    private Optional<Alert> find(Rule rule) {
      return open.stream().filter(a -> a.getRule().equals(rule.id())).findFirst();
    }

    Applied done() {
      AlertState next =
          AlertState.newBuilder(before)
              .setSeq(event.getSeq())
              .setOpen(open)
              .setResolved(resolved)
              .setFailures(failures)
              .setSlowSince(slowSince)
              .setLastRotationAt(lastRotation)
              .setSealed(sealed)
              .build();
      return new Applied(next, List.copyOf(changes));
    }
  }
}
