package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Key policies evaluated like AWS, and access model (a) of seed 000: the key policy names the
 * platform's role.
 */
class KeyPolicyTest {
  private static final Map<String, String> TENANT_1 =
      Map.of("tenant_id", "t-1", "service", "keyledger", "tmk_version", "1");

  private static LocalKms localKms;
  private static AwsClients aws;
  private static KmsClient customer;
  private static KmsClient platform;

  @BeforeAll
  static void start() throws IOException {
    localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    aws = new AwsClients(localKms);
    customer = aws.kms(AwsClients.customer());
    platform = aws.kms(AwsClients.platform());
  }

  @AfterAll
  static void stop() {
    customer.close();
    platform.close();
    localKms.close();
  }

  private static String keyWithPolicy(String... extraStatements) {
    String arn = customer.createKey(r -> r.description("policy test")).keyMetadata().arn();
    StringBuilder policy =
        new StringBuilder(
            """
                {"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",
                "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}""");
    for (String st : extraStatements) {
      policy.append(',').append(st);
    }
    policy.append("]}");
    customer.putKeyPolicy(r -> r.keyId(arn).policyName("default").policy(policy.toString()));
    return arn;
  }

  private static void assertDenied(Runnable call, String action, String keyArn) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
              assertThat(e.awsErrorDetails().errorMessage())
                  .contains("is not authorized to perform: " + action + " on resource: " + keyArn);
            });
  }

  @Test
  void platformIsDeniedUntilTheKeyPolicyNamesItsRole() {
    String keyArn = keyWithPolicy();
    assertDenied(
        () -> platform.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))),
        "kms:Encrypt",
        keyArn);

    customer.putKeyPolicy(
        r ->
            r.keyId(keyArn)
                .policyName("default")
                .policy(
                    """
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
                 {"Sid":"Allow KeyLedger","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:role/keyledger-service"},
                  "Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey","kms:DescribeKey"],"Resource":"*"}]}"""));

    SdkBytes blob =
        platform
            .encrypt(
                r ->
                    r.keyId(keyArn)
                        .plaintext(SdkBytes.fromUtf8String("tmk"))
                        .encryptionContext(TENANT_1))
            .ciphertextBlob();
    assertThat(
            platform
                .decrypt(r -> r.ciphertextBlob(blob).encryptionContext(TENANT_1))
                .plaintext()
                .asUtf8String())
        .isEqualTo("tmk");
    assertThat(platform.describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState().toString())
        .isEqualTo("Enabled");
    assertThat(
            platform
                .generateDataKey(r -> r.keyId(keyArn).numberOfBytes(32))
                .plaintext()
                .asByteArray())
        .hasSize(32);
    assertDenied(() -> platform.disableKey(r -> r.keyId(keyArn)), "kms:DisableKey", keyArn);
    // a key id alone resolves in the caller's own account, as in AWS
    assertThatThrownBy(
            () -> platform.describeKey(r -> r.keyId(keyArn.substring(keyArn.indexOf("key/") + 4))))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void accountIdAsPrincipalDelegatesToTheAccount() {
    String keyArn =
        customer.createKey(r -> r.description("account id principal")).keyMetadata().arn();
    customer.putKeyPolicy(
        r ->
            r.keyId(keyArn)
                .policyName("default")
                .policy(
                    """
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"},
                 {"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"kms:Encrypt","Resource":"*"}]}"""));
    assertThat(
            platform.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))).keyId())
        .isEqualTo(keyArn);
  }

  @Test
  void explicitDenyWinsOverAllow() {
    String keyArn =
        keyWithPolicy(
            """
                {"Sid":"Allow platform","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:role/keyledger-service"},
                 "Action":"kms:*","Resource":"*"}""",
            """
                {"Sid":"No decrypt","Effect":"Deny","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}""");
    SdkBytes blob =
        platform
            .encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x")))
            .ciphertextBlob();
    assertDenied(() -> platform.decrypt(r -> r.ciphertextBlob(blob)), "kms:Decrypt", keyArn);
    assertDenied(() -> customer.decrypt(r -> r.ciphertextBlob(blob)), "kms:Decrypt", keyArn);
  }

  @Test
  void encryptionContextConditionRestrictsTheGrant() {
    String keyArn =
        keyWithPolicy(
            """
                {"Sid":"Only keyledger contexts","Effect":"Allow",
                 "Principal":{"AWS":"arn:aws:iam::000000000000:role/keyledger-service"},
                 "Action":["kms:Encrypt","kms:Decrypt"],"Resource":"%s",
                 "Condition":{"StringEquals":{"kms:EncryptionContext:service":"keyledger"}}}"""
                .formatted("arn:aws:kms:us-east-1:111122223333:key/*"));
    assertThat(
            platform
                .encrypt(
                    r ->
                        r.keyId(keyArn)
                            .plaintext(SdkBytes.fromUtf8String("x"))
                            .encryptionContext(TENANT_1))
                .keyId())
        .isEqualTo(keyArn);
    assertDenied(
        () ->
            platform.encrypt(
                r ->
                    r.keyId(keyArn)
                        .plaintext(SdkBytes.fromUtf8String("x"))
                        .encryptionContext(Map.of("service", "other"))),
        "kms:Encrypt",
        keyArn);
    assertDenied(
        () -> platform.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))),
        "kms:Encrypt",
        keyArn);
  }

  @Test
  void aResourceNamingAnotherKeyDoesNotGrant() {
    String keyArn =
        keyWithPolicy(
            """
                {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:role/keyledger-service"},
                 "Action":"kms:Encrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/another"}""");
    assertDenied(
        () -> platform.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))),
        "kms:Encrypt",
        keyArn);
  }

  @Test
  void removingTheRootStatementLocksOutEvenTheAccount() {
    String keyArn = customer.createKey(r -> r.description("lockout")).keyMetadata().arn();
    customer.putKeyPolicy(
        r ->
            r.keyId(keyArn)
                .policyName("default")
                .policy(
                    """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                 "Principal":{"AWS":"arn:aws:iam::000000000000:role/keyledger-service"},"Action":"kms:*","Resource":"*"}]}"""));
    assertDenied(() -> customer.describeKey(r -> r.keyId(keyArn)), "kms:DescribeKey", keyArn);
    assertThat(platform.describeKey(r -> r.keyId(keyArn)).keyMetadata().arn()).isEqualTo(keyArn);
  }

  @Test
  void sameAccountRoleNeedsAnIdentityPolicyWhenTheKeyPolicyOnlyTrustsTheAccount() {
    String keyArn = keyWithPolicy();
    try (IamClient iam = aws.iam(AwsClients.customer());
        StsClient sts = aws.sts(AwsClients.customer())) {
      iam.createRole(
          r ->
              r.roleName("SameAccountApp")
                  .assumeRolePolicyDocument(
                      """
                    {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}"""));
      var creds =
          sts.assumeRole(
                  r ->
                      r.roleArn("arn:aws:iam::111122223333:role/SameAccountApp")
                          .roleSessionName("app"))
              .credentials();
      try (KmsClient app = aws.kms(AwsClients.session(creds))) {
        assertDenied(
            () -> app.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))),
            "kms:Encrypt",
            keyArn);
        iam.putRolePolicy(
            r ->
                r.roleName("SameAccountApp")
                    .policyName("kms")
                    .policyDocument(
                        """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}"""));
        assertThat(
                app.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))).keyId())
            .isEqualTo(keyArn);
        iam.putRolePolicy(
            r ->
                r.roleName("SameAccountApp")
                    .policyName("deny")
                    .policyDocument(
                        """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"%s"}]}"""
                            .formatted(keyArn)));
        assertDenied(
            () -> app.encrypt(r -> r.keyId(keyArn).plaintext(SdkBytes.fromUtf8String("x"))),
            "kms:Encrypt",
            keyArn);
      }
    }
  }
}
