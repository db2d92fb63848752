package dev.keyledger.edge.auth;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * The authenticated caller of one request, taken from a verified access token.
 *
 * <p>{@code org} is the tenant id. It comes only from the token: handlers must never take a tenant
 * id from a path or a body.
 *
 * @param sub the subject (user or agent id), never blank
 * @param org the tenant id, never blank
 * @param roles the granted roles, immutable, never empty
 */
public record Principal(String sub, String org, Set<Role> roles) {

  public Principal {
    requireNonBlank(sub, "sub");
    requireNonBlank(org, "org");
    roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("roles must not be empty");
    }
  }

  /** True if this principal holds at least one of {@code anyOf}. */
  public boolean hasAnyRole(Role... anyOf) {
    return Arrays.stream(anyOf).anyMatch(roles::contains);
  }

  private static void requireNonBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
