package dev.keyledger.edge.http;

import io.javalin.http.Context;

/** Reads every request body before any handler runs, within the edge's size limit. */
public final class RequestBodies {

  private RequestBodies() {}

  /**
   * Reads (and caches for the handler) the whole body of a request, at most {@code maxBytes}.
   *
   * @throws ApiException 413 when the body is larger; one declared larger by its {@code
   *     Content-Length} is refused before a byte of it is read, so a client that sent {@code
   *     Expect: 100-continue} never uploads it and surely gets the answer
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
    // body
    // must not answer before the body arrived, or Jetty may drop the keep-alive connection the
    // client is about to reuse.
    ctx.bodyAsBytes();
  }
}
