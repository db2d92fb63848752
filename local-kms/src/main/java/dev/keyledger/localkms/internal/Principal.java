package dev.keyledger.localkms.internal;

import java.util.List;

/**
 * Who made a request, as policies see it.
 *
 * @param arn the caller's ARN (account root, IAM role/user, or STS assumed-role session)
 * @param accountId the caller's account
 * @param userId what GetCallerIdentity reports as UserId
 * @param roleArn for an assumed-role session, the role's IAM ARN; else null
 * @param implicitIdentityAllow true for an account root and for the platform principal: no identity
 *     policy is evaluated for them (everything is allowed on the identity side)
 */
public record Principal(
    String arn, String accountId, String userId, String roleArn, boolean implicitIdentityAllow) {

  public static Principal accountRoot(String accountId) {
    return new Principal("arn:aws:iam::" + accountId + ":root", accountId, accountId, null, true);
  }

  /** The ARNs a policy {@code Principal} may name to mean exactly this caller. */
  public List<String> policyArns() {
    return roleArn == null ? List.of(arn) : List.of(arn, roleArn);
  }

  public boolean isRoot() {
    return arn.endsWith(":root");
  }
}
