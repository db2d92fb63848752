package dev.keyledger.engine.domain;

import java.util.regex.Pattern;

/** Tenant ids (the JWT {@code org} claim) and the one reserved key of the commands topic. */
public final class TenantIds {

  /**
   * Key of platform-wide commands (waiver publication). No tenant id can take it: it starts with
   * '_'.
   */
  public static final String PLATFORM = "_platform";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private TenantIds() {}

  public static boolean isValid(String tenantId) {
    return tenantId != null && VALID.matcher(tenantId).matches();
  }
}
