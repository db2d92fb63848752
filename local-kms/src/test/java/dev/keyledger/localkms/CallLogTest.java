package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;

class CallLogTest {

  @Test
  void everyRequestIsCountedPerOperationRefusedOnesIncluded() throws IOException {
    try (LocalKms localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
        KmsClient kms = new AwsClients(localKms).kms(AwsClients.customer())) {
      String key = kms.createKey(r -> r.description("counted")).keyMetadata().arn();
      SdkBytes blob =
          kms.encrypt(r -> r.keyId(key).plaintext(SdkBytes.fromString("x", StandardCharsets.UTF_8)))
              .ciphertextBlob();
      kms.decrypt(r -> r.ciphertextBlob(blob));
      kms.decrypt(r -> r.ciphertextBlob(blob));
      assertThat(catchThrowable(() -> kms.describeKey(r -> r.keyId("alias/nope")))).isNotNull();

      assertThat(localKms.calls().count("kms", "Decrypt")).isEqualTo(2);
      assertThat(localKms.calls().count("kms", "Encrypt")).isEqualTo(1);
      assertThat(localKms.calls().count("kms", "DescribeKey"))
          .as("refused requests count too")
          .isEqualTo(1);
      assertThat(localKms.calls().snapshot()).containsEntry("kms:CreateKey", 1L);
      localKms.calls().reset();
      assertThat(localKms.calls().count("kms", "Decrypt")).isZero();
    }
  }
}
