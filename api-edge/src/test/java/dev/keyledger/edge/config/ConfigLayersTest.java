package dev.keyledger.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLayersTest {

  @TempDir Path dir;

  private Path file(String... lines) throws IOException {
    Path file = dir.resolve("keyledger.properties");
    Files.write(file, List.of(lines));
    return file;
  }

  private static Setting effective(ConfigLayers layers, String key) {
    return layers.effective().get(key);
  }

  @Test
  void defaultsAloneGiveTheBuiltInValues() {
    ConfigLayers layers = ConfigLayers.defaults();

    assertThat(effective(layers, "http.port")).isEqualTo(Setting.ofDefault("http.port", "8080"));
    assertThat(effective(layers, "topic.replication.factor").value()).isEqualTo("3");
    assertThat(effective(layers, "ratelimit.keys.create").value()).isEqualTo("5/1h");
    assertThat(layers.effective()).doesNotContainKey("kms.endpoint");
  }

  @Test
  void fileOverridesDefault() throws IOException {
    Setting port = effective(ConfigLayers.defaults().withFile(file("http.port=9000")), "http.port");

    assertThat(port.value()).isEqualTo("9000");
    assertThat(port.source()).isEqualTo("from file " + dir.resolve("keyledger.properties"));
  }

  @Test
  void environmentOverridesDefault() {
    Setting port =
        effective(
            ConfigLayers.defaults().withEnvironment(Map.of("KEYLEDGER_HTTP_PORT", "9001")),
            "http.port");

    assertThat(port.value()).isEqualTo("9001");
    assertThat(port.source()).isEqualTo("from environment KEYLEDGER_HTTP_PORT");
  }

  @Test
  void flagOverridesDefault() {
    Setting port =
        effective(
            ConfigLayers.defaults()
                .withFlags(List.of(Setting.flag("http.port", "9002", "--http-port"))),
            "http.port");

    assertThat(port.value()).isEqualTo("9002");
    assertThat(port.source()).isEqualTo("from flag --http-port");
  }

  @Test
  void environmentOverridesFile() throws IOException {
    ConfigLayers layers =
        ConfigLayers.defaults()
            .withFile(file("http.port=9000", "http.host=10.0.0.1"))
            .withEnvironment(Map.of("KEYLEDGER_HTTP_PORT", "9001"));

    assertThat(effective(layers, "http.port").value()).isEqualTo("9001");
    assertThat(effective(layers, "http.host").layer()).isEqualTo(Layer.FILE);
  }

  @Test
  void flagOverridesFile() throws IOException {
    ConfigLayers layers =
        ConfigLayers.defaults()
            .withFile(file("data.dir=/var/lib/a"))
            .withFlags(List.of(Setting.flag("data.dir", "/var/lib/b", "--data-dir")));

    assertThat(effective(layers, "data.dir"))
        .isEqualTo(Setting.flag("data.dir", "/var/lib/b", "--data-dir"));
  }

  @Test
  void flagOverridesEnvironment() {
    ConfigLayers layers =
        ConfigLayers.defaults()
            .withEnvironment(Map.of("KEYLEDGER_KEYS_BYOK_TTL", "2m"))
            .withFlags(List.of(Setting.flag("keys.byok.ttl", "1m", "--set")));

    assertThat(effective(layers, "keys.byok.ttl").value()).isEqualTo("1m");
  }

  @Test
  void allFourLayersEachWinWhereTheyAreTheHighest() throws IOException {
    ConfigLayers layers =
        ConfigLayers.defaults()
            .withFile(file("http.port=1", "http.host=file-host", "application.id=from-file"))
            .withEnvironment(Map.of("KEYLEDGER_HTTP_PORT", "2", "KEYLEDGER_HTTP_HOST", "env-host"))
            .withFlags(List.of(Setting.flag("http.port", "3", "--http-port")));

    assertThat(effective(layers, "http.port").layer()).isEqualTo(Layer.FLAG);
    assertThat(effective(layers, "http.host").layer()).isEqualTo(Layer.ENVIRONMENT);
    assertThat(effective(layers, "application.id").layer()).isEqualTo(Layer.FILE);
    assertThat(effective(layers, "topic.prefix").layer()).isEqualTo(Layer.DEFAULT);
  }

  @Test
  void layersMustBeAddedInPrecedenceOrder() {
    ConfigLayers withFlags = ConfigLayers.defaults().withFlags(List.of());

    assertThatThrownBy(() -> withFlags.withEnvironment(Map.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void kafkaSettingsPassThroughFromFileAndEnvironmentUnchecked() throws IOException {
    ConfigLayers layers =
        ConfigLayers.defaults()
            .withFile(file("kafka.bootstrap.servers=b1:9092", "kafka.whatever.future.setting=x"))
            .withEnvironment(Map.of("KEYLEDGER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));

    assertThat(layers.effective())
        .containsKeys(
            "kafka.bootstrap.servers", "kafka.whatever.future.setting", "kafka.security.protocol");
  }

  @Test
  void unknownKeyInFileIsRejectedWithLayerAndSuggestion() throws IOException {
    Path file = file("http.prot=9000");

    assertThatThrownBy(() -> ConfigLayers.defaults().withFile(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "http.prot=9000 (from file " + file + "): unknown key; did you mean http.port?");
  }

  @Test
  void unknownKeyInEnvironmentIsRejected() {
    assertThatThrownBy(
            () -> ConfigLayers.defaults().withEnvironment(Map.of("KEYLEDGER_HTTP_PROT", "1")))
        .hasMessage(
            "http.prot=1 (from environment KEYLEDGER_HTTP_PROT): unknown key; did you mean http.port?");
  }

  @Test
  void unknownRateLimitNameIsRejected() {
    assertThatThrownBy(
            () ->
                ConfigLayers.defaults()
                    .withFlags(List.of(Setting.flag("ratelimit.keys.craete", "1/1h", "--set"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "ratelimit.keys.craete=1/1h (from flag --set): unknown key; rate limits are ratelimit.audit,");
  }

  @Test
  void twoFlagsGivingOneKeyDifferentValuesConflict() {
    assertThatThrownBy(
            () ->
                ConfigLayers.defaults()
                    .withFlags(
                        List.of(
                            Setting.flag("http.port", "1", "--http-port"),
                            Setting.flag("http.port", "2", "--set"))))
        .hasMessage(
            "conflicting flags: http.port=1 (from flag --http-port) and http.port=2 (from flag --set); give one");
  }

  @Test
  void missingFileIsOneLine() {
    Path missing = dir.resolve("nope.properties");

    assertThatThrownBy(() -> ConfigLayers.defaults().withFile(missing))
        .hasMessage("config file " + missing + ": not found");
  }
}
