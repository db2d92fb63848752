package dev.keyledger.edge.service;

import dev.keyledger.avro.state.TenantState;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.projections.query.KeyLedgerQueries;
import dev.keyledger.projections.query.QueryResult;
import java.util.Optional;

/** Reads through the interactive queries, turning "not now" into a 503 with Retry-After. */
public final class TenantReader {

  private final KeyLedgerQueries queries;

  public TenantReader(KeyLedgerQueries queries) {
    this.queries = queries;
  }

  public Optional<TenantState> tenant(String tenantId) {
    return value(queries.tenantState(tenantId));
  }

  public Optional<TenantState> platform() {
    return tenant(TenantIds.PLATFORM);
  }

  public KeyLedgerQueries queries() {
    return queries;
  }

  /** The value of a query, empty when there is none; 503 when no instance can answer now. */
  public static <T> Optional<T> value(QueryResult<T> result) {
    if (result instanceof QueryResult.Found<T> found) {
      return Optional.of(found.value());
    }
    if (result instanceof QueryResult.NotFound<T>) {
      return Optional.empty();
    }
    if (result instanceof QueryResult.Unavailable<T> unavailable) {
      throw ApiException.unavailable("state_unavailable", "Key state is not available right now: " + unavailable.reason(),
          unavailable.retryAfterSeconds());
    }
    // Another instance owns this tenant; forwarding arrives with multi-instance deployments.
    throw ApiException.unavailable("state_unavailable", "This tenant is served by another instance: "
        + ((QueryResult.Remote<T>) result).host(), 1);
  }
}
