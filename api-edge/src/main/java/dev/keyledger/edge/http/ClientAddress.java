package dev.keyledger.edge.http;

import io.javalin.http.Context;

/**
 * The address of the caller as the audit records it: the peer's IP, or, for a request another
 * instance forwarded with a valid hop proof, the IP that instance received it from.
 */
public final class ClientAddress {

  private static final String ATTRIBUTE = "keyledger.client_ip";

  private ClientAddress() {}

  /** Records the original caller's IP of a verified forwarded request. */
  public static void forwardedFrom(Context ctx, String ip) {
    ctx.attribute(ATTRIBUTE, ip);
  }

  public static String of(Context ctx) {
    String forwarded = ctx.attribute(ATTRIBUTE);
    return forwarded == null ? ctx.ip() : forwarded;
  }
}
