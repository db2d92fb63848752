package dev.keyledger.envelope;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class DataAeadTest {
  private static final DekRef DEK_REF = new DekRef("dek-7f3a", 3);
  private static final Map<String, String> CONTEXT =
      Map.of("purpose", "agent-memory", "record", "42");
  private final SecretBytes dek = TestKeys.newAes256();
  private final DataAead aead = DataAead.create(dek, DEK_REF);

  static void assertInvalidCiphertext(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isExactlyInstanceOf(GeneralSecurityException.class)
        .hasMessage("invalid ciphertext")
        .hasNoCause();
  }

  @Test
  void roundTripsWithAndWithoutContext() throws Exception {
    byte[] plaintext = "hello tenant".getBytes(UTF_8);
    assertThat(aead.decrypt("tenant-a", aead.encrypt("tenant-a", plaintext, CONTEXT), CONTEXT))
        .isEqualTo(plaintext);
    assertThat(aead.decrypt("tenant-a", aead.encrypt("tenant-a", plaintext, null), Map.of()))
        .isEqualTo(plaintext);
    assertThat(aead.decrypt("tenant-a", aead.encrypt("tenant-a", new byte[0], null), null))
        .isEmpty();
  }

  @Test
  void contextOrderDoesNotMatter() throws Exception {
    Map<String, String> forward = new LinkedHashMap<>();
    forward.put("a", "1");
    forward.put("b", "2");
    Map<String, String> backward = new LinkedHashMap<>();
    backward.put("b", "2");
    backward.put("a", "1");
    byte[] ct = aead.encrypt("t", new byte[] {1}, forward);
    assertThat(aead.decrypt("t", ct, backward)).containsExactly(1);
  }

  @Test
  void envelopeLayoutMatchesTheDocumentedWireFormat() throws Exception {
    byte[] ct = aead.encrypt("tenant-a", new byte[100], null);
    ByteBuffer in = ByteBuffer.wrap(ct);
    assertThat(in.get()).isEqualTo((byte) 0x4B);
    assertThat(in.get()).isEqualTo((byte) 0x4C);
    assertThat(in.get()).isEqualTo((byte) 0x01);
    assertThat(in.getInt()).isEqualTo(3);
    assertThat(in.get()).isEqualTo((byte) 8);
    byte[] id = new byte[8];
    in.get(id);
    assertThat(new String(id, UTF_8)).isEqualTo("dek-7f3a");
    assertThat(ct.length).isEqualTo(8 + 8 + 12 + 100 + 16);
  }

  @Test
  void aTenantsCiphertextNeverDecryptsAsAnotherTenants() throws Exception {
    byte[] ct = aead.encrypt("tenant-a", "secret".getBytes(UTF_8), CONTEXT);
    assertInvalidCiphertext(() -> aead.decrypt("tenant-b", ct, CONTEXT));
    assertInvalidCiphertext(() -> aead.decrypt("tenant-a ", ct, CONTEXT));
  }

  @Test
  void wrongContextFails() throws Exception {
    byte[] ct = aead.encrypt("tenant-a", "secret".getBytes(UTF_8), CONTEXT);
    assertInvalidCiphertext(() -> aead.decrypt("tenant-a", ct, null));
    assertInvalidCiphertext(
        () -> aead.decrypt("tenant-a", ct, Map.of("purpose", "agent-memory", "record", "43")));
    assertInvalidCiphertext(() -> aead.decrypt("tenant-a", ct, Map.of("purpose", "agent-memory")));
  }

  @Test
  void wrongDekFails() throws Exception {
    byte[] ct = aead.encrypt("tenant-a", "secret".getBytes(UTF_8), null);
    DataAead otherKeySameRef = DataAead.create(TestKeys.newAes256(), DEK_REF);
    DataAead sameKeyOtherVersion = DataAead.create(dek, new DekRef("dek-7f3a", 4));
    DataAead sameKeyOtherId = DataAead.create(dek, new DekRef("dek-7f3b", 3));
    assertInvalidCiphertext(() -> otherKeySameRef.decrypt("tenant-a", ct, null));
    assertInvalidCiphertext(() -> sameKeyOtherVersion.decrypt("tenant-a", ct, null));
    assertInvalidCiphertext(() -> sameKeyOtherId.decrypt("tenant-a", ct, null));
  }

  @Test
  void headerRewrittenToAnotherDekRefFailsEvenWithTheRightKey() throws Exception {
    DataAead v4 = DataAead.create(dek, new DekRef("dek-7f3a", 4));
    byte[] ct = aead.encrypt("tenant-a", "secret".getBytes(UTF_8), null);
    ByteBuffer.wrap(ct).putInt(3, 4);
    assertThat(DataEnvelope.peekDek(ct)).isEqualTo(new DekRef("dek-7f3a", 4));
    assertInvalidCiphertext(() -> v4.decrypt("tenant-a", ct, null));
  }

  @Test
  void peekingNamesTheDekWithoutAnyKey() throws Exception {
    byte[] ct = aead.encrypt("tenant-a", "secret".getBytes(UTF_8), CONTEXT);
    dek.destroy();
    assertThat(DataEnvelope.peekDek(ct)).isEqualTo(DEK_REF);
  }

  @Test
  void truncatedInputsFailWithTheOneError() throws Exception {
    byte[] ct = aead.encrypt("tenant-a", "secret".getBytes(UTF_8), null);
    for (int length = 0; length < ct.length; length++) {
      byte[] truncated = Arrays.copyOf(ct, length);
      assertInvalidCiphertext(() -> aead.decrypt("tenant-a", truncated, null));
      if (length < 8 + 8 + 12 + 16) {
        assertInvalidCiphertext(() -> DataEnvelope.peekDek(truncated));
      }
    }
    assertInvalidCiphertext(() -> aead.decrypt("tenant-a", null, null));
  }

  @Test
  void unknownMagicOrFormatVersionFailsWithTheOneError() throws Exception {
    byte[] ct = aead.encrypt("tenant-a", "secret".getBytes(UTF_8), null);
    for (int[] change : new int[][] {{0, 0x4A}, {1, 0x4D}, {2, 0x02}, {2, 0x00}}) {
      byte[] bad = ct.clone();
      bad[change[0]] = (byte) change[1];
      assertInvalidCiphertext(() -> DataEnvelope.peekDek(bad));
      assertInvalidCiphertext(() -> aead.decrypt("tenant-a", bad, null));
    }
  }

  @Test
  void outOfRangeHeaderFieldsFailWithTheOneError() throws Exception {
    byte[] ct = aead.encrypt("tenant-a", new byte[64], null);
    byte[] zeroVersion = ct.clone();
    ByteBuffer.wrap(zeroVersion).putInt(3, 0);
    byte[] negativeVersion = ct.clone();
    ByteBuffer.wrap(negativeVersion).putInt(3, -1);
    byte[] emptyId = ct.clone();
    emptyId[7] = 0;
    byte[] longId = ct.clone();
    longId[7] = 65;
    byte[] badUtf8 = ct.clone();
    badUtf8[8] = (byte) 0xC3; // lead byte followed by ASCII
    byte[] controlChar = ct.clone();
    controlChar[8] = 0x07;
    for (byte[] bad :
        new byte[][] {zeroVersion, negativeVersion, emptyId, longId, badUtf8, controlChar}) {
      assertInvalidCiphertext(() -> DataEnvelope.peekDek(bad));
      assertInvalidCiphertext(() -> aead.decrypt("tenant-a", bad, null));
    }
  }

  @Test
  void oversizedCiphertextFailsWithTheOneError() {
    byte[] header = DataEnvelope.header(DEK_REF);
    byte[] huge =
        Arrays.copyOf(header, header.length + 12 + DataEnvelope.MAX_PLAINTEXT_BYTES + 16 + 1);
    assertInvalidCiphertext(() -> DataEnvelope.peekDek(huge));
    assertInvalidCiphertext(() -> aead.decrypt("tenant-a", huge, null));
  }

  @Test
  void plaintextAboveFourMebibytesIsRefusedClearly() throws Exception {
    byte[] max = new byte[DataEnvelope.MAX_PLAINTEXT_BYTES];
    assertThat(aead.decrypt("t", aead.encrypt("t", max, null), null)).hasSize(max.length);
    assertThatThrownBy(
            () -> aead.encrypt("t", new byte[DataEnvelope.MAX_PLAINTEXT_BYTES + 1], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 MiB");
  }

  @Test
  void noncesAreUniqueOverManyEncryptions() throws Exception {
    Set<ByteBuffer> nonces = new HashSet<>();
    int headerLength = DataEnvelope.header(DEK_REF).length;
    for (int i = 0; i < 100_000; i++) {
      byte[] ct = aead.encrypt("t", new byte[0], null);
      nonces.add(ByteBuffer.wrap(Arrays.copyOfRange(ct, headerLength, headerLength + 12)));
    }
    assertThat(nonces).hasSize(100_000);
  }

  @Test
  void invalidCallerInputIsAnIllegalArgument() {
    assertThatThrownBy(() -> aead.encrypt("", new byte[1], null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> aead.encrypt("t", new byte[1], Map.of("", "v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> aead.encrypt("t\uD800", new byte[1], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i <= DataAead.MAX_CONTEXT_ENTRIES; i++) {
      many.put("k" + i, "v");
    }
    assertThatThrownBy(() -> aead.encrypt("t", new byte[1], many))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DataAead.create(SecretBytes.copyOf(new byte[16]), DEK_REF))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DekRef("x".repeat(65), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DekRef("x", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void destroyedDekCannotBeUsed() throws Exception {
    byte[] ct = aead.encrypt("t", new byte[1], null);
    dek.destroy();
    assertThatThrownBy(() -> aead.encrypt("t", new byte[1], null))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> aead.decrypt("t", ct, null)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DataAead.create(dek, DEK_REF))
        .isInstanceOf(IllegalStateException.class);
  }
}
