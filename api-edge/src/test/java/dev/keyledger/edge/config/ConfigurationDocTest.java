package dev.keyledger.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key with its real default. */
class ConfigurationDocTest {

  @Test
  void everyKeyAndDefaultIsInTheKeyTable() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));

    for (ConfigKey key : ConfigKey.values()) {
      String row = "| `" + key.key() + "` | ";
      assertThat(doc)
          .contains(key.defaultValue().map(value -> row + "`" + value + "`").orElse(row));
    }
    ConfigLayers.defaults().effective().values().stream()
        .filter(s -> s.key().startsWith(ConfigKey.RATELIMIT_PREFIX))
        .forEach(s -> assertThat(doc).contains("| `" + s.key() + "` | `" + s.value() + "` |"));
  }
}
