package dev.keyledger.application;

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

  static <T> QueryResult<T> ofNullable(T value) {
    return value == null ? new NotFound<>() : new Found<>(value);
  }
}
