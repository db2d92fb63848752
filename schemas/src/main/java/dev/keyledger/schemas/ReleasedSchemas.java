package dev.keyledger.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * Every released version of {@code keyledger.avsc}, kept as resources so that records written by
 * any earlier release can still be read. A new release adds a file here; none is ever edited.
 */
public final class ReleasedSchemas {

  /** Resource names, oldest first. */
  static final List<String> VERSIONS =
      List.of(
          "keyledger-v1.avsc",
          "keyledger-v2.avsc",
          "keyledger-v3.avsc",
          "keyledger-v4.avsc",
          "keyledger-v5.avsc",
          "keyledger-v6.avsc",
          "keyledger-v7.avsc");

  private static final String DIR = "/dev/keyledger/schemas/released/";

  private ReleasedSchemas() {}

  /** One parsed file per released version, each a map from full record name to schema. */
  public static List<Map<String, Schema>> all() {
    List<Map<String, Schema>> versions = new ArrayList<>();
    for (String version : VERSIONS) {
      versions.add(parse(version));
    }
    return versions;
  }

  /** The named record as each released version wrote it (versions that lack it are skipped). */
  public static List<Schema> versionsOf(String fullName) {
    List<Schema> found = new ArrayList<>();
    for (Map<String, Schema> version : all()) {
      Optional.ofNullable(version.get(fullName)).ifPresent(found::add);
    }
    return found;
  }

  static Map<String, Schema> parse(String resource) {
    try (InputStream in = ReleasedSchemas.class.getResourceAsStream(DIR + resource)) {
      if (in == null) {
        throw new IllegalStateException("released schema missing from the jar: " + resource);
      }
      Schema.Parser parser = new Schema.Parser();
      parser.parse(in);
      return parser.getTypes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
