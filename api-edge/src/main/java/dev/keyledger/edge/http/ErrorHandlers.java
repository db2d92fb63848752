package dev.keyledger.edge.http;

import dev.keyledger.edge.auth.AuthError;
import dev.keyledger.edge.auth.AuthException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to the SPEC error body (request bodies are parsed and refused by the api
 * package). Bad input is a 4xx with a stable type; a bug is a 500 that names only the request id
 * (the details go to the log, never to the client).
 */
public final class ErrorHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);

  private ErrorHandlers() {}

  public static void register(RoutesConfig routes) {
    routes.exception(
        ApiException.class,
        (e, ctx) -> {
          if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
          }
          write(ctx, e.status(), e.type(), e.code(), e.getMessage(), e.hint());
        });
    routes.exception(
        AuthException.class,
        (e, ctx) -> {
          if (e.error() == AuthError.IDENTITY_PROVIDER_UNAVAILABLE) {
            ctx.header("Retry-After", Integer.toString(AuthError.RETRY_AFTER_SECONDS));
          }
          write(ctx, e.error().httpStatus(), e.code(), null, e.getMessage(), e.hint());
        });
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> write(ctx, e.getStatus(), typeOf(e.getStatus()), null, e.getMessage(), null));
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("request {} {} {} failed", RequestIds.of(ctx), ctx.method(), ctx.path(), e);
          write(
              ctx,
              500,
              "internal_error",
              null,
              "An unexpected error occurred",
              "Report request id " + RequestIds.of(ctx) + ".");
        });
    routes.error(
        404,
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            write(
                ctx,
                404,
                "not_found",
                null,
                "No such endpoint: " + ctx.method() + " " + ctx.path(),
                "See the API reference in README.md.");
          }
        });
    routes.error(
        405,
        ctx ->
            write(
                ctx,
                405,
                "method_not_allowed",
                null,
                ctx.method() + " is not allowed on " + ctx.path(),
                null));
  }

  static void write(
      Context ctx, int status, String type, String code, String message, String hint) {
    ctx.status(status).json(ErrorBody.of(type, code, message, hint, RequestIds.of(ctx)));
  }

  /** The error type of a status that no more specific refusal names. */
  static String typeOf(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 417 -> "expectation_failed";
      case 426 -> "upgrade_required";
      case 431 -> "headers_too_large";
      case 500 -> "internal_error";
      default -> "http_" + status;
    };
  }
}
