package dev.keyledger.localkms.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.keyledger.localkms.CallLog;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single HTTP entry point: admin endpoint, then faults, then SigV4 authentication, then the
 * service handler chosen by the credential scope ({@code kms}, {@code sts}, {@code iam}); every
 * failure is answered in that service's error dialect. Never logs bodies, secrets or key material.
 */
public final class RequestDispatcher implements HttpHandler {
  /** Bound on request bodies; the largest legitimate KMS request is far smaller. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KMS_TARGET_PREFIX = "TrentService.";

  private final SigV4Verifier verifier;
  private final CredentialStore credentials;
  private final KmsHandler kms;
  private final StsHandler sts;
  private final IamHandler iam;
  private final FaultGate faults;
  private final CallLog calls;
  private final FaultAdminHandler admin;
  private final java.time.Clock clock;

  public RequestDispatcher(
      SigV4Verifier verifier,
      CredentialStore credentials,
      KmsHandler kms,
      StsHandler sts,
      IamHandler iam,
      FaultGate faults,
      CallLog calls,
      java.time.Clock clock) {
    this.clock = clock;
    this.verifier = verifier;
    this.credentials = credentials;
    this.kms = kms;
    this.sts = sts;
    this.iam = iam;
    this.faults = faults;
    this.calls = calls;
    this.admin = new FaultAdminHandler(faults);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (ex.getRequestURI().getRawPath().startsWith("/_localkms/")) {
        admin.handle(ex);
        return;
      }
      if (faults.refuseConnections()) {
        LOG.debug("refusing a request from {} (fault refuse_connections)", ex.getRemoteAddress());
        return; // closing the exchange before any response closes the connection
      }
      try {
        faults.holdIfNeeded();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (faults.refuseConnections()) {
        return; // switched on while this request was held by hang or latency
      }
      serve(ex);
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    String requestId = UUID.randomUUID().toString();
    byte[] body = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
    IncomingRequest req =
        new IncomingRequest(
            ex.getRequestMethod(),
            ex.getRequestURI().getRawPath(),
            ex.getRequestURI().getRawQuery(),
            lowerCaseHeaders(ex),
            body);
    Service service = guessService(req);
    String operation = "?";
    String who = "-";
    try {
      Optional<SigV4Verifier.Auth> auth;
      try {
        auth = SigV4Verifier.parse(req);
      } catch (IllegalArgumentException e) {
        throw AwsErrors.incompleteSignature(service, e.getMessage());
      }
      if (auth.isPresent()) {
        String scopeService = auth.get().service();
        service =
            Service.fromScopeName(scopeService)
                .orElseThrow(
                    () ->
                        AwsErrors.unknownOperation(
                            guessService(req), "for service '" + scopeService + "'"));
      }
      if (body.length > MAX_BODY_BYTES) {
        throw AwsErrors.requestTooLarge(service, MAX_BODY_BYTES);
      }
      Map<String, String> params =
          service.usesQueryProtocol() ? queryParams(req, service) : Map.of();
      operation =
          service.usesQueryProtocol() ? params.getOrDefault("Action", "") : kmsOperation(req);
      calls.record(service.scopeName(), operation);
      if (faults.takeThrottle(operation)) {
        throw AwsErrors.throttled(service);
      }
      Principal caller = authenticate(req, auth.orElseThrow(missingAuth(service)), service);
      who = caller.arn();
      String region = auth.get().region();
      if (service == Service.KMS) {
        ObjectNode out = kms.handle(operation, kmsBody(body), caller, region);
        send(ex, 200, "application/x-amz-json-1.1", JSON.writeValueAsBytes(out), requestId);
      } else {
        QueryXml result =
            service == Service.STS
                ? sts.handle(operation, params, caller)
                : iam.handle(operation, params, caller);
        send(
            ex,
            200,
            "text/xml",
            QueryXml.response(service, operation, result, requestId)
                .getBytes(StandardCharsets.UTF_8),
            requestId);
      }
      LOG.debug("{} {} by {} -> 200", service.scopeName(), operation, who);
    } catch (AwsException e) {
      LOG.debug("{} {} by {} -> {} {}", service.scopeName(), operation, who, e.status(), e.code());
      sendError(ex, service, e, requestId);
    } catch (RuntimeException e) {
      LOG.error(
          "{} {} by {} failed unexpectedly (request {})",
          service.scopeName(),
          operation,
          who,
          requestId,
          e);
      sendError(ex, service, AwsErrors.internal(service), requestId);
    }
  }

  private Principal authenticate(IncomingRequest req, SigV4Verifier.Auth auth, Service service) {
    CredentialStore.Entry entry =
        credentials
            .lookup(auth.accessKeyId())
            .orElseThrow(() -> AwsErrors.unrecognizedClient(service));
    if (entry.sessionToken() == null) {
      if (auth.securityToken() != null) {
        throw AwsErrors.unrecognizedClient(service);
      }
    } else {
      if (auth.securityToken() == null
          || !entry.sessionToken().equals(new Secret(auth.securityToken()))) {
        throw AwsErrors.unrecognizedClient(service);
      }
      if (entry.expiration().isBefore(clock.instant())) {
        throw AwsErrors.expiredToken(service);
      }
    }
    verifier.verify(req, auth, entry.secretAccessKey(), service);
    return entry.principal();
  }

  private static java.util.function.Supplier<AwsException> missingAuth(Service service) {
    return () -> AwsErrors.missingAuthentication(service);
  }

  private static String kmsOperation(IncomingRequest req) {
    String target = req.header("x-amz-target");
    if (target == null || !target.startsWith(KMS_TARGET_PREFIX)) {
      throw AwsErrors.unknownOperation(Service.KMS, target == null ? "(no X-Amz-Target)" : target);
    }
    return target.substring(KMS_TARGET_PREFIX.length());
  }

  private static JsonNode kmsBody(byte[] body) {
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw AwsErrors.serialization("Request body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw AwsErrors.serialization("Request body is not valid JSON");
    }
  }

  /** Form body parameters plus URL query parameters (the Query protocol accepts both). */
  private static Map<String, String> queryParams(IncomingRequest req, Service service) {
    Map<String, String> params = new LinkedHashMap<>();
    addForm(params, req.rawQuery(), service);
    String contentType = req.header("content-type");
    if (contentType == null
        || contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      addForm(params, new String(req.body(), StandardCharsets.UTF_8), service);
    }
    return params;
  }

  private static void addForm(Map<String, String> params, String form, Service service) {
    if (form == null || form.isEmpty()) {
      return;
    }
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.put(k, v);
      } catch (IllegalArgumentException e) {
        throw AwsErrors.validation(service, "Malformed form parameter");
      }
    }
  }

  /** The dialect to answer in before the credential scope has been read. */
  private static Service guessService(IncomingRequest req) {
    if (req.header("x-amz-target") != null) {
      return Service.KMS;
    }
    String text =
        (req.rawQuery() == null ? "" : req.rawQuery())
            + "&"
            + new String(req.body(), StandardCharsets.UTF_8);
    if (text.contains("Version=2010-05-08")) {
      return Service.IAM;
    }
    return text.contains("Action=") ? Service.STS : Service.KMS;
  }

  private static Map<String, List<String>> lowerCaseHeaders(HttpExchange ex) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    ex.getRequestHeaders()
        .forEach(
            (k, v) ->
                out.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new java.util.ArrayList<>())
                    .addAll(v));
    return out;
  }

  private static void sendError(HttpExchange ex, Service service, AwsException e, String requestId)
      throws IOException {
    if (service == Service.KMS) {
      ObjectNode body = JSON.createObjectNode().put("__type", e.code());
      if (e.getMessage() != null) {
        body.put("message", e.getMessage());
      }
      send(ex, e.status(), "application/x-amz-json-1.1", JSON.writeValueAsBytes(body), requestId);
    } else {
      send(
          ex,
          e.status(),
          "text/xml",
          QueryXml.error(service, e, requestId).getBytes(StandardCharsets.UTF_8),
          requestId);
    }
  }

  private static void send(
      HttpExchange ex, int status, String contentType, byte[] body, String requestId)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("x-amzn-RequestId", requestId);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }
}
