package dev.keyledger.application;

import java.util.function.Function;

/**
 * The answer of a state query. Never a spin loop: a caller that gets {@link Unavailable} retries
 * after the advice; one that gets {@link Remote} forwards to that instance.
 */
public sealed interface QueryResult<T> {

  /** This instance owns the key and has the value. */
  record Found<T>(T value) implements QueryResult<T> {}

  /** This instance owns the key and there is nothing under it. */
  record NotFound<T>() implements QueryResult<T> {}

  /** Another instance owns the key; {@code host:port} is its {@code application.server}. */
  record Remote<T>(String host, int port) implements QueryResult<T> {}

  /** No instance can answer now (starting, rebalancing, restoring). */
  record Unavailable<T>(String reason, int retryAfterSeconds) implements QueryResult<T> {}

  /** The same answer with a found value mapped; the other answers carry over as they are. */
  default <R> QueryResult<R> map(Function<? super T, ? extends R> mapping) {
    if (this instanceof Found<T> found) {
      return new Found<>(mapping.apply(found.value()));
    }
    if (this instanceof NotFound<T>) {
      return new NotFound<>();
    }
    if (this instanceof Remote<T> remote) {
      return new Remote<>(remote.host(), remote.port());
    }
    Unavailable<T> unavailable = (Unavailable<T>) this;
    return new Unavailable<>(unavailable.reason(), unavailable.retryAfterSeconds());
  }

  static <T> QueryResult<T> ofNullable(T value) {
    return value == null ? new NotFound<>() : new Found<>(value);
  }
}
