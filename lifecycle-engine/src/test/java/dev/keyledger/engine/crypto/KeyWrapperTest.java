package dev.keyledger.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.engine.crypto.WrapContext.Purpose;
import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class KeyWrapperTest {
  private static final WrapContext DEK_CTX = new WrapContext("tenant-a", "dek-1", 1, Purpose.DEK);
  private static final WrapContext TMK_CTX = new WrapContext("tenant-a", "tmk", 2, Purpose.TMK);
  private final SecretBytes tmk = Keys.newAes256();
  private final TmkKeyWrapper tmkV1 = TmkKeyWrapper.create("tenant-a", 1, tmk);

  private static void assertInvalidWrappedKey(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isExactlyInstanceOf(GeneralSecurityException.class)
        .hasMessage("invalid wrapped key")
        .hasNoCause();
  }

  @Test
  void tmkWrapsAndUnwrapsADek() throws Exception {
    SecretBytes dek = Keys.newAes256();
    byte[] wrapped = tmkV1.wrap(dek, DEK_CTX);
    assertThat(wrapped).hasSize(61);
    assertThat(wrapped[0]).isEqualTo((byte) 1);
    SecretBytes unwrapped = tmkV1.unwrap(wrapped, DEK_CTX);
    assertThat(unwrapped).isNotSameAs(dek);
    assertThat(unwrapped.equalsConstantTime(dek)).isTrue();
    assertThat(dek.isDestroyed()).isFalse();
  }

  @Test
  void wrappingTwiceGivesDifferentBytes() throws Exception {
    SecretBytes dek = Keys.newAes256();
    assertThat(tmkV1.wrap(dek, DEK_CTX)).isNotEqualTo(tmkV1.wrap(dek, DEK_CTX));
  }

  @Test
  void unwrapWithAnyOtherContextFails() throws Exception {
    byte[] wrapped = tmkV1.wrap(Keys.newAes256(), DEK_CTX);
    assertInvalidWrappedKey(
        () -> tmkV1.unwrap(wrapped, new WrapContext("tenant-a", "dek-2", 1, Purpose.DEK)));
    assertInvalidWrappedKey(
        () -> tmkV1.unwrap(wrapped, new WrapContext("tenant-a", "dek-1", 2, Purpose.DEK)));
    assertInvalidWrappedKey(
        () -> tmkV1.unwrap(wrapped, new WrapContext("tenant-b", "dek-1", 1, Purpose.DEK)));
    assertInvalidWrappedKey(
        () -> tmkV1.unwrap(wrapped, new WrapContext("tenant-a", "dek-1", 1, Purpose.TMK)));
    TmkKeyWrapper sameKeyTenantB = TmkKeyWrapper.create("tenant-b", 1, tmk);
    assertInvalidWrappedKey(
        () -> sameKeyTenantB.unwrap(wrapped, new WrapContext("tenant-b", "dek-1", 1, Purpose.DEK)));
  }

  @Test
  void unwrapByAnotherTmkOrTmkVersionFails() throws Exception {
    byte[] wrapped = tmkV1.wrap(Keys.newAes256(), DEK_CTX);
    assertInvalidWrappedKey(
        () -> TmkKeyWrapper.create("tenant-a", 1, Keys.newAes256()).unwrap(wrapped, DEK_CTX));
    assertInvalidWrappedKey(
        () -> TmkKeyWrapper.create("tenant-a", 2, tmk).unwrap(wrapped, DEK_CTX));
  }

  @Test
  void anyAlteredByteOrLengthFails() throws Exception {
    byte[] wrapped = tmkV1.wrap(Keys.newAes256(), DEK_CTX);
    for (int i = 0; i < wrapped.length; i++) {
      byte[] bad = wrapped.clone();
      bad[i] ^= 0x01;
      assertInvalidWrappedKey(() -> tmkV1.unwrap(bad, DEK_CTX));
    }
    assertInvalidWrappedKey(() -> tmkV1.unwrap(Arrays.copyOf(wrapped, 60), DEK_CTX));
    assertInvalidWrappedKey(() -> tmkV1.unwrap(Arrays.copyOf(wrapped, 62), DEK_CTX));
    assertInvalidWrappedKey(() -> tmkV1.unwrap(null, DEK_CTX));
  }

  @Test
  void aTmkWrapsOnlyItsOwnTenantsDeks() {
    assertThatThrownBy(() -> tmkV1.wrap(Keys.newAes256(), TMK_CTX))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                tmkV1.wrap(Keys.newAes256(), new WrapContext("tenant-b", "dek-1", 1, Purpose.DEK)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tmkV1.wrap(SecretBytes.copyOf(new byte[16]), DEK_CTX))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void platformKeyWrapsTmksOnly() throws Exception {
    PlatformKeyWrapper platform = PlatformKeyWrapper.create(Keys.newAes256());
    SecretBytes tmkV2 = Keys.newAes256();
    byte[] wrapped = platform.wrap(tmkV2, TMK_CTX);
    assertThat(platform.unwrap(wrapped, TMK_CTX).equalsConstantTime(tmkV2)).isTrue();
    assertInvalidWrappedKey(
        () -> platform.unwrap(wrapped, new WrapContext("tenant-a", "tmk", 3, Purpose.TMK)));
    assertInvalidWrappedKey(
        () -> PlatformKeyWrapper.create(Keys.newAes256()).unwrap(wrapped, TMK_CTX));
    assertThatThrownBy(() -> platform.wrap(tmkV2, DEK_CTX))
        .isInstanceOf(IllegalArgumentException.class);
    assertInvalidWrappedKey(() -> platform.unwrap(wrapped, DEK_CTX));
  }

  @Test
  void aKeyWrappedByTheTmkDoesNotUnwrapUnderThePlatformKeyWithTheSameBytes() throws Exception {
    SecretBytes shared = Keys.newAes256();
    WrapContext ctx = new WrapContext("tenant-a", "k", 1, Purpose.TMK);
    byte[] byPlatform = PlatformKeyWrapper.create(shared).wrap(Keys.newAes256(), ctx);
    // same key bytes, same context fields except purpose: the wrapper name and purpose are both in
    // the AAD
    assertInvalidWrappedKey(
        () ->
            TmkKeyWrapper.create("tenant-a", 1, shared)
                .unwrap(byPlatform, new WrapContext("tenant-a", "k", 1, Purpose.DEK)));
  }

  @Test
  void destroyedTmkCannotWrap() {
    tmk.destroy();
    assertThatThrownBy(() -> tmkV1.wrap(Keys.newAes256(), DEK_CTX))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TmkKeyWrapper.create("tenant-a", 1, tmk))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void wrapContextIsValidated() {
    assertThatThrownBy(() -> new WrapContext("", "k", 1, Purpose.DEK))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WrapContext("t", "k", 0, Purpose.DEK))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WrapContext("t", "k", 1, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void fingerprintIsTruncatedSha256HexOfTheWrappedBytes() throws Exception {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertThat(KeyFingerprint.of("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223");
    byte[] wrapped = tmkV1.wrap(Keys.newAes256(), DEK_CTX);
    assertThat(KeyFingerprint.of(wrapped))
        .hasSize(32)
        .matches("[0-9a-f]{32}")
        .isEqualTo(KeyFingerprint.of(wrapped.clone()));
  }
}
