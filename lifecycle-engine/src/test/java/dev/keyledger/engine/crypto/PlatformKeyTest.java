package dev.keyledger.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.envelope.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformKeyTest {
  @TempDir Path dir;

  @Test
  void createsAnOwnerOnlyKeyFileWhenAbsentAndReloadsTheSameKey() throws Exception {
    Path dataDir = dir.resolve("keyledger-data");
    SecretBytes created = PlatformKey.loadOrCreate(dataDir);
    Path file = dataDir.resolve(PlatformKey.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(created.size()).isEqualTo(32);
    assertThat(PlatformKey.loadOrCreate(dataDir).equalsConstantTime(created)).isTrue();
    assertThat(PlatformKey.load(file).equalsConstantTime(created)).isTrue();
  }

  @Test
  void aReloadedKeyUnwrapsWhatTheCreatedOneWrapped() throws Exception {
    WrapContext ctx = new WrapContext("t", "tmk", 1, WrapContext.Purpose.TMK);
    SecretBytes tmk = Keys.newAes256();
    byte[] wrapped = PlatformKeyWrapper.create(PlatformKey.loadOrCreate(dir)).wrap(tmk, ctx);
    assertThat(
            PlatformKeyWrapper.create(PlatformKey.loadOrCreate(dir))
                .unwrap(wrapped, ctx)
                .equalsConstantTime(tmk))
        .isTrue();
  }

  @Test
  void fromBase64AcceptsExactly32Bytes() {
    byte[] raw = new byte[32];
    raw[0] = 7;
    String encoded = Base64.getEncoder().encodeToString(raw);
    assertThat(
            PlatformKey.fromBase64(" " + encoded + "\n")
                .equalsConstantTime(SecretBytes.copyOf(raw)))
        .isTrue();
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> PlatformKey.fromBase64(short16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes")
        .hasMessageNotContaining(short16);
  }

  @Test
  void invalidBase64NeverEchoesTheInput() {
    assertThatThrownBy(() -> PlatformKey.fromBase64("s3cr3t-not-base64!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("platform key is not valid base64")
        .hasNoCause();
  }

  @Test
  void aKeyFileOthersCanReadIsRefused() throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(
        file, Base64.getEncoder().encodeToString(new byte[32]), StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> PlatformKey.load(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chmod 600");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(PlatformKey.load(file).size()).isEqualTo(32);
  }

  @Test
  void aCorruptKeyFileIsAnIoErrorWithoutItsContent() throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, "c2VjcmV0", StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> PlatformKey.load(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("32 bytes")
        .hasMessageNotContaining("c2VjcmV0");
  }
}
