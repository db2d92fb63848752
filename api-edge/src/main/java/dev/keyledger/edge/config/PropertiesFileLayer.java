package dev.keyledger.edge.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Reads a Java {@code .properties} file (UTF-8) as settings; values are stripped of surrounding
 * blanks.
 */
public final class PropertiesFileLayer {

  private PropertiesFileLayer() {}

  /**
   * @throws ConfigException if the file is missing, unreadable or malformed
   */
  public static List<Setting> read(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + ": not found");
    } catch (IOException e) {
      throw new ConfigException(
          "config file " + file + ": cannot be read (" + e.getMessage() + ")");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "config file " + file + ": not a properties file (" + e.getMessage() + ")");
    }
    List<Setting> settings = new ArrayList<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      settings.add(
          new Setting(
              key.strip(), properties.getProperty(key).strip(), Layer.FILE, file.toString()));
    }
    return settings;
  }
}
