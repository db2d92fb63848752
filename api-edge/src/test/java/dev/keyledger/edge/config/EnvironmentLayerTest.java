package dev.keyledger.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentLayerTest {

  @Test
  void stripsThePrefixLowerCasesAndTurnsUnderscoresIntoDots() {
    assertThat(EnvironmentLayer.keyOf("KEYLEDGER_HTTP_PORT")).isEqualTo("http.port");
    assertThat(EnvironmentLayer.keyOf("KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS"))
        .isEqualTo("kafka.bootstrap.servers");
    assertThat(EnvironmentLayer.keyOf("KEYLEDGER_RATELIMIT_KEYS_CREATE"))
        .isEqualTo("ratelimit.keys.create");
  }

  @Test
  void readsOnlyPrefixedVariables() {
    assertThat(
            EnvironmentLayer.read(
                Map.of(
                    "KEYLEDGER_HTTP_PORT",
                    "1",
                    "HOME",
                    "/root",
                    "KAFKA_HEAP_OPTS",
                    "-Xmx1g",
                    "keyledger_x",
                    "y")))
        .containsExactly(new Setting("http.port", "1", Layer.ENVIRONMENT, "KEYLEDGER_HTTP_PORT"));
  }

  @Test
  void twoVariablesForOneKeyConflict() {
    assertThatThrownBy(
            () ->
                EnvironmentLayer.read(
                    Map.of("KEYLEDGER_HTTP_PORT", "1", "KEYLEDGER_http_port", "2")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "environment variables KEYLEDGER_HTTP_PORT and KEYLEDGER_http_port both set http.port; keep one");
  }
}
