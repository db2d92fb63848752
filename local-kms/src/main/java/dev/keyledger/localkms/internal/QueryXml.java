package dev.keyledger.localkms.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Builds Query-protocol (STS, IAM) XML answers: {@code <ActionResponse xmlns=...><ActionResult>...}
 * with {@code ResponseMetadata}, and {@code ErrorResponse} bodies, in the shapes the AWS SDKs
 * parse.
 */
public final class QueryXml {
  private final StringBuilder sb = new StringBuilder();

  public QueryXml open(String tag) {
    sb.append('<').append(tag).append('>');
    return this;
  }

  public QueryXml close(String tag) {
    sb.append("</").append(tag).append('>');
    return this;
  }

  /** Adds {@code <tag>text</tag>}; nothing when {@code text} is null. */
  public QueryXml element(String tag, Object text) {
    if (text != null) {
      open(tag);
      sb.append(escape(String.valueOf(text)));
      close(tag);
    }
    return this;
  }

  /** ISO 8601 with seconds precision, as AWS writes timestamps. */
  public static String timestamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * IAM returns policy documents URL-encoded (spaces as %20, so clients can decode with plain
   * percent-decoding).
   */
  public static String urlEncodedPolicy(String policy) {
    return URLEncoder.encode(policy, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A successful answer; {@code result} null means an action without a result element. */
  public static String response(Service service, String action, QueryXml result, String requestId) {
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.append('<')
        .append(action)
        .append("Response xmlns=\"")
        .append(service.xmlNamespace())
        .append("\">");
    if (result != null) {
      out.append('<')
          .append(action)
          .append("Result>")
          .append(result.sb)
          .append("</")
          .append(action)
          .append("Result>");
    }
    out.append("<ResponseMetadata><RequestId>")
        .append(requestId)
        .append("</RequestId></ResponseMetadata>");
    out.append("</").append(action).append("Response>\n");
    return out.toString();
  }

  public static String error(Service service, AwsException e, String requestId) {
    QueryXml x =
        new QueryXml()
            .open("Error")
            .element("Type", e.faultType())
            .element("Code", e.code())
            .element("Message", e.getMessage())
            .close("Error")
            .element("RequestId", requestId);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\""
        + service.xmlNamespace()
        + "\">"
        + x.sb
        + "</ErrorResponse>\n";
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
