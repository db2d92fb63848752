package dev.keyledger.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretBytesTest {
  private static final byte[] RAW =
      HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

  @Test
  void toStringRevealsOnlyTheSize() {
    SecretBytes secret = SecretBytes.copyOf(RAW);
    assertThat(secret.toString())
        .isEqualTo("SecretBytes[32 bytes]")
        .doesNotContain("0011")
        .doesNotContain("[0,");
    secret.destroy();
    assertThat(secret.toString()).isEqualTo("SecretBytes[32 bytes, destroyed]");
  }

  @Test
  void equalsIsIdentityAndContentComparisonIsExplicit() {
    SecretBytes a = SecretBytes.copyOf(RAW);
    SecretBytes b = SecretBytes.copyOf(RAW);
    assertThat(a).isNotEqualTo(b);
    assertThat(a.equalsConstantTime(b)).isTrue();
    assertThat(a.equalsConstantTime(a)).isTrue();
    byte[] other = RAW.clone();
    other[31] ^= 1;
    assertThat(a.equalsConstantTime(SecretBytes.copyOf(other))).isFalse();
    assertThat(a.equalsConstantTime(SecretBytes.copyOf(new byte[16]))).isFalse();
  }

  @Test
  void copiesInAndOut() {
    byte[] source = RAW.clone();
    SecretBytes secret = SecretBytes.copyOf(source);
    source[0] = 42;
    byte[] out = secret.toByteArray();
    assertThat(out).isEqualTo(RAW);
    out[1] = 42;
    assertThat(secret.toByteArray()).isEqualTo(RAW);
  }

  @Test
  void destroyZeroesAndForbidsFurtherUse() {
    SecretBytes secret = SecretBytes.copyOf(RAW);
    SecretBytes twin = SecretBytes.copyOf(RAW);
    secret.destroy();
    secret.destroy(); // idempotent
    assertThat(secret.isDestroyed()).isTrue();
    assertThat(secret.size()).isEqualTo(32);
    assertThatThrownBy(secret::toByteArray).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> secret.equalsConstantTime(twin))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> twin.equalsConstantTime(secret))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(secret::ciphers).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void emptySecretsAreRefused() {
    assertThatThrownBy(() -> SecretBytes.copyOf(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void newAes256KeysAre32RandomBytes() {
    SecretBytes a = TestKeys.newAes256();
    SecretBytes b = TestKeys.newAes256();
    assertThat(a.size()).isEqualTo(32);
    assertThat(a.equalsConstantTime(b)).isFalse();
  }
}
