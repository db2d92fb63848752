package dev.keyledger.localkms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CiphertextBlobTest {
  private static final String ARN =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final KeyMaterial KEY = KeyMaterial.generate();
  private static final EncryptionContext CONTEXT =
      EncryptionContext.of(Map.of("tenant_id", "t-1", "service", "keyledger"));
  private static final byte[] PLAINTEXT = "secret".getBytes(StandardCharsets.UTF_8);

  private static void assertInvalid(Runnable r) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            AwsException.class, e -> assertThat(e.code()).isEqualTo("InvalidCiphertextException"));
  }

  @Test
  void roundTripsAndCarriesTheKeyArn() {
    byte[] blob = CiphertextBlob.seal(ARN, KEY, PLAINTEXT, CONTEXT);
    assertThat(new String(blob, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("LK");
    assertThat(blob[2]).isEqualTo((byte) 1);
    CiphertextBlob parsed = CiphertextBlob.parse(blob);
    assertThat(parsed.keyArn()).isEqualTo(ARN);
    assertThat(
            parsed.open(
                KEY, EncryptionContext.of(Map.of("service", "keyledger", "tenant_id", "t-1"))))
        .isEqualTo(PLAINTEXT);
  }

  @Test
  void anyFlippedByteFailsAuthentication() {
    byte[] blob = CiphertextBlob.seal(ARN, KEY, PLAINTEXT, CONTEXT);
    for (int i = 5; i < blob.length; i++) {
      byte[] tampered = blob.clone();
      tampered[i] ^= 0x01;
      assertInvalid(() -> CiphertextBlob.parse(tampered).open(KEY, CONTEXT));
    }
  }

  @Test
  void wrongContextOrKeyFailsAuthentication() {
    CiphertextBlob parsed = CiphertextBlob.parse(CiphertextBlob.seal(ARN, KEY, PLAINTEXT, CONTEXT));
    assertInvalid(() -> parsed.open(KEY, EncryptionContext.of(Map.of())));
    assertInvalid(
        () ->
            parsed.open(
                KEY, EncryptionContext.of(Map.of("tenant_id", "t-2", "service", "keyledger"))));
    assertInvalid(() -> parsed.open(KeyMaterial.generate(), CONTEXT));
  }

  @Test
  void malformedInputIsInvalidCiphertext() {
    byte[] blob = CiphertextBlob.seal(ARN, KEY, PLAINTEXT, CONTEXT);
    assertInvalid(() -> CiphertextBlob.parse(new byte[0]));
    assertInvalid(() -> CiphertextBlob.parse(Arrays.copyOf(blob, 20)));
    byte[] badVersion = blob.clone();
    badVersion[2] = 2;
    assertInvalid(() -> CiphertextBlob.parse(badVersion));
    byte[] hugeArnLength = blob.clone();
    hugeArnLength[3] = (byte) 0xff;
    assertInvalid(() -> CiphertextBlob.parse(hugeArnLength));
  }

  @Test
  void contextCanonicalFormIsIndependentOfInsertionOrder() {
    var a = new java.util.LinkedHashMap<String, String>();
    a.put("b", "2");
    a.put("a", "1");
    var b = new java.util.LinkedHashMap<String, String>();
    b.put("a", "1");
    b.put("b", "2");
    assertThat(EncryptionContext.of(a).canonicalBytes())
        .isEqualTo(EncryptionContext.of(b).canonicalBytes());
    // length-prefixing keeps {"ab":"c"} and {"a":"bc"} apart
    assertThat(EncryptionContext.of(Map.of("ab", "c")).canonicalBytes())
        .isNotEqualTo(EncryptionContext.of(Map.of("a", "bc")).canonicalBytes());
  }
}
