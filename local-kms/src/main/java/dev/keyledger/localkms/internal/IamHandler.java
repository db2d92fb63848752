package dev.keyledger.localkms.internal;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * The IAM role operations (Query protocol): CreateRole, GetRole, DeleteRole, PutRolePolicy,
 * GetRolePolicy, DeleteRolePolicy, ListRolePolicies. Roles live in the caller's account; callers
 * other than an account root or the platform principal need an identity-policy Allow for {@code
 * iam:<Action>}.
 */
public final class IamHandler {
  private static final String NAME_PATTERN = "[\\w+=,.@-]{1,64}";
  private static final String POLICY_NAME_PATTERN = "[\\w+=,.@-]{1,128}";

  private final RoleStore roles;
  private final Authorizer authorizer;
  private final Clock clock;

  public IamHandler(RoleStore roles, Authorizer authorizer, Clock clock) {
    this.roles = roles;
    this.authorizer = authorizer;
    this.clock = clock;
  }

  /**
   * Runs {@code action}; returns the content of its Result element, or null for actions without
   * one.
   */
  public QueryXml handle(String action, Map<String, String> params, Principal caller) {
    return switch (action) {
      case "CreateRole" -> createRole(params, caller);
      case "GetRole" -> role(new QueryXml(), existing(params, caller, "iam:GetRole"));
      case "DeleteRole" -> deleteRole(params, caller);
      case "PutRolePolicy" -> putRolePolicy(params, caller);
      case "GetRolePolicy" -> getRolePolicy(params, caller);
      case "DeleteRolePolicy" -> deleteRolePolicy(params, caller);
      case "ListRolePolicies" -> listRolePolicies(params, caller);
      default -> throw AwsErrors.unknownOperation(Service.IAM, action);
    };
  }

  private QueryXml createRole(Map<String, String> p, Principal caller) {
    String name = required(p, "RoleName", NAME_PATTERN);
    String path = p.getOrDefault("Path", "/");
    if (!path.matches("/([\\x21-\\x7E]*/)?")) {
      throw AwsErrors.validation(
          Service.IAM,
          "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.");
    }
    String arn = RoleStore.arn(caller.accountId(), path, name);
    authorizer.authorizeIdentityAction(Service.IAM, caller, "iam:CreateRole", arn);
    String trust = required(p, "AssumeRolePolicyDocument", null);
    validatePolicy(trust, true);
    int maxSession = intParam(p, "MaxSessionDuration", 3600);
    if (maxSession < 3600 || maxSession > 43200) {
      throw AwsErrors.validation(
          Service.IAM,
          "1 validation error detected: Value '"
              + maxSession
              + "' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200");
    }
    IamRole role =
        new IamRole(
            arn,
            name,
            "AROA" + CredentialStore.randomKeyChars(17),
            caller.accountId(),
            path,
            trust,
            p.get("Description"),
            maxSession,
            clock.instant(),
            new TreeMap<>());
    roles.add(role);
    return role(new QueryXml(), role);
  }

  private QueryXml deleteRole(Map<String, String> p, Principal caller) {
    IamRole role = existing(p, caller, "iam:DeleteRole");
    if (!role.inlinePolicies().isEmpty()) {
      throw AwsErrors.deleteConflict("Cannot delete entity, must delete policies first.");
    }
    roles.remove(role.arn());
    return null;
  }

  private QueryXml putRolePolicy(Map<String, String> p, Principal caller) {
    IamRole role = existing(p, caller, "iam:PutRolePolicy");
    String policyName = required(p, "PolicyName", POLICY_NAME_PATTERN);
    String document = required(p, "PolicyDocument", null);
    validatePolicy(document, false);
    roles.update(role.arn(), r -> r.withInlinePolicy(policyName, document));
    return null;
  }

  private QueryXml getRolePolicy(Map<String, String> p, Principal caller) {
    IamRole role = existing(p, caller, "iam:GetRolePolicy");
    String policyName = required(p, "PolicyName", POLICY_NAME_PATTERN);
    String document = role.inlinePolicies().get(policyName);
    if (document == null) {
      throw AwsErrors.noSuchEntity("The role policy with name " + policyName + " cannot be found.");
    }
    return new QueryXml()
        .element("RoleName", role.roleName())
        .element("PolicyName", policyName)
        .element("PolicyDocument", QueryXml.urlEncodedPolicy(document));
  }

  private QueryXml deleteRolePolicy(Map<String, String> p, Principal caller) {
    IamRole role = existing(p, caller, "iam:DeleteRolePolicy");
    String policyName = required(p, "PolicyName", POLICY_NAME_PATTERN);
    roles.update(
        role.arn(),
        r -> {
          if (!r.inlinePolicies().containsKey(policyName)) {
            throw AwsErrors.noSuchEntity(
                "The role policy with name " + policyName + " cannot be found.");
          }
          return r.withInlinePolicy(policyName, null);
        });
    return null;
  }

  private QueryXml listRolePolicies(Map<String, String> p, Principal caller) {
    IamRole role = existing(p, caller, "iam:ListRolePolicies");
    QueryXml x = new QueryXml().open("PolicyNames");
    role.policyNames().forEach(n -> x.element("member", n));
    return x.close("PolicyNames").element("IsTruncated", false);
  }

  private IamRole existing(Map<String, String> p, Principal caller, String action) {
    String name = required(p, "RoleName", NAME_PATTERN);
    IamRole role =
        roles
            .byName(caller.accountId(), name)
            .orElseThrow(
                () -> AwsErrors.noSuchEntity("The role with name " + name + " cannot be found."));
    authorizer.authorizeIdentityAction(Service.IAM, caller, action, role.arn());
    return role;
  }

  private static QueryXml role(QueryXml x, IamRole r) {
    return x.open("Role")
        .element("Path", r.path())
        .element("RoleName", r.roleName())
        .element("RoleId", r.roleId())
        .element("Arn", r.arn())
        .element("CreateDate", QueryXml.timestamp(r.createDate()))
        .element(
            "AssumeRolePolicyDocument", QueryXml.urlEncodedPolicy(r.assumeRolePolicyDocument()))
        .element("Description", r.description())
        .element("MaxSessionDuration", r.maxSessionDuration())
        .close("Role");
  }

  private static void validatePolicy(String document, boolean trust) {
    try {
      PolicyEvaluator.validate(document, trust);
    } catch (IllegalArgumentException e) {
      throw AwsErrors.malformedIamPolicy(e.getMessage());
    }
  }

  static String required(Map<String, String> p, String name, String pattern) {
    String v = p.get(name);
    String member = Character.toLowerCase(name.charAt(0)) + name.substring(1);
    if (v == null || v.isEmpty()) {
      throw AwsErrors.validation(
          Service.IAM,
          "1 validation error detected: Value null at '"
              + member
              + "' failed to satisfy constraint: Member must not be null");
    }
    if (pattern != null && !v.matches(pattern)) {
      throw AwsErrors.validation(
          Service.IAM,
          "1 validation error detected: Value '"
              + v
              + "' at '"
              + member
              + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
              + pattern);
    }
    return v;
  }

  static int intParam(Map<String, String> p, String name, int fallback) {
    String v = p.get(name);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw AwsErrors.validation(Service.IAM, "Value '" + v + "' for " + name + " is not a number");
    }
  }
}
