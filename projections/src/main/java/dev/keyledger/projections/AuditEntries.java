package dev.keyledger.projections;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.event.ByokActivated;
import dev.keyledger.avro.event.ByokEnded;
import dev.keyledger.avro.event.ClaimAttempted;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.CommandUndecodable;
import dev.keyledger.avro.event.DataKeyLeased;
import dev.keyledger.avro.event.DekCreated;
import dev.keyledger.avro.event.DeksRewrapped;
import dev.keyledger.avro.event.EncryptionsReserved;
import dev.keyledger.avro.event.HealthChecked;
import dev.keyledger.avro.event.KeyDeregistered;
import dev.keyledger.avro.event.KeyRegistered;
import dev.keyledger.avro.event.KeyValidated;
import dev.keyledger.avro.event.KeyVerificationFailed;
import dev.keyledger.avro.event.KeysProvisioned;
import dev.keyledger.avro.event.RewrapCompleted;
import dev.keyledger.avro.event.RewrapStarted;
import dev.keyledger.avro.event.TenantSealed;
import dev.keyledger.avro.event.TenantUnsealed;
import dev.keyledger.avro.event.TmkDestroyed;
import dev.keyledger.avro.event.TmkRewrapped;
import dev.keyledger.avro.event.TmkVersionAdded;
import dev.keyledger.avro.event.UsageRecorded;
import dev.keyledger.avro.event.WaiverAcknowledged;
import dev.keyledger.avro.event.WaiverPublished;
import dev.keyledger.engine.domain.Decider;
import dev.keyledger.engine.domain.Operations;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/** How an event reads in the audit trail: its operation, status, key id and metadata. */
public final class AuditEntries {

  public static final String SUCCESS = "success";
  public static final String REFUSED = "refused";
  public static final String FAILURE = "failure";

  /** Data-plane use, one entry per usage report (batched), with the counts in its metadata. */
  public static final String ENCRYPT = "encrypt";

  public static final String DECRYPT = "decrypt";

  /** BYOK ended by cryptographic erasure (also found by {@code revoke}). */
  public static final String END_BYOK = "end_byok";

  private AuditEntries() {}

  public static String operation(EventEnvelope event) {
    Object p = event.getPayload();
    if (p instanceof KeyRegistered r) {
      return Decider.DIALECT_TENANT_KMS.equals(r.getDialect()) ? "onboard" : "register";
    } else if (p instanceof TmkVersionAdded) {
      return "create_tmk_version";
    } else if (p instanceof KeyVerificationFailed f) {
      return f.getOperation();
    } else if (p instanceof WaiverPublished) {
      return "publish_waiver";
    } else if (p instanceof WaiverAcknowledged) {
      return "acknowledge_waiver";
    } else if (p instanceof ByokActivated) {
      return "activate";
    } else if (p instanceof KeyDeregistered) {
      return "deregister";
    } else if (p instanceof TmkRewrapped) {
      return "rewrap_tmk";
    } else if (p instanceof TenantSealed) {
      return "seal";
    } else if (p instanceof TenantUnsealed) {
      return "unseal";
    } else if (p instanceof CommandRefused r) {
      return r.getOperation();
    } else if (p instanceof CommandUndecodable) {
      return "command_undecodable";
    } else if (p instanceof DekCreated) {
      return "create_dek";
    } else if (p instanceof RewrapStarted) {
      return "rewrap_started";
    } else if (p instanceof DeksRewrapped) {
      return "rewrap";
    } else if (p instanceof RewrapCompleted) {
      return "rewrap_completed";
    } else if (p instanceof TmkDestroyed) {
      return "revoke";
    } else if (p instanceof UsageRecorded usage) {
      return usage.getEncryptions() > 0
          ? ENCRYPT
          : usage.getDecryptions() > 0 ? DECRYPT : Operations.USAGE;
    } else if (p instanceof KeyValidated) {
      return "validate";
    } else if (p instanceof HealthChecked) {
      return Operations.HEALTH_CHECK;
    } else if (p instanceof DataKeyLeased) {
      return Operations.LEASE_DATA_KEY;
    } else if (p instanceof EncryptionsReserved) {
      return Operations.RESERVE_ENCRYPTIONS;
    } else if (p instanceof KeysProvisioned) {
      return Operations.PROVISION;
    } else if (p instanceof ByokEnded) {
      return END_BYOK;
    } else if (p instanceof ClaimAttempted) {
      return Operations.CLAIM_ATTEMPT;
    }
    return p.getClass().getSimpleName();
  }

  /**
   * True when a search for {@code operation} finds the event: its own operation, or the seed's name
   * of what it was part of ({@code rotate} finds the DEKs and TMK versions a rotation made, {@code
   * encrypt} and {@code decrypt} find every usage report that counted some).
   */
  public static boolean isOperation(EventEnvelope event, String operation) {
    if (operation.equals(operation(event))) {
      return true;
    }
    Object p = event.getPayload();
    return switch (operation) {
      case Operations.ROTATE ->
          p instanceof DekCreated || p instanceof TmkVersionAdded || p instanceof RewrapStarted;
      case ENCRYPT -> p instanceof UsageRecorded u && u.getEncryptions() > 0;
      case DECRYPT -> p instanceof UsageRecorded u && u.getDecryptions() > 0;
      case Operations.REVOKE -> p instanceof ByokEnded;
      case Operations.USAGE -> p instanceof UsageRecorded;
      default -> false;
    };
  }

  public static String status(EventEnvelope event) {
    Object p = event.getPayload();
    if (p instanceof CommandRefused || p instanceof ClaimAttempted) {
      return REFUSED; // a claim attempt is another tenant's registration, refused
    }
    if (p instanceof KeyVerificationFailed
        || p instanceof CommandUndecodable
        || p instanceof TenantSealed
        || (p instanceof HealthChecked checked && checked.getFailure() != null)) {
      return FAILURE;
    }
    return SUCCESS;
  }

  /**
   * The key the event concerns: the DEK, TMK or key it names, else the tenant's key binding when it
   * happened (recorded from schema v5 on; null for older events that name no key).
   */
  public static String keyId(EventEnvelope event) {
    Object p = event.getPayload();
    if (p instanceof KeyRegistered r) {
      return r.getKeyId();
    } else if (p instanceof ByokActivated a) {
      return a.getKeyId();
    } else if (p instanceof KeyDeregistered d) {
      return d.getKeyId();
    } else if (p instanceof ByokEnded e) {
      return e.getKeyId();
    } else if (p instanceof DekCreated d) {
      return d.getDek().getDekId();
    } else if (p instanceof DataKeyLeased d) {
      return d.getDek().getDekId();
    } else if (p instanceof EncryptionsReserved r) {
      return r.getDek().getDekId();
    } else if (p instanceof TmkVersionAdded t) {
      return t.getTmk().getTmkId();
    } else if (p instanceof TmkRewrapped t) {
      return t.getTmk().getTmkId();
    } else if (p instanceof TmkDestroyed t) {
      return t.getTmkId();
    }
    return event.getKeyId();
  }

  /**
   * The event's payload as plain values (events never hold key material, so all of it may be
   * shown).
   */
  public static Map<String, Object> metadata(EventEnvelope event) {
    Object plain = plain(event.getPayload());
    @SuppressWarnings("unchecked")
    Map<String, Object> map =
        plain instanceof Map<?, ?> m
            ? (Map<String, Object>) m
            : Map.of("value", String.valueOf(plain));
    return map;
  }

  private static Object plain(Object value) {
    if (value instanceof IndexedRecord record) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Schema.Field field : record.getSchema().getFields()) {
        map.put(field.name(), plain(record.get(field.pos())));
      }
      return map;
    } else if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(item -> out.add(plain(item)));
      return out;
    } else if (value instanceof Instant || value instanceof CharSequence) {
      return value.toString();
    } else if (value instanceof ByteBuffer) {
      throw new IllegalStateException(
          "an event holds bytes; the event log must never hold key material");
    }
    return value;
  }
}
