package dev.keyledger.localkms.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** IAM roles of every account, by role ARN. Thread-safe; every change calls the change listener. */
public final class RoleStore {
  private final Map<String, IamRole> roles = new ConcurrentHashMap<>();
  private final Runnable onChange;

  public RoleStore(Runnable onChange) {
    this.onChange = onChange;
  }

  /** The ARN of role {@code name} in {@code accountId} ({@code path} is part of an IAM ARN). */
  public static String arn(String accountId, String path, String name) {
    return "arn:aws:iam::" + accountId + ":role" + path + name;
  }

  public void add(IamRole role) {
    boolean nameTaken =
        roles.values().stream()
            .anyMatch(
                r ->
                    r.accountId().equals(role.accountId())
                        && r.roleName().equalsIgnoreCase(role.roleName()));
    if (nameTaken || roles.putIfAbsent(role.arn(), role) != null) {
      throw AwsErrors.entityAlreadyExists("Role with name " + role.roleName() + " already exists.");
    }
    onChange.run();
  }

  /** By account and name (IAM role names are unique per account, case-insensitively). */
  public Optional<IamRole> byName(String accountId, String name) {
    return roles.values().stream()
        .filter(r -> r.accountId().equals(accountId) && r.roleName().equalsIgnoreCase(name))
        .findFirst();
  }

  /** By ARN; a role ARN that names the role without its path also resolves, as STS allows. */
  public Optional<IamRole> byArn(String arn) {
    IamRole exact = roles.get(arn);
    if (exact != null) {
      return Optional.of(exact);
    }
    return roles.values().stream()
        .filter(r -> arn.equals("arn:aws:iam::" + r.accountId() + ":role/" + r.roleName()))
        .findFirst();
  }

  public IamRole update(String arn, UnaryOperator<IamRole> change) {
    IamRole updated = roles.computeIfPresent(arn, (k, v) -> change.apply(v));
    if (updated == null) {
      throw AwsErrors.noSuchEntity("The role with ARN " + arn + " cannot be found.");
    }
    onChange.run();
    return updated;
  }

  public void remove(String arn) {
    roles.remove(arn);
    onChange.run();
  }

  public List<IamRole> all() {
    return List.copyOf(roles.values());
  }

  /** Loads persisted state without firing the change listener. */
  public void restore(List<IamRole> saved) {
    saved.forEach(r -> roles.put(r.arn(), r));
  }
}
