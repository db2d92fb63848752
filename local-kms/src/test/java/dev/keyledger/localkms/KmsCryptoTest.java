package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsException;

class KmsCryptoTest {
  private static final Map<String, String> CONTEXT =
      Map.of("tenant_id", "t-1", "service", "keyledger", "tmk_version", "1");

  private static LocalKms localKms;
  private static KmsClient kms;
  private static KeyMetadata key;

  @BeforeAll
  static void start() throws IOException {
    localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    kms = new AwsClients(localKms).kms(AwsClients.customer());
    key = kms.createKey(r -> r.description("crypto")).keyMetadata();
  }

  @AfterAll
  static void stop() {
    kms.close();
    localKms.close();
  }

  private static SdkBytes bytes(String s) {
    return SdkBytes.fromString(s, StandardCharsets.UTF_8);
  }

  @Test
  void encryptThenDecryptWithTheSameContextRoundTrips() {
    EncryptResponse enc =
        kms.encrypt(
            r -> r.keyId(key.keyId()).plaintext(bytes("tmk bytes")).encryptionContext(CONTEXT));
    assertThat(enc.keyId()).isEqualTo(key.arn());
    assertThat(new String(enc.ciphertextBlob().asByteArray(), StandardCharsets.ISO_8859_1))
        .doesNotContain("tmk bytes");

    DecryptResponse dec =
        kms.decrypt(
            r ->
                r.ciphertextBlob(enc.ciphertextBlob())
                    .encryptionContext(
                        Map.of("tmk_version", "1", "service", "keyledger", "tenant_id", "t-1")));
    assertThat(dec.plaintext().asUtf8String()).isEqualTo("tmk bytes");
    assertThat(dec.keyId()).isEqualTo(key.arn());
  }

  @Test
  void twoEncryptionsOfTheSamePlaintextDiffer() {
    SdkBytes a = kms.encrypt(r -> r.keyId(key.arn()).plaintext(bytes("same"))).ciphertextBlob();
    SdkBytes b = kms.encrypt(r -> r.keyId(key.arn()).plaintext(bytes("same"))).ciphertextBlob();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void theEncryptionContextIsBoundAsAdditionalData() {
    SdkBytes blob =
        kms.encrypt(r -> r.keyId(key.keyId()).plaintext(bytes("x")).encryptionContext(CONTEXT))
            .ciphertextBlob();
    assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob)))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(
            () ->
                kms.decrypt(
                    r ->
                        r.ciphertextBlob(blob)
                            .encryptionContext(
                                Map.of(
                                    "tenant_id",
                                    "t-2",
                                    "service",
                                    "keyledger",
                                    "tmk_version",
                                    "1"))))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void aCorruptedBlobIsInvalidCiphertext() {
    byte[] blob =
        kms.encrypt(r -> r.keyId(key.keyId()).plaintext(bytes("x"))).ciphertextBlob().asByteArray();
    blob[blob.length - 1] ^= 1;
    assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(blob))))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThatThrownBy(
            () -> kms.decrypt(r -> r.ciphertextBlob(bytes("not a kms blob at all, just text"))))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void decryptWithAnotherKeyIdIsIncorrectKey() {
    KeyMetadata other = kms.createKey(r -> r.description("other")).keyMetadata();
    SdkBytes blob = kms.encrypt(r -> r.keyId(key.keyId()).plaintext(bytes("x"))).ciphertextBlob();
    assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob).keyId(other.arn())))
        .isInstanceOf(IncorrectKeyException.class);
    assertThat(kms.decrypt(r -> r.ciphertextBlob(blob).keyId(key.arn())).plaintext().asUtf8String())
        .isEqualTo("x");
  }

  @Test
  void generateDataKeyReturnsAPlaintextKeyAndItsCiphertext() {
    GenerateDataKeyResponse dk =
        kms.generateDataKey(
            r -> r.keyId(key.arn()).keySpec(DataKeySpec.AES_256).encryptionContext(CONTEXT));
    assertThat(dk.plaintext().asByteArray()).hasSize(32);
    assertThat(dk.keyId()).isEqualTo(key.arn());
    assertThat(
            kms.decrypt(r -> r.ciphertextBlob(dk.ciphertextBlob()).encryptionContext(CONTEXT))
                .plaintext())
        .isEqualTo(dk.plaintext());

    assertThat(
            kms.generateDataKey(r -> r.keyId(key.keyId()).numberOfBytes(64))
                .plaintext()
                .asByteArray())
        .hasSize(64);
    assertThat(
            kms.generateDataKey(r -> r.keyId(key.keyId()).keySpec(DataKeySpec.AES_128))
                .plaintext()
                .asByteArray())
        .hasSize(16);
    assertThatThrownBy(() -> kms.generateDataKey(r -> r.keyId(key.keyId())))
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
  }

  @Test
  void generateDataKeyWithoutPlaintextReturnsOnlyTheCiphertext() {
    var dk =
        kms.generateDataKeyWithoutPlaintext(r -> r.keyId(key.keyId()).keySpec(DataKeySpec.AES_256));
    assertThat(dk.keyId()).isEqualTo(key.arn());
    assertThat(kms.decrypt(r -> r.ciphertextBlob(dk.ciphertextBlob())).plaintext().asByteArray())
        .hasSize(32);
  }

  @Test
  void plaintextLargerThan4KiBIsRejected() {
    assertThatThrownBy(
            () ->
                kms.encrypt(
                    r -> r.keyId(key.keyId()).plaintext(SdkBytes.fromByteArray(new byte[4097]))))
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
  }
}
