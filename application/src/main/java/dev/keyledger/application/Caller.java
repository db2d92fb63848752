package dev.keyledger.application;

import java.util.List;

/**
 * Who asked, for which tenant, from where: the audit fields of every command. The tenant comes from
 * the caller's verified token only.
 *
 * @param sub the authenticated subject
 * @param tenant the tenant (organization) of the token
 * @param roles the wire names of the caller's roles, sorted
 * @param ip the client address, or null for the engine itself
 * @param requestId the request id the edge assigned, or null
 */
public record Caller(String sub, String tenant, List<String> roles, String ip, String requestId) {

  /** The principal the audit trail shows for commands the engine sends by itself. */
  public static final String ENGINE = "keyledger-engine";

  public Caller {
    roles = roles.stream().sorted().toList();
  }

  /** The engine acting for one tenant. */
  public static Caller engine(String tenantId) {
    return new Caller(ENGINE, tenantId, List.of("platform"), null, null);
  }
}
