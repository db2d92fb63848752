package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /console/} at the HTTP tier: the console's files from the jar, each answer (errors too)
 * with the strict security headers, and a page that works under its own policy (no inline code).
 */
class ConsoleRoutesTest {

  private static final List<String> FILES =
      List.of("/console/", "/console/console.js", "/console/console.css");
  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws IOException {
    edge = new EdgeFixture();
  }

  @AfterAll
  static void stop() {
    edge.close();
  }

  @Test
  void servesThePageAndItsFilesWithoutATokenAndWithTheirTypes() {
    edge.http(
        http -> {
          EdgeFixture.Reply page = http.get("/console/", null);
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.header("Content-Type")).startsWith("text/html");
          assertThat(page.text()).contains("<title>KeyLedger console</title>");
          assertThat(http.get("/console/console.js", null).header("Content-Type"))
              .startsWith("text/javascript");
          assertThat(http.get("/console/console.css", null).header("Content-Type"))
              .startsWith("text/css");
        });
  }

  @Test
  void consoleWithoutTheSlashIsSentToTheSlash() {
    edge.http(
        http -> {
          EdgeFixture.Reply redirect = http.get("/console", null);
          assertThat(redirect.status()).isEqualTo(301);
          assertThat(redirect.header("Location")).isEqualTo("/console/");
        });
  }

  @Test
  void everyAnswerCarriesTheStrictPolicyAndNoSniffNoReferrer() {
    edge.http(
        http -> {
          for (String path :
              List.of(
                  "/console/",
                  "/console",
                  "/console/console.js",
                  "/console/console.css",
                  "/console/missing.js")) {
            EdgeFixture.Reply reply = http.get(path, null);
            String policy = reply.header("Content-Security-Policy");
            assertThat(policy)
                .as(path)
                .contains("default-src 'self'")
                .contains("script-src 'self'")
                .contains("style-src 'self'")
                .contains("connect-src 'self'")
                .contains("frame-ancestors 'none'")
                .contains("base-uri 'none'")
                .contains("form-action 'self'")
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
            assertThat(reply.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(reply.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
          }
        });
  }

  @Test
  void unknownFilesAndPathsOutsideTheConsoleAreNotFound() {
    edge.http(
        http -> {
          http.get("/console/missing.js", null).assertError(404, "not_found");
          http.get("/console/..%2Fapplication.conf", null).assertError(404, "not_found");
          http.get("/console/logback.xml", null).assertError(404, "not_found");
          http.post("/console/", null, "{}").assertError(405, "method_not_allowed");
        });
  }

  @Test
  void thePageRunsUnderItsPolicyAndKeepsTheTokenOutOfLocalStorageAndUrls() {
    edge.http(
        http -> {
          String page = http.get("/console/", null).text();
          assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(page).find())
              .as("no inline script")
              .isFalse();
          assertThat(page).doesNotContain("<style").doesNotContain(" style=");
          assertThat(Pattern.compile("\\son[a-z]+=").matcher(page).find())
              .as("no inline event handlers")
              .isFalse();
          for (String file : FILES) {
            String text = http.get(file, null).text();
            assertThat(text).as(file).doesNotContain("localStorage").doesNotContain("eval(");
          }
          assertThat(http.get("/console/console.js", null).text())
              .contains("'Bearer ' + state.token")
              .doesNotContain("?token=")
              .doesNotContain("access_token=");
        });
  }
}
