package dev.keyledger.localkms.internal;

import java.time.Duration;
import java.util.Map;

/**
 * The STS operations (Query protocol): AssumeRole (trust policy with {@code sts:ExternalId},
 * temporary credentials) and GetCallerIdentity.
 */
public final class StsHandler {
  private final RoleStore roles;
  private final CredentialStore credentials;
  private final Authorizer authorizer;

  public StsHandler(RoleStore roles, CredentialStore credentials, Authorizer authorizer) {
    this.roles = roles;
    this.credentials = credentials;
    this.authorizer = authorizer;
  }

  /** Runs {@code action}; returns the content of its Result element. */
  public QueryXml handle(String action, Map<String, String> params, Principal caller) {
    return switch (action) {
      case "AssumeRole" -> assumeRole(params, caller);
      case "GetCallerIdentity" ->
          new QueryXml()
              .element("Arn", caller.arn())
              .element("UserId", caller.userId())
              .element("Account", caller.accountId());
      default -> throw AwsErrors.unknownOperation(Service.STS, action);
    };
  }

  private QueryXml assumeRole(Map<String, String> p, Principal caller) {
    String roleArn = required(p, "RoleArn");
    if (roleArn.length() < 20 || roleArn.length() > 2048) {
      throw AwsErrors.validation(
          Service.STS,
          "1 validation error detected: Value '"
              + roleArn
              + "' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20");
    }
    String session = required(p, "RoleSessionName");
    if (!session.matches("[\\w+=,.@-]{2,64}")) {
      throw AwsErrors.validation(
          Service.STS,
          "1 validation error detected: Value '"
              + session
              + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    }
    String externalId = p.get("ExternalId");
    if (externalId != null && !externalId.matches("[\\w+=,.@:/-]{2,1224}")) {
      throw AwsErrors.validation(
          Service.STS,
          "1 validation error detected: Value '"
              + externalId
              + "' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
    }
    IamRole role =
        roles
            .byArn(roleArn)
            .orElseThrow(
                () ->
                    AwsErrors.accessDenied(
                        Service.STS, caller.arn(), "sts:AssumeRole", roleArn, null));
    authorizer.authorizeAssumeRole(caller, role, externalId);
    int maxDuration =
        caller.roleArn() != null
            ? 3600
            : role.maxSessionDuration(); // role chaining caps at one hour
    int duration = IamHandler.intParam(p, "DurationSeconds", 3600);
    if (duration < 900 || duration > maxDuration) {
      throw AwsErrors.validation(
          Service.STS,
          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role"
              + " or is below 900 seconds.");
    }
    SessionCredentials s =
        credentials.issue(role.arn(), role.roleId(), session, Duration.ofSeconds(duration));
    return new QueryXml()
        .open("AssumedRoleUser")
        .element("AssumedRoleId", s.assumedRoleId())
        .element("Arn", s.sessionArn())
        .close("AssumedRoleUser")
        .open("Credentials")
        .element("AccessKeyId", s.accessKeyId())
        .element("SecretAccessKey", s.secretAccessKey().reveal())
        .element("SessionToken", s.sessionToken().reveal())
        .element("Expiration", QueryXml.timestamp(s.expiration()))
        .close("Credentials");
  }

  private static String required(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null || v.isEmpty()) {
      throw AwsErrors.validation(
          Service.STS,
          "1 validation error detected: Value null at '"
              + Character.toLowerCase(name.charAt(0))
              + name.substring(1)
              + "' failed to satisfy constraint: Member must not be null");
    }
    return v;
  }
}
