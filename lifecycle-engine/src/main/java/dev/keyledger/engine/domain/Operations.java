package dev.keyledger.engine.domain;

import dev.keyledger.avro.command.AcknowledgeWaiver;
import dev.keyledger.avro.command.Deregister;
import dev.keyledger.avro.command.LeaseDataKey;
import dev.keyledger.avro.command.NoteClaimAttempt;
import dev.keyledger.avro.command.ProvisionKeys;
import dev.keyledger.avro.command.PublishWaiver;
import dev.keyledger.avro.command.RecordHealthCheck;
import dev.keyledger.avro.command.RecordRewrapBatch;
import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.avro.command.RecordValidation;
import dev.keyledger.avro.command.RecordVerificationFailure;
import dev.keyledger.avro.command.RefuseClaim;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.avro.command.ReportUnwrapSucceeded;
import dev.keyledger.avro.command.ReserveEncryptions;
import dev.keyledger.avro.command.RevokeTmkVersion;
import dev.keyledger.avro.command.RotateDek;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.avro.command.SettleClaims;

/** The operation names of the audit trail ({@code GET /audit?operation=...}). */
public final class Operations {

  public static final String REGISTER = "register";
  public static final String ACKNOWLEDGE_WAIVER = "acknowledge_waiver";
  public static final String DEREGISTER = "deregister";
  public static final String PUBLISH_WAIVER = "publish_waiver";
  public static final String SEAL = "seal";
  public static final String UNSEAL = "unseal";
  public static final String HEALTH_CHECK = "health_check";
  public static final String COMMAND_UNDECODABLE = "command_undecodable";
  public static final String ROTATE = "rotate";
  public static final String REWRAP = "rewrap";
  public static final String REVOKE = "revoke";
  public static final String USAGE = "usage";
  public static final String VALIDATE = "validate";
  public static final String LEASE_DATA_KEY = "lease_data_key";
  public static final String PROVISION = "provision";
  public static final String RESERVE_ENCRYPTIONS = "reserve_encryptions";

  /** Another tenant tried to bind a resource the tenant holds (in the holder's trail). */
  public static final String CLAIM_ATTEMPT = "claim_attempt";

  /** What the fold tells the claims processor; never folded itself. */
  public static final String SETTLE_CLAIMS = "settle_claims";

  private Operations() {}

  /** The operation a command payload stands for. */
  public static String of(Object commandPayload) {
    if (commandPayload instanceof RegisterKey || commandPayload instanceof RefuseClaim) {
      return REGISTER;
    } else if (commandPayload instanceof NoteClaimAttempt) {
      return CLAIM_ATTEMPT;
    } else if (commandPayload instanceof SettleClaims) {
      return SETTLE_CLAIMS;
    } else if (commandPayload instanceof AcknowledgeWaiver) {
      return ACKNOWLEDGE_WAIVER;
    } else if (commandPayload instanceof Deregister) {
      return DEREGISTER;
    } else if (commandPayload instanceof PublishWaiver) {
      return PUBLISH_WAIVER;
    } else if (commandPayload instanceof ReportUnwrapFailed) {
      return SEAL;
    } else if (commandPayload instanceof ReportUnwrapSucceeded) {
      return UNSEAL;
    } else if (commandPayload instanceof RotateDek || commandPayload instanceof RotateMaster) {
      return ROTATE;
    } else if (commandPayload instanceof RecordRewrapBatch) {
      return REWRAP;
    } else if (commandPayload instanceof RevokeTmkVersion) {
      return REVOKE;
    } else if (commandPayload instanceof RecordUsage) {
      return USAGE;
    } else if (commandPayload instanceof RecordValidation) {
      return VALIDATE;
    } else if (commandPayload instanceof RecordHealthCheck) {
      return HEALTH_CHECK;
    } else if (commandPayload instanceof LeaseDataKey) {
      return LEASE_DATA_KEY;
    } else if (commandPayload instanceof ProvisionKeys) {
      return PROVISION;
    } else if (commandPayload instanceof ReserveEncryptions) {
      return RESERVE_ENCRYPTIONS;
    } else if (commandPayload instanceof RecordVerificationFailure failure) {
      return failure.getOperation();
    } else if (commandPayload instanceof RejectRequest reject) {
      return reject.getOperation();
    }
    throw new IllegalArgumentException("unknown command " + commandPayload.getClass().getName());
  }
}
