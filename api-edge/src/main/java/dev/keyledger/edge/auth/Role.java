package dev.keyledger.edge.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A role a token grants. On the wire (the {@code roles} claim, CLI flags) a role is its lower-case
 * name, e.g. {@code owner}; parsing is exact, so {@code "Owner"} is not a role.
 */
public enum Role {
  OWNER,
  ADMIN,
  AUDITOR,
  AGENT,
  PLATFORM;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in tokens and on the command line. */
  public String wireName() {
    return wireName;
  }

  /** The role with this exact wire name, or empty if there is none. */
  public static Optional<Role> fromWireName(String wireName) {
    for (Role role : values()) {
      if (role.wireName.equals(wireName)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** All wire names, comma separated, for error messages and help text. */
  public static String wireNames() {
    return Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", "));
  }
}
