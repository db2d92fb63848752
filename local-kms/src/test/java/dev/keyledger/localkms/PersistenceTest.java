package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

class PersistenceTest {
  private static final Map<String, String> CONTEXT = Map.of("tenant_id", "t-1");

  @Test
  void stateSurvivesARestartWithTheSameDataDir(@TempDir Path dataDir) throws IOException {
    LocalKmsConfig config = LocalKmsConfig.defaults().withPort(0).withDataDir(dataDir);
    String keyArn;
    String disabledArn;
    SdkBytes blob;
    Credentials session;
    try (LocalKms first = LocalKms.start(config)) {
      AwsClients aws = new AwsClients(first);
      try (KmsClient kms = aws.kms(AwsClients.customer());
          IamClient iam = aws.iam(AwsClients.customer());
          StsClient sts = aws.sts(AwsClients.platform())) {
        keyArn = kms.createKey(r -> r.description("persisted")).keyMetadata().arn();
        kms.createAlias(r -> r.aliasName("alias/persisted").targetKeyId(keyArn));
        disabledArn = kms.createKey(r -> r.description("disabled")).keyMetadata().arn();
        kms.disableKey(r -> r.keyId(disabledArn));
        blob =
            kms.encrypt(
                    r ->
                        r.keyId(keyArn)
                            .plaintext(SdkBytes.fromUtf8String("survives"))
                            .encryptionContext(CONTEXT))
                .ciphertextBlob();
        iam.createRole(
            r ->
                r.roleName("Persisted")
                    .assumeRolePolicyDocument(
                        """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole"}]}"""));
        iam.putRolePolicy(
            r ->
                r.roleName("Persisted")
                    .policyName("kms")
                    .policyDocument(
                        """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}"""));
        session =
            sts.assumeRole(
                    r ->
                        r.roleArn("arn:aws:iam::111122223333:role/Persisted")
                            .roleSessionName("before"))
                .credentials();
      }
    }
    assertThat(dataDir.resolve("local-kms-state.json")).exists();
    assertThat(Files.readString(dataDir.resolve("local-kms-state.json")))
        .doesNotContain("keyledger-dev-secret");

    try (LocalKms second = LocalKms.start(config)) {
      AwsClients aws = new AwsClients(second);
      try (KmsClient kms = aws.kms(AwsClients.customer());
          IamClient iam = aws.iam(AwsClients.customer());
          KmsClient sessionKms = aws.kms(AwsClients.session(session))) {
        assertThat(kms.describeKey(r -> r.keyId("alias/persisted")).keyMetadata().arn())
            .isEqualTo(keyArn);
        assertThat(kms.describeKey(r -> r.keyId(disabledArn)).keyMetadata().keyState())
            .isEqualTo(KeyState.DISABLED);
        assertThat(
                kms.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT))
                    .plaintext()
                    .asUtf8String())
            .isEqualTo("survives");
        assertThat(
                iam.getRolePolicy(r -> r.roleName("Persisted").policyName("kms")).policyDocument())
            .contains("kms%3ADecrypt");
        assertThat(
                sessionKms
                    .decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT))
                    .plaintext()
                    .asUtf8String())
            .isEqualTo("survives");
      }
    }
  }

  @Test
  void withoutADataDirNothingIsKept() throws IOException {
    String keyArn;
    try (LocalKms first = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
        KmsClient kms = new AwsClients(first).kms(AwsClients.customer())) {
      keyArn = kms.createKey(r -> r.description("ephemeral")).keyMetadata().arn();
    }
    try (LocalKms second = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
        KmsClient kms = new AwsClients(second).kms(AwsClients.customer())) {
      assertThat(kms.listKeys().keys()).noneMatch(k -> k.keyArn().equals(keyArn));
    }
  }
}
