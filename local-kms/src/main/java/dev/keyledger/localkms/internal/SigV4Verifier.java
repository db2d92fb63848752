package dev.keyledger.localkms.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 the way AWS does: canonical request, string to sign, derived
 * signing key, for both the {@code Authorization} header and pre-signed query parameters.
 * Thread-safe.
 */
public final class SigV4Verifier {

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final Duration MAX_SKEW = Duration.ofMinutes(15);

  /** The signature parameters of one request. */
  public record Auth(
      String accessKeyId,
      String scopeDate,
      String region,
      String service,
      List<String> signedHeaders,
      String signature,
      String amzDate,
      String securityToken,
      Long presignedExpiresSeconds) {

    String scope() {
      return scopeDate + "/" + region + "/" + service + "/aws4_request";
    }
  }

  private final Clock clock;

  public SigV4Verifier(Clock clock) {
    this.clock = clock;
  }

  /**
   * Reads the signature parameters; empty when the request carries no SigV4 signature at all.
   *
   * @throws IllegalArgumentException when a signature is present but malformed (message says why)
   */
  public static Optional<Auth> parse(IncomingRequest req) {
    String header = req.header("authorization");
    if (header != null) {
      return Optional.of(parseHeader(req, header.trim()));
    }
    Map<String, String> query = decodedQuery(req.rawQuery());
    if (query.containsKey("X-Amz-Signature")) {
      return Optional.of(parsePresigned(query));
    }
    return Optional.empty();
  }

  private static Auth parseHeader(IncomingRequest req, String header) {
    if (!header.startsWith(ALGORITHM + " ")) {
      throw new IllegalArgumentException(
          "Authorization header requires the " + ALGORITHM + " algorithm");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : header.substring(ALGORITHM.length()).split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    String credential = fields.get("Credential");
    String signedHeaders = fields.get("SignedHeaders");
    String signature = fields.get("Signature");
    if (credential == null || signedHeaders == null || signature == null) {
      throw new IllegalArgumentException(
          "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization="
              + ALGORITHM
              + " ...");
    }
    String amzDate = req.header("x-amz-date");
    if (amzDate == null && req.header("date") != null) {
      amzDate = fromHttpDate(req.header("date"));
    }
    if (amzDate == null) {
      throw new IllegalArgumentException(
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    return credential(
        credential,
        List.of(signedHeaders.split(";")),
        signature,
        amzDate,
        req.header("x-amz-security-token"),
        null);
  }

  private static Auth parsePresigned(Map<String, String> q) {
    if (!ALGORITHM.equals(q.get("X-Amz-Algorithm"))
        || q.get("X-Amz-Credential") == null
        || q.get("X-Amz-SignedHeaders") == null
        || q.get("X-Amz-Date") == null) {
      throw new IllegalArgumentException(
          "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
              + "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'");
    }
    long expires;
    try {
      expires = Long.parseLong(q.getOrDefault("X-Amz-Expires", "900"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("X-Amz-Expires must be a number of seconds", e);
    }
    return credential(
        q.get("X-Amz-Credential"),
        List.of(q.get("X-Amz-SignedHeaders").split(";")),
        q.get("X-Amz-Signature"),
        q.get("X-Amz-Date"),
        q.get("X-Amz-Security-Token"),
        expires);
  }

  private static Auth credential(
      String credential,
      List<String> signedHeaders,
      String signature,
      String amzDate,
      String token,
      Long expires) {
    String[] c = credential.split("/");
    if (c.length != 5 || !"aws4_request".equals(c[4])) {
      throw new IllegalArgumentException(
          "Credential should be scoped to a valid region, not '"
              + (c.length > 2 ? c[2] : "")
              + "'. ");
    }
    return new Auth(c[0], c[1], c[2], c[3], signedHeaders, signature, amzDate, token, expires);
  }

  /**
   * Verifies the signature with the caller's secret.
   *
   * @throws AwsException SignatureDoesNotMatch / InvalidSignatureException in the service's dialect
   */
  public void verify(IncomingRequest req, Auth auth, Secret secretAccessKey, Service service) {
    Instant signedAt;
    try {
      signedAt = LocalDateTime.parse(auth.amzDate(), AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw AwsErrors.incompleteSignature(
          service, "X-Amz-Date must be in ISO 8601 basic format: " + auth.amzDate());
    }
    if (!auth.amzDate().startsWith(auth.scopeDate())) {
      throw AwsErrors.signatureMismatch(service);
    }
    Instant now = clock.instant();
    if (auth.presignedExpiresSeconds() != null) {
      if (now.isAfter(signedAt.plusSeconds(auth.presignedExpiresSeconds()))) {
        throw AwsErrors.signatureExpired(
            service,
            auth.amzDate() + " is now earlier than " + AMZ_DATE.format(now.atZone(ZoneOffset.UTC)));
      }
    } else if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
      throw AwsErrors.signatureExpired(
          service,
          auth.amzDate()
              + " is now earlier than "
              + AMZ_DATE.format(now.minus(MAX_SKEW).atZone(ZoneOffset.UTC)));
    }
    String expected = signature(canonicalRequest(req, auth), auth, secretAccessKey);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        auth.signature().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
      throw AwsErrors.signatureMismatch(service);
    }
  }

  /** The hex signature of a canonical request (exposed for the AWS test-suite vectors). */
  static String signature(String canonicalRequest, Auth auth, Secret secretAccessKey) {
    String stringToSign =
        ALGORITHM
            + "\n"
            + auth.amzDate()
            + "\n"
            + auth.scope()
            + "\n"
            + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    byte[] key =
        hmac(
            ("AWS4" + secretAccessKey.reveal()).getBytes(StandardCharsets.UTF_8), auth.scopeDate());
    key = hmac(key, auth.region());
    key = hmac(key, auth.service());
    key = hmac(key, "aws4_request");
    return HexFormat.of().formatHex(hmac(key, stringToSign));
  }

  static String canonicalRequest(IncomingRequest req, Auth auth) {
    StringBuilder sb = new StringBuilder();
    sb.append(req.method()).append('\n');
    sb.append(canonicalUri(req.rawPath())).append('\n');
    sb.append(canonicalQuery(req.rawQuery(), auth.presignedExpiresSeconds() != null)).append('\n');
    for (String name : auth.signedHeaders()) {
      sb.append(name)
          .append(':')
          .append(canonicalHeaderValue(req.headers().get(name)))
          .append('\n');
    }
    sb.append('\n').append(String.join(";", auth.signedHeaders())).append('\n');
    sb.append(payloadHash(req));
    return sb.toString();
  }

  private static String payloadHash(IncomingRequest req) {
    String actual = sha256Hex(req.body());
    String declared = req.header("x-amz-content-sha256");
    if (declared == null) {
      return actual;
    }
    // A declared hex digest that does not match the body is a tampered body; the signature covers
    // the header only.
    return declared.matches("[0-9a-fA-F]{64}") && !declared.equalsIgnoreCase(actual)
        ? actual + "-mismatch"
        : declared;
  }

  private static String canonicalHeaderValue(List<String> values) {
    if (values == null) {
      return "";
    }
    return values.stream()
        .map(v -> v.trim().replaceAll("\\s+", " "))
        .collect(Collectors.joining(","));
  }

  /**
   * Non-S3 services sign the path URI-encoded once more (each segment), after normalising empty
   * paths to "/".
   */
  private static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    StringBuilder sb = new StringBuilder();
    String[] segments = rawPath.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(uriEncode(segments[i]));
    }
    return sb.toString();
  }

  private static String canonicalQuery(String rawQuery, boolean presigned) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = percentDecode(eq < 0 ? part : part.substring(0, eq));
      String v = eq < 0 ? "" : percentDecode(part.substring(eq + 1));
      if (presigned && k.equals("X-Amz-Signature")) {
        continue;
      }
      pairs.add(new String[] {uriEncode(k), uriEncode(v)});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    return pairs.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
  }

  static Map<String, String> decodedQuery(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null) {
      return out;
    }
    for (String part : rawQuery.split("&")) {
      int eq = part.indexOf('=');
      if (!part.isEmpty()) {
        out.putIfAbsent(
            percentDecode(eq < 0 ? part : part.substring(0, eq)),
            eq < 0 ? "" : percentDecode(part.substring(eq + 1)));
      }
    }
    return out;
  }

  /**
   * RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX in upper
   * case.
   */
  static String uriEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        sb.append(c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Decodes %XX escapes only; '+' stays '+', as SigV4 canonicalisation requires. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  private static String fromHttpDate(String httpDate) {
    try {
      return AMZ_DATE.format(
          ZonedDateTime.parse(httpDate, DateTimeFormatter.RFC_1123_DATE_TIME)
              .withZoneSameInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
