package dev.keyledger.edge.http;

import io.javalin.http.Context;
import java.io.IOException;
import org.eclipse.jetty.http.HttpException;

/** Reads every request body before any handler runs, within the edge's size limit. */
public final class RequestBodies {

  private RequestBodies() {}

  /**
   * Reads (and caches for the handler) the whole body of a request, at most {@code maxBytes}.
   *
   * @throws ApiException 413 when the body is larger; one declared larger by its {@code
   *     Content-Length} is refused before a byte of it is read, so a client that sent {@code
   *     Expect: 100-continue} never uploads it and surely gets the answer. 400 when the body cannot
   *     be read to its end (the client sent less than it declared, or broken chunked framing)
   */
  public static void readWithin(Context ctx, int maxBytes) {
    if (ctx.req().getContentLengthLong() > maxBytes) {
      throw new ApiException(
          413,
          "payload_too_large",
          null,
          "The request body is larger than " + maxBytes + " bytes",
          null,
          null);
    }
    // Read the body now (Javalin bounds it by maxRequestSize): a call whose handler ignores its
    // body must not answer before the body arrived, or Jetty may drop the keep-alive connection
    // the client is about to reuse.
    try {
      ctx.bodyAsBytes();
    } catch (RuntimeException e) {
      throw e; // Javalin's own answers (413 past maxRequestSize) are mapped like any other
    } catch (Exception e) {
      // Javalin reads with Kotlin, which declares no IOException: catch it as what it is.
      if (e instanceof IOException || e instanceof HttpException) {
        throw ApiException.badRequest(
            "invalid_request",
            "The request body could not be read to its end",
            "Send exactly Content-Length bytes, or valid chunked framing.");
      }
      throw e;
    }
  }
}
