package dev.keyledger.localkms.internal;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** An IAM role with its trust policy and inline policies (by name, sorted). */
public record IamRole(
    String arn,
    String roleName,
    String roleId,
    String accountId,
    String path,
    String assumeRolePolicyDocument,
    String description,
    int maxSessionDuration,
    Instant createDate,
    Map<String, String> inlinePolicies) {

  public IamRole {
    inlinePolicies = Map.copyOf(inlinePolicies);
  }

  public IamRole withInlinePolicy(String name, String document) {
    Map<String, String> next = new TreeMap<>(inlinePolicies);
    if (document == null) {
      next.remove(name);
    } else {
      next.put(name, document);
    }
    return new IamRole(
        arn,
        roleName,
        roleId,
        accountId,
        path,
        assumeRolePolicyDocument,
        description,
        maxSessionDuration,
        createDate,
        next);
  }

  /** Inline policy names in sorted order, as ListRolePolicies returns them. */
  public java.util.List<String> policyNames() {
    return new TreeMap<>(inlinePolicies).keySet().stream().toList();
  }
}
