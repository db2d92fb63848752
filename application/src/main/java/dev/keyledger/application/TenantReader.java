package dev.keyledger.application;

import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.RefusalKind;
import dev.keyledger.engine.domain.Refusals;
import java.util.List;
import java.util.Optional;

/**
 * Reads through the state queries, turning "not now" into an {@link Outcome.Unavailable} answer.
 */
public final class TenantReader {

  private final StateQueries queries;

  public TenantReader(StateQueries queries) {
    this.queries = queries;
  }

  Optional<TenantState> tenant(String tenantId) {
    return value(queries.tenantState(tenantId));
  }

  /** The tenant's state with its DEK records on demand. */
  Optional<TenantView> view(String tenantId) {
    return value(queries.tenantView(tenantId));
  }

  /** One DEK record as of the view's state. */
  static Optional<DekState> dek(TenantView view, int version) {
    return value(view.dek(version));
  }

  /** Up to {@code limit} of the tenant's DEK records below {@code beforeVersion}, newest first. */
  List<DekState> deksNewestFirst(String tenantId, int beforeVersion, int limit) {
    return value(queries.deksNewestFirst(tenantId, beforeVersion, limit)).orElse(List.of());
  }

  /** The platform's state (waiver versions), as every instance reads it. */
  Optional<TenantState> platform() {
    return value(queries.platformState());
  }

  StateQueries queries() {
    return queries;
  }

  /**
   * The value of a query, empty when there is none.
   *
   * @throws Stop unavailable when no instance can answer now
   */
  static <T> Optional<T> value(QueryResult<T> result) {
    if (result instanceof QueryResult.Found<T> found) {
      return Optional.of(found.value());
    }
    if (result instanceof QueryResult.NotFound<T>) {
      return Optional.empty();
    }
    if (result instanceof QueryResult.Unavailable<T> unavailable) {
      throw unavailable(
          "Key state is not available right now: " + unavailable.reason(),
          unavailable.retryAfterSeconds());
    }
    // The edge forwards each request to the tenant's owner; landing here means the tenant moved
    // while the request was on its way (a rebalance): the caller retries.
    QueryResult.Remote<T> remote = (QueryResult.Remote<T>) result;
    throw unavailable(
        "This tenant is served by another instance: " + remote.host() + ":" + remote.port(), 1);
  }

  private static Stop unavailable(String message, int retryAfterSeconds) {
    return Stop.unavailable(
        Refusals.of(
            "state_unavailable",
            null,
            RefusalKind.UNAVAILABLE,
            message,
            "Retry after " + retryAfterSeconds + " s."),
        retryAfterSeconds);
  }
}
