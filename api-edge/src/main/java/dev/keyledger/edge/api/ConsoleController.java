package dev.keyledger.edge.api;

import dev.keyledger.edge.http.ApiException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /console/}: the admin console's static files (HTML, CSS and JavaScript in the jar under
 * {@code console/}), which call the same HTTP API with the user's token. Every answer carries a
 * strict Content-Security-Policy (only this origin's files; no inline script or style, no frames,
 * no foreign form targets or connections), {@code nosniff} and {@code no-referrer}. The console
 * needs no session of its own: without a token it shows only its sign-in form.
 */
public final class ConsoleController {

  /** The policy of every console answer. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private static final Pattern ASSET = Pattern.compile("[a-z0-9-]{1,64}\\.(html|css|js)");
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8");

  /** {@code GET /console/}: the page; {@code /console} is sent to {@code /console/}. */
  public void index(Context ctx) {
    secure(ctx);
    if (!ctx.path().endsWith("/")) {
      ctx.redirect("/console/", HttpStatus.MOVED_PERMANENTLY);
      return;
    }
    serve(ctx, "index.html");
  }

  /** {@code GET /console/{asset}}: one of the console's files, or 404. */
  public void asset(Context ctx) {
    secure(ctx);
    serve(ctx, ctx.pathParam("asset"));
  }

  private static void secure(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-cache");
  }

  private static void serve(Context ctx, String name) {
    Matcher asset = ASSET.matcher(name);
    byte[] bytes = asset.matches() ? read("console/" + name) : null;
    if (bytes == null) {
      throw new ApiException(
          404,
          "not_found",
          null,
          "The console has no file " + (asset.matches() ? name : "by that name"),
          "Open /console/.",
          null);
    }
    ctx.contentType(CONTENT_TYPES.get(asset.group(1)));
    ctx.result(bytes);
  }

  private static byte[] read(String resource) {
    try (InputStream in = ConsoleController.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
    }
  }
}
