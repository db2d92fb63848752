package dev.keyledger.application;

/**
 * Which instance serves a tenant now: the one that owns its partition (every store about the
 * tenant, its key cache and its rate limits live there). Never a spin loop: {@link Unavailable} and
 * {@link NotFound} say "ask again shortly", {@link Remote} says where to forward.
 */
public sealed interface TenantOwner {

  /** This instance owns the tenant. */
  record Local() implements TenantOwner {}

  /** Another instance owns the tenant; {@code host:port} is its {@code application.server}. */
  record Remote(String host, int port) implements TenantOwner {}

  /** The cluster knows the tenant's partition but no instance runs it now (being reassigned). */
  record NotFound(String reason) implements TenantOwner {}

  /** The owner cannot be known now (this instance is starting, rebalancing or stopping). */
  record Unavailable(String reason, int retryAfterSeconds) implements TenantOwner {}
}
