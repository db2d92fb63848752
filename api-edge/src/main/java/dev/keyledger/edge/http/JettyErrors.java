package dev.keyledger.edge.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what Jetty refuses before a request reaches the app (a malformed request line or header,
 * a URI or headers over {@link RequestLimits#MAX_HEADER_BYTES}, an unknown HTTP version, an
 * expectation it cannot meet) with the SPEC error body and an {@code X-Request-Id}, as {@link
 * ErrorHandlers} answers everything else, instead of Jetty's HTML page.
 *
 * <p>An HTTP version other than 1.0 and 1.1 is bad input and answered 400, not Jetty's 505: no
 * input a client sends is a 5xx. A 5xx that does arrive here is the server's own failure and is
 * logged.
 */
public final class JettyErrors extends ErrorHandler {

  private static final Logger LOG = LoggerFactory.getLogger(JettyErrors.class);
  private static final ObjectMapper JSON = Json.mapper();
  private static final int MAX_REASON_CHARS = 200;

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    String reason = (String) request.getAttribute(ERROR_MESSAGE);
    Throwable cause = (Throwable) request.getAttribute(ERROR_EXCEPTION);
    if (cause instanceof HttpException http) {
      status = http.getCode();
      reason = http.getReason();
    }
    if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
      status = HttpStatus.BAD_REQUEST_400;
    } else if (status >= 500) {
      LOG.error("request {} {} failed in Jetty: {}", request.getMethod(), status, reason, cause);
    }
    String id = RequestIds.newId();
    response.setStatus(status);
    response.getHeaders().put(RequestIds.HEADER, id);
    if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
      callback.succeeded();
      return true;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    try {
      byte[] body =
          JSON.writeValueAsBytes(
              ErrorBody.of(
                  ErrorHandlers.typeOf(status), null, message(status, reason), hint(status), id));
      response.write(true, ByteBuffer.wrap(body), callback);
    } catch (JsonProcessingException e) {
      callback.failed(e);
    }
    return true;
  }

  private static String message(int status, String reason) {
    String standard = HttpStatus.getMessage(status);
    if (reason == null || reason.isBlank() || reason.equals(standard)) {
      return standard;
    }
    String detail =
        reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
    return standard + ": " + detail;
  }

  private static String hint(int status) {
    return switch (status) {
      case 400 -> "Send an HTTP/1.1 request with valid request line, headers and framing.";
      case 413, 414, 431 -> "See Limits in the API reference (README.md).";
      default -> null;
    };
  }
}
