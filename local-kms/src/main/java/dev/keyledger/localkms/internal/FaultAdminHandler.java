package dev.keyledger.localkms.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.sun.net.httpserver.HttpExchange;
import dev.keyledger.localkms.FaultSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unsigned admin endpoint {@code /_localkms/faults}: {@code GET} shows the current {@link
 * FaultSpec}, {@code POST} replaces it with the JSON body, {@code DELETE} clears it. Every answer
 * is the state after the call.
 */
public final class FaultAdminHandler {
  public static final String PATH = "/_localkms/faults";
  private static final Logger LOG = LoggerFactory.getLogger(FaultAdminHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 16 * 1024;

  private final FaultGate gate;

  public FaultAdminHandler(FaultGate gate) {
    this.gate = gate;
  }

  public void handle(HttpExchange ex) throws IOException {
    if (!PATH.equals(ex.getRequestURI().getPath())) {
      send(ex, 404, "{\"message\":\"unknown admin path; use " + PATH + "\"}");
      return;
    }
    switch (ex.getRequestMethod()) {
      case "GET" -> send(ex, 200, JSON.writeValueAsString(gate.current()));
      case "DELETE" -> {
        gate.set(FaultSpec.none());
        LOG.info("faults cleared");
        send(ex, 200, JSON.writeValueAsString(gate.current()));
      }
      case "POST", "PUT" -> {
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
          send(ex, 413, "{\"message\":\"body larger than " + MAX_BODY + " bytes\"}");
          return;
        }
        FaultSpec spec;
        try {
          spec = body.length == 0 ? FaultSpec.none() : JSON.readValue(body, FaultSpec.class);
        } catch (ValueInstantiationException e) {
          send(
              ex,
              400,
              JSON.createObjectNode()
                  .put(
                      "message",
                      e.getCause() == null ? e.getOriginalMessage() : e.getCause().getMessage())
                  .toString());
          return;
        } catch (JsonProcessingException e) {
          send(
              ex,
              400,
              JSON.createObjectNode()
                  .put("message", "invalid fault spec: " + e.getOriginalMessage())
                  .toString());
          return;
        }
        gate.set(spec);
        LOG.info("faults set: {}", spec);
        send(ex, 200, JSON.writeValueAsString(gate.current()));
      }
      default -> send(ex, 405, "{\"message\":\"use GET, POST or DELETE\"}");
    }
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }
}
