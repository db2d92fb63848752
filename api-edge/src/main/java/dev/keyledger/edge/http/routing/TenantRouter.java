package dev.keyledger.edge.http.routing;

import dev.keyledger.application.TenantOwner;
import dev.keyledger.application.TenantOwnership;
import dev.keyledger.edge.auth.AccessControl;
import dev.keyledger.edge.auth.AuthException;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.ClientAddress;
import dev.keyledger.edge.http.RequestIds;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Serves each tenant-scoped request on the instance that owns the tenant (a before-handler, ahead
 * of authorization details and rate limits): the tenant comes from the verified token alone; the
 * owner from {@link TenantOwnership}. Owned here: the request goes on to its handler. Owned
 * elsewhere: {@link RequestForwarder} sends it there and relays the answer, so rate limits, the key
 * cache and reads of a tenant live on one instance only. A request without a valid token is
 * answered here (its handler refuses it).
 *
 * <p>While the owner is not known (a rebalance, a failover) the request waits up to the owner wait,
 * then answers {@code 503 state_unavailable} with {@code Retry-After}. A request that carries a
 * {@link HopMarker} is never forwarded again: if this instance does not own its tenant (the tenant
 * moved meanwhile) it answers 503 too.
 *
 * <p>Counter {@value #UNAVAILABLE_METRIC}: requests answered 503 because no owner could serve them,
 * by {@code reason} ({@code owner_unknown}, {@code moved}).
 */
public final class TenantRouter {

  /** How long a request waits for the owner of its tenant to be known, by default. */
  public static final Duration DEFAULT_OWNER_WAIT = Duration.ofSeconds(3);

  /** Counter of requests refused because no instance could serve their tenant now. */
  public static final String UNAVAILABLE_METRIC = "keyledger.http.routing.unavailable";

  private static final Duration POLL = Duration.ofMillis(50);
  private static final int RETRY_AFTER_SECONDS = 1;
  private static final Pattern REQUEST_ID = Pattern.compile("req_[0-9a-f]{32}");

  /** Path prefixes of tenant-scoped routes; {@code PUT /admin/legal-waiver} is platform-wide. */
  private static final List<String> TENANT_SCOPED =
      List.of("/api/v1/byok/", "/admin/tenant-kms", "/agent/v1/");

  private final TenantOwnership ownership;
  private final AccessControl access;
  private final RequestForwarder forwarder;
  private final HopMarker hop;
  private final Duration ownerWait;
  private final MeterRegistry metrics;

  public TenantRouter(
      TenantOwnership ownership,
      AccessControl access,
      RequestForwarder forwarder,
      HopMarker hop,
      Duration ownerWait,
      MeterRegistry metrics) {
    this.ownership = ownership;
    this.access = access;
    this.forwarder = forwarder;
    this.hop = hop;
    this.ownerWait = ownerWait;
    this.metrics = metrics;
  }

  /** Whether requests to {@code path} concern one tenant (the token's). */
  public static boolean tenantScoped(String path) {
    return TENANT_SCOPED.stream().anyMatch(path::startsWith);
  }

  /** The before-handler: returns to let the handler serve, or answers the request itself. */
  public void route(Context ctx) {
    if (!tenantScoped(ctx.path())) {
      return;
    }
    String marker = ctx.header(HopMarker.HEADER);
    if (marker != null) {
      adoptForwarded(ctx, marker);
    }
    Principal principal;
    try {
      principal = access.authorize(ctx.header("Authorization"), Role.values());
    } catch (AuthException e) {
      return; // the handler refuses (and audits) it on this instance
    }
    TenantOwner owner = awaitOwner(principal.org());
    if (owner instanceof TenantOwner.Local) {
      return;
    }
    if (owner instanceof TenantOwner.Remote remote) {
      if (marker != null) {
        throw unavailable(
            "moved",
            "This tenant moved to another instance while the request was forwarded (rebalancing)");
      }
      forwarder.forward(ctx, remote.host(), remote.port());
      ctx.skipRemainingHandlers();
      return;
    }
    String reason =
        owner instanceof TenantOwner.Unavailable u
            ? u.reason()
            : ((TenantOwner.NotFound) owner).reason();
    throw unavailable("owner_unknown", "No instance can serve this tenant right now: " + reason);
  }

  /** A marker with a valid proof carries the forwarder's request id and the caller's IP. */
  private void adoptForwarded(Context ctx, String marker) {
    String requestId = ctx.header(RequestIds.HEADER);
    if (requestId == null
        || !REQUEST_ID.matcher(requestId).matches()
        || !hop.proves(
            marker, requestId, ctx.method().name(), RequestForwarder.pathAndQuery(ctx))) {
      return;
    }
    RequestIds.adopt(ctx, requestId);
    String forwardedFor = ctx.header("X-Forwarded-For");
    if (forwardedFor != null && !forwardedFor.isBlank()) {
      ClientAddress.forwardedFrom(ctx, forwardedFor.strip());
    }
  }

  /**
   * The owner, waiting up to the owner wait while it is not known. Streams offers no signal for
   * "metadata changed" to wait on, so this re-reads it (a local, in-memory lookup) every 50 ms.
   */
  private TenantOwner awaitOwner(String tenant) {
    long deadline = System.nanoTime() + ownerWait.toNanos();
    TenantOwner owner = ownership.ownerOf(tenant);
    while ((owner instanceof TenantOwner.Unavailable || owner instanceof TenantOwner.NotFound)
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(POLL.toNanos());
      owner = ownership.ownerOf(tenant);
    }
    return owner;
  }

  private ApiException unavailable(String reason, String message) {
    Counter.builder(UNAVAILABLE_METRIC)
        .description("Tenant-scoped requests answered 503: no instance could serve the tenant")
        .tag("reason", reason)
        .register(metrics)
        .increment();
    return ApiException.unavailable("state_unavailable", message, RETRY_AFTER_SECONDS);
  }
}
