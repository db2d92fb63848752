package dev.keyledger.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeysTest {

  private static final Principal ALICE = new Principal("alice", "acme", Set.of(Role.ADMIN));

  @TempDir Path dataDir;

  @Test
  void sameDataDirGivesTheSameKey() throws IOException {
    String token =
        new TokenIssuer(JwtKeys.loadOrCreate(dataDir), Clock.systemUTC()).issueAccess(ALICE);

    JwtKeys reloaded = JwtKeys.loadOrCreate(dataDir);

    assertThat(HmacTokenVerifier.forDev(reloaded, Clock.systemUTC()).verifyAccess(token))
        .isEqualTo(ALICE);
  }

  @Test
  void otherDataDirGivesAnotherKey(@TempDir Path otherDir) throws IOException {
    String token =
        new TokenIssuer(JwtKeys.loadOrCreate(dataDir), Clock.systemUTC()).issueAccess(ALICE);

    TokenVerifier other =
        HmacTokenVerifier.forDev(JwtKeys.loadOrCreate(otherDir), Clock.systemUTC());

    TokenVerifierTest.assertCode(() -> other.verify(token), AuthError.INVALID_TOKEN);
  }

  @Test
  void secretIsPrivateToTheOwner() throws IOException {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX file system");

    JwtKeys.loadOrCreate(dataDir);

    Path dir = dataDir.resolve("secrets");
    Path file = dir.resolve("jwt-hs256.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (Stream<Path> entries = Files.list(dir)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void widePermissionsAreNarrowedOnLoad() throws IOException {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "POSIX file system");
    JwtKeys.loadOrCreate(dataDir);
    Path file = dataDir.resolve("secrets/jwt-hs256.key");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    JwtKeys.loadOrCreate(dataDir);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void fileHoldsThirtyTwoRandomBytesInBase64() throws IOException {
    JwtKeys.loadOrCreate(dataDir);

    String content = Files.readString(dataDir.resolve("secrets/jwt-hs256.key")).strip();

    assertThat(Base64.getDecoder().decode(content)).hasSize(32);
  }

  @Test
  void shortOrCorruptFileIsRefused() throws IOException {
    JwtKeys.loadOrCreate(dataDir);
    Path file = dataDir.resolve("secrets/jwt-hs256.key");

    Files.writeString(file, "c2hvcnQ=\n");
    assertThatThrownBy(() -> JwtKeys.loadOrCreate(dataDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("fewer than 32");
    Files.writeString(file, "%%%not base64%%%\n");
    assertThatThrownBy(() -> JwtKeys.loadOrCreate(dataDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not base64");
  }

  @Test
  void toStringShowsNoKeyMaterial() throws IOException {
    JwtKeys keys = JwtKeys.loadOrCreate(dataDir);
    String secret = Files.readString(dataDir.resolve("secrets/jwt-hs256.key")).strip();

    assertThat(keys.toString()).doesNotContain(secret).contains("hidden");
    assertThatThrownBy(() -> JwtKeys.of(new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }
}
