package dev.keyledger.application.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A stable id per data dir: it names the edge's transactional producer, so a restart fences its
 * predecessor.
 */
final class InstanceId {

  private InstanceId() {}

  static String loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve("instance-id");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    Files.createDirectories(dataDir);
    String id = UUID.randomUUID().toString();
    Path tmp = Files.createTempFile(dataDir, "instance-id", ".tmp");
    Files.writeString(tmp, id, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return id;
  }
}
