package dev.keyledger.engine.topology;

/**
 * Keys of a DEK store: {@code <tenant>/<version, 10 digits>}, so one tenant's records are a
 * contiguous range in version order. Tenant ids never hold a {@code /}.
 */
public final class DekKeys {

  private DekKeys() {}

  public static String of(String tenant, int version) {
    String digits = Integer.toString(version);
    return prefix(tenant) + "0".repeat(Math.max(0, 10 - digits.length())) + digits;
  }

  /** The prefix every key of the tenant starts with. */
  public static String prefix(String tenant) {
    return tenant + "/";
  }
}
