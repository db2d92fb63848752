package dev.keyledger.localkms.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The emulator's persisted state: one JSON file, {@code local-kms-state.json}, in the data
 * directory, replaced atomically (write a temp file in the same directory, then rename) so a crash
 * never leaves a half-written file. It holds key material in clear: this is an emulator, not a
 * vault.
 */
public final class StateFile {

  /** Everything that survives a restart. */
  public record Snapshot(
      int formatVersion,
      List<KmsKey> keys,
      List<KmsAlias> aliases,
      List<IamRole> roles,
      List<SessionCredentials> sessions) {}

  static final String FILE_NAME = "local-kms-state.json";
  private static final int FORMAT_VERSION = 1;

  private final Path file;
  private final ObjectMapper json;

  public StateFile(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    this.file = dataDir.resolve(FILE_NAME);
    SimpleModule instants = new SimpleModule("instants");
    instants.addSerializer(
        Instant.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(value.toString());
          }
        });
    instants.addDeserializer(
        Instant.class,
        new JsonDeserializer<>() {
          @Override
          public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return Instant.parse(p.getValueAsString());
          }
        });
    this.json =
        new ObjectMapper()
            .registerModule(instants)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  public Optional<Snapshot> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Snapshot s = json.readValue(file.toFile(), Snapshot.class);
    if (s.formatVersion() != FORMAT_VERSION) {
      throw new IOException(
          file
              + " has state format "
              + s.formatVersion()
              + "; this local-kms reads "
              + FORMAT_VERSION);
    }
    return Optional.of(s);
  }

  public synchronized void save(
      List<KmsKey> keys,
      List<KmsAlias> aliases,
      List<IamRole> roles,
      List<SessionCredentials> sessions) {
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      json.writerWithDefaultPrettyPrinter()
          .writeValue(tmp.toFile(), new Snapshot(FORMAT_VERSION, keys, aliases, roles, sessions));
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
