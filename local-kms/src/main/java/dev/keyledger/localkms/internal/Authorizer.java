package dev.keyledger.localkms.internal;

import dev.keyledger.localkms.internal.PolicyEvaluator.Decision;
import dev.keyledger.localkms.internal.PolicyEvaluator.RequestContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a caller may perform an action, combining resource policies (key policy, trust
 * policy) with the caller's identity policies the way AWS does:
 *
 * <ul>
 *   <li>an explicit Deny in either policy wins;
 *   <li>same account: a resource-policy Allow naming the caller suffices; an Allow that names only
 *       the account (root or id) also needs an identity-policy Allow;
 *   <li>cross account: both the resource policy and the caller's identity policies must allow.
 * </ul>
 *
 * Account roots and the platform principal have an implicit identity Allow (they hold no identity
 * policies here); assumed-role sessions are governed by their role's inline policies.
 */
public final class Authorizer {
  private final RoleStore roles;

  public Authorizer(RoleStore roles) {
    this.roles = roles;
  }

  /** Base condition keys every request carries. */
  public static Map<String, List<String>> baseConditionKeys(Principal caller) {
    Map<String, List<String>> keys = new HashMap<>();
    keys.put(
        "aws:principalarn", List.of(caller.roleArn() != null ? caller.roleArn() : caller.arn()));
    keys.put("aws:principalaccount", List.of(caller.accountId()));
    return keys;
  }

  /** A KMS action on a key: key policy plus identity policies. */
  public void authorizeKeyAction(
      Principal caller, String action, KmsKey key, EncryptionContext context) {
    Map<String, List<String>> conditions = baseConditionKeys(caller);
    conditions.put("kms:calleraccount", List.of(caller.accountId()));
    if (context != null) {
      context.addConditionKeys(conditions);
    }
    RequestContext ctx = new RequestContext(caller, action, key.arn(), conditions);
    String denial =
        resourceAndIdentity(
            caller,
            key.accountId(),
            PolicyEvaluator.evaluateResourcePolicy(key.policy(), ctx),
            ctx,
            "resource-based policy");
    if (denial != null) {
      throw AwsErrors.accessDenied(Service.KMS, caller.arn(), action, key.arn(), denial);
    }
  }

  /**
   * STS AssumeRole: the role's trust policy plus the caller's identity policies; any failure is
   * AccessDenied.
   */
  public void authorizeAssumeRole(Principal caller, IamRole role, String externalId) {
    Map<String, List<String>> conditions = baseConditionKeys(caller);
    if (externalId != null) {
      conditions.put("sts:externalid", List.of(externalId));
    }
    RequestContext ctx = new RequestContext(caller, "sts:AssumeRole", role.arn(), conditions);
    Decision trust;
    try {
      trust = PolicyEvaluator.evaluateResourcePolicy(role.assumeRolePolicyDocument(), ctx);
    } catch (IllegalArgumentException e) {
      trust = Decision.NO_MATCH;
    }
    if (resourceAndIdentity(caller, role.accountId(), trust, ctx, "trust policy") != null) {
      throw AwsErrors.accessDenied(Service.STS, caller.arn(), "sts:AssumeRole", role.arn(), null);
    }
  }

  /** An action governed by identity policies only (CreateKey, ListKeys, IAM calls). */
  public void authorizeIdentityAction(
      Service service, Principal caller, String action, String resource) {
    RequestContext ctx = new RequestContext(caller, action, resource, baseConditionKeys(caller));
    Decision identity = identityDecision(caller, ctx);
    if (identity == Decision.DENY) {
      throw AwsErrors.accessDenied(
          service,
          caller.arn(),
          action,
          resource,
          "with an explicit deny in an identity-based policy");
    }
    if (identity == Decision.NO_MATCH) {
      throw AwsErrors.accessDenied(
          service,
          caller.arn(),
          action,
          resource,
          "because no identity-based policy allows the " + action + " action");
    }
  }

  /** Null when allowed, else the reason AWS gives. */
  private String resourceAndIdentity(
      Principal caller,
      String resourceAccount,
      Decision resource,
      RequestContext ctx,
      String resourceKind) {
    if (resource == Decision.DENY) {
      return "with an explicit deny in a " + resourceKind;
    }
    Decision identity = identityDecision(caller, ctx);
    if (identity == Decision.DENY) {
      return "with an explicit deny in an identity-based policy";
    }
    boolean identityAllows = identity != Decision.NO_MATCH;
    boolean sameAccount = caller.accountId().equals(resourceAccount);
    if (resource == Decision.NO_MATCH) {
      return "because no " + resourceKind + " allows the " + ctx.action() + " action";
    }
    if (resource == Decision.ALLOW_DIRECT && sameAccount) {
      return null;
    }
    return identityAllows
        ? null
        : "because no identity-based policy allows the " + ctx.action() + " action";
  }

  private Decision identityDecision(Principal caller, RequestContext ctx) {
    if (caller.implicitIdentityAllow()) {
      return Decision.ALLOW_DIRECT;
    }
    List<String> policies =
        caller.roleArn() == null
            ? List.of()
            : roles
                .byArn(caller.roleArn())
                .map(r -> List.copyOf(r.inlinePolicies().values()))
                .orElse(List.of());
    try {
      return PolicyEvaluator.evaluateIdentityPolicies(policies, ctx);
    } catch (IllegalArgumentException e) {
      return Decision.NO_MATCH;
    }
  }
}
