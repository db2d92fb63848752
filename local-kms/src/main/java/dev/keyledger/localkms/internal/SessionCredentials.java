package dev.keyledger.localkms.internal;

import java.time.Instant;

/**
 * Temporary credentials issued by AssumeRole.
 *
 * @param sessionArn {@code arn:aws:sts::ACCT:assumed-role/<RoleName>/<session>}
 * @param assumedRoleId {@code <RoleId>:<session>}
 */
public record SessionCredentials(
    String accessKeyId,
    Secret secretAccessKey,
    Secret sessionToken,
    String roleArn,
    String sessionArn,
    String assumedRoleId,
    Instant expiration) {

  public String accountId() {
    return roleArn.split(":")[4];
  }

  public Principal principal() {
    return new Principal(sessionArn, accountId(), assumedRoleId, roleArn, false);
  }
}
