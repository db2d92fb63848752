package dev.keyledger.engine.domain;

import dev.keyledger.avro.Refusal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What KeyLedger accepts as a KMS key reference, role ARN and external id. Every string is length
 * bounded. Refusals name what is wrong and how to get the right value.
 */
public final class ArnRules {

  /**
   * Longest key, alias or role ARN, as AWS bounds them (KMS {@code KeyId}, STS {@code RoleArn}).
   */
  public static final int MAX_ARN_LENGTH = 2048;

  public static final int MAX_EXTERNAL_ID_LENGTH = 1224;

  private static final String PARTITION = "(aws|aws-cn|aws-us-gov)";
  private static final String REGION = "([a-z]{2}(?:-[a-z]+)+-\\d{1,2})";
  private static final String ACCOUNT = "(\\d{12})";
  private static final Pattern KEY =
      Pattern.compile(
          "arn:"
              + PARTITION
              + ":kms:"
              + REGION
              + ":"
              + ACCOUNT
              + ":key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
  private static final Pattern ALIAS =
      Pattern.compile(
          "arn:" + PARTITION + ":kms:" + REGION + ":" + ACCOUNT + ":(alias/[A-Za-z0-9/_-]{1,250})");
  private static final Pattern ROLE =
      Pattern.compile("arn:" + PARTITION + ":iam::" + ACCOUNT + ":role/[\\w+=,.@/-]{1,512}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final Pattern REGION_ONLY = Pattern.compile(REGION);

  private static final String KEY_FORMAT = "arn:aws:kms:REGION:ACCOUNT:key/KEY_ID";

  private ArnRules() {}

  /** The outcome of checking one value: the parsed reference, or a refusal. */
  public sealed interface Checked {
    record Ok(KmsRef ref) implements Checked {}

    record Refused(Refusal refusal) implements Checked {}
  }

  /**
   * For {@code POST /api/v1/byok/keys}: a key ARN (multi-region included); an alias ARN is refused
   * with a hint.
   */
  public static Checked keyArnOnly(String value) {
    Checked checked = keyOrAlias(value, "key_arn");
    if (checked instanceof Checked.Ok ok && ok.ref().kind() == KmsRef.Kind.ALIAS) {
      return new Checked.Refused(
          Refusals.invalidArn(
              "an alias ARN was given; this API needs the key ARN (" + KEY_FORMAT + ")",
              "Get the key ARN with: aws kms describe-key --key-id "
                  + ok.ref().resource()
                  + " --region "
                  + ok.ref().region()
                  + " --query 'KeyMetadata.Arn' --output text"));
    }
    return checked;
  }

  /** For {@code /admin/tenant-kms}: a key ARN or an alias ARN. */
  public static Checked keyOrAlias(String value, String field) {
    if (value == null || value.isBlank()) {
      return refused(field + " is required", "Expected " + KEY_FORMAT + ".");
    }
    if (value.length() > MAX_ARN_LENGTH) {
      return refused(
          field + " is longer than " + MAX_ARN_LENGTH + " characters",
          "Expected " + KEY_FORMAT + ".");
    }
    Matcher key = KEY.matcher(value);
    if (key.matches()) {
      return new Checked.Ok(
          new KmsRef(KmsRef.Kind.KEY, key.group(1), key.group(2), key.group(3), key.group(4)));
    }
    Matcher alias = ALIAS.matcher(value);
    if (alias.matches()) {
      if (alias.group(4).startsWith("alias/aws/")) {
        return refused(
            "AWS managed keys (alias/aws/...) cannot be shared with another account",
            "Create a customer managed key: aws kms create-key --key-usage ENCRYPT_DECRYPT --key-spec SYMMETRIC_DEFAULT.");
      }
      return new Checked.Ok(
          new KmsRef(
              KmsRef.Kind.ALIAS, alias.group(1), alias.group(2), alias.group(3), alias.group(4)));
    }
    return refused(field + " does not match " + KEY_FORMAT, hintFor(value));
  }

  /**
   * Null when acceptable, else the reason. A role ARN is optional (null means the platform's own
   * principal).
   */
  public static Refusal checkRoleArn(String roleArn) {
    if (roleArn == null) {
      return null;
    }
    if (roleArn.length() > MAX_ARN_LENGTH || !ROLE.matcher(roleArn).matches()) {
      return Refusals.of(
          "invalid_role_arn",
          "BYOK_001",
          RefusalKind.INVALID_REQUEST,
          "Invalid ARN format: role_arn must be arn:aws:iam::ACCOUNT:role/NAME",
          "Copy the role ARN from the IAM console or: aws iam get-role --role-name NAME --query 'Role.Arn' --output text");
    }
    return null;
  }

  /** Null when acceptable, else the reason. */
  public static Refusal checkExternalId(String externalId) {
    if (externalId == null) {
      return null;
    }
    if (!EXTERNAL_ID.matcher(externalId).matches()) {
      return Refusals.of(
          "invalid_external_id",
          null,
          RefusalKind.INVALID_REQUEST,
          "external_id must be 2 to "
              + MAX_EXTERNAL_ID_LENGTH
              + " characters of letters, digits and +=,.@:/-_",
          "Use the exact value of sts:ExternalId in the role's trust policy, e.g. a random UUID.");
    }
    return null;
  }

  /** Null when acceptable, else the reason. */
  public static Refusal checkRegion(String region, KmsRef ref) {
    if (region == null || !REGION_ONLY.matcher(region).matches()) {
      return Refusals.of(
          "invalid_region",
          null,
          RefusalKind.INVALID_REQUEST,
          "config.region must be an AWS region such as us-east-1",
          null);
    }
    if (!region.equals(ref.region())) {
      return Refusals.withReason(
          Refusals.of(
              "kms_verify_failed",
              "BYOK_002",
              RefusalKind.INVALID_REQUEST,
              "Cannot access CMK: wrong region: the key ARN is in region "
                  + ref.region()
                  + " but config.region is "
                  + region,
              "Use the region of the key ("
                  + ref.region()
                  + "), or the ARN of a key in "
                  + region
                  + "."),
          "wrong_region");
    }
    return null;
  }

  private static String hintFor(String value) {
    if (value.startsWith("alias/")) {
      return "Use the full ARN, e.g. aws kms describe-key --key-id "
          + value
          + " --query 'KeyMetadata.Arn' --output text";
    }
    if (!value.startsWith("arn:")) {
      return "Expected a full ARN, "
          + KEY_FORMAT
          + "; get it with aws kms describe-key --key-id KEY_ID --query 'KeyMetadata.Arn' --output text";
    }
    return "Check for typos in the region or account id: "
        + KEY_FORMAT
        + ", KEY_ID a UUID or mrk-... for multi-region keys.";
  }

  private static Checked refused(String detail, String hint) {
    return new Checked.Refused(Refusals.invalidArn(detail, hint));
  }
}
