package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** Access model (b) of seed 001, set up entirely through the SDK's KMS and IAM clients. */
class AssumeRoleTest {
  private static final String EXTERNAL_ID = UUID.randomUUID().toString();
  private static final Map<String, String> CONTEXT =
      Map.of("tenant_id", "t-1", "service", "keyledger", "tmk_version", "1");

  private static LocalKms localKms;
  private static AwsClients aws;
  private static KmsClient customerKms;
  private static IamClient customerIam;
  private static StsClient platformSts;
  private static String keyArn;
  private static String roleArn;

  @BeforeAll
  static void seed001Setup() throws IOException {
    localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    aws = new AwsClients(localKms);
    customerKms = aws.kms(AwsClients.customer());
    customerIam = aws.iam(AwsClients.customer());
    platformSts = aws.sts(AwsClients.platform());

    keyArn =
        customerKms
            .createKey(
                r ->
                    r.description("KeyLedger tenant master key wrapping")
                        .keyUsage("ENCRYPT_DECRYPT")
                        .keySpec("SYMMETRIC_DEFAULT"))
            .keyMetadata()
            .arn();
    customerKms.createAlias(
        r -> r.aliasName("alias/keyledger-tenant-wrapping").targetKeyId(keyArn));
    roleArn =
        customerIam
            .createRole(
                r ->
                    r.roleName("KeyLedgerKMSAccess")
                        .assumeRolePolicyDocument(
                            """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                  "Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole",
                  "Condition":{"StringEquals":{"sts:ExternalId":"%s"}}}]}"""
                                .formatted(EXTERNAL_ID)))
            .role()
            .arn();
    customerIam.putRolePolicy(
        r ->
            r.roleName("KeyLedgerKMSAccess")
                .policyName("kms-wrap")
                .policyDocument(
                    """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"%s"}]}"""
                        .formatted(keyArn)));
  }

  @AfterAll
  static void stop() {
    customerKms.close();
    customerIam.close();
    platformSts.close();
    localKms.close();
  }

  private static Credentials assume(String externalId) {
    return platformSts
        .assumeRole(
            r ->
                r.roleArn(roleArn)
                    .roleSessionName("keyledger-probe")
                    .externalId(externalId)
                    .durationSeconds(900))
        .credentials();
  }

  @Test
  void roleIsCreatedInTheCustomerAccount() {
    assertThat(roleArn).isEqualTo("arn:aws:iam::111122223333:role/KeyLedgerKMSAccess");
    var role = customerIam.getRole(r -> r.roleName("KeyLedgerKMSAccess")).role();
    assertThat(role.roleId()).startsWith("AROA");
    assertThat(
            java.net.URLDecoder.decode(
                role.assumeRolePolicyDocument(), java.nio.charset.StandardCharsets.UTF_8))
        .contains(EXTERNAL_ID);
    assertThat(customerIam.listRolePolicies(r -> r.roleName("KeyLedgerKMSAccess")).policyNames())
        .containsExactly("kms-wrap");
  }

  @Test
  void assumeRoleWithTheRightExternalIdGivesTemporaryCredentials() {
    AssumeRoleResponse resp =
        platformSts.assumeRole(
            r -> r.roleArn(roleArn).roleSessionName("keyledger-probe").externalId(EXTERNAL_ID));
    assertThat(resp.credentials().accessKeyId()).startsWith("ASIA");
    assertThat(resp.credentials().sessionToken()).isNotBlank();
    assertThat(resp.credentials().expiration()).isAfter(java.time.Instant.now());
    assertThat(resp.assumedRoleUser().arn())
        .isEqualTo("arn:aws:sts::111122223333:assumed-role/KeyLedgerKMSAccess/keyledger-probe");

    try (StsClient session = aws.sts(AwsClients.session(resp.credentials()))) {
      assertThat(session.getCallerIdentity().arn()).isEqualTo(resp.assumedRoleUser().arn());
    }
  }

  @Test
  void assumeRoleWithAWrongOrMissingExternalIdIsDenied() {
    for (String externalId : new String[] {"wrong-external-id", null}) {
      assertThatThrownBy(() -> assume(externalId))
          .isInstanceOfSatisfying(
              StsException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo(
                        "User: "
                            + AwsClients.PLATFORM_ARN
                            + " is not authorized to perform: sts:AssumeRole on resource: "
                            + roleArn);
              });
    }
  }

  @Test
  void assumeRoleOfAnUnknownRoleOrByAnUntrustedCallerIsDenied() {
    assertThatThrownBy(
            () ->
                platformSts.assumeRole(
                    r ->
                        r.roleArn("arn:aws:iam::111122223333:role/Nope")
                            .roleSessionName("s1")
                            .externalId(EXTERNAL_ID)))
        .isInstanceOfSatisfying(
            StsException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
  }

  @Test
  void temporaryCredentialsMayEncryptAndDecryptWithTheGrantedKeyOnly() {
    try (KmsClient session = aws.kms(AwsClients.session(assume(EXTERNAL_ID)))) {
      SdkBytes blob =
          session
              .encrypt(
                  r ->
                      r.keyId(keyArn)
                          .plaintext(SdkBytes.fromUtf8String("tmk"))
                          .encryptionContext(CONTEXT))
              .ciphertextBlob();
      assertThat(
              session
                  .decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT))
                  .plaintext()
                  .asUtf8String())
          .isEqualTo("tmk");

      assertThatThrownBy(() -> session.generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32)))
          .isInstanceOfSatisfying(
              KmsException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                assertThat(e.awsErrorDetails().errorMessage())
                    .startsWith(
                        "User: arn:aws:sts::111122223333:assumed-role/KeyLedgerKMSAccess/keyledger-probe"
                            + " is not authorized to perform: kms:GenerateDataKey on resource: "
                            + keyArn);
              });
      String otherKey =
          customerKms.createKey(r -> r.description("not granted")).keyMetadata().arn();
      assertThatThrownBy(
              () -> session.encrypt(r -> r.keyId(otherKey).plaintext(SdkBytes.fromUtf8String("x"))))
          .isInstanceOfSatisfying(
              KmsException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
    }
  }

  @Test
  void removingTheInlinePolicyCutsTheSessionOff() {
    customerIam.createRole(
        r ->
            r.roleName("KillSwitch")
                .assumeRolePolicyDocument(
                    """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"sts:AssumeRole"}]}"""
                        .formatted(AwsClients.PLATFORM_ARN)));
    customerIam.putRolePolicy(
        r ->
            r.roleName("KillSwitch")
                .policyName("kms")
                .policyDocument(
                    """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"""));
    Credentials creds =
        platformSts
            .assumeRole(
                r -> r.roleArn("arn:aws:iam::111122223333:role/KillSwitch").roleSessionName("s1"))
            .credentials();
    try (KmsClient session = aws.kms(AwsClients.session(creds))) {
      SdkBytes blob =
          session
              .encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("tmk")))
              .ciphertextBlob();

      customerIam.deleteRolePolicy(r -> r.roleName("KillSwitch").policyName("kms"));

      assertThatThrownBy(() -> session.decrypt(r -> r.ciphertextBlob(blob)))
          .isInstanceOfSatisfying(
              KmsException.class,
              e ->
                  assertThat(e.awsErrorDetails().errorMessage())
                      .contains("kms:Decrypt")
                      .contains(keyArn)
                      .contains("assumed-role/KillSwitch/s1"));
    }
  }
}
