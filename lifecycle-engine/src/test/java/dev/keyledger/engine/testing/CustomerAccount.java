package dev.keyledger.engine.testing;

import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * The customer's side of the setup in the seed pages, done with the real SDK's KMS and IAM clients
 * as account 111122223333 ({@code test}/{@code test}) against local-kms.
 */
public final class CustomerAccount implements AutoCloseable {
  public static final String ACCOUNT = "111122223333";
  public static final String REGION = "us-east-1";
  public static final String PLATFORM_PRINCIPAL =
      "arn:aws:iam::000000000000:role/keyledger-service";
  public static final String PLATFORM_ACCOUNT_ROOT = "arn:aws:iam::000000000000:root";

  private static final String PLATFORM_GRANT =
      ", {\"Sid\": \"Allow KeyLedger\", \"Effect\": \"Allow\","
          + " \"Principal\": {\"AWS\": \""
          + PLATFORM_PRINCIPAL
          + "\"},"
          + " \"Action\": [\"kms:Encrypt\", \"kms:Decrypt\", \"kms:GenerateDataKey\", \"kms:DescribeKey\"],"
          + " \"Resource\": \"*\"}";

  public final KmsClient kms;
  public final IamClient iam;
  private final SdkHttpClient http = UrlConnectionHttpClient.create();

  public CustomerAccount(URI endpoint) {
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    kms =
        KmsClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(REGION))
            .credentialsProvider(credentials)
            .httpClient(http)
            .build();
    iam =
        IamClient.builder()
            .endpointOverride(endpoint)
            .region(Region.AWS_GLOBAL)
            .credentialsProvider(credentials)
            .httpClient(http)
            .build();
  }

  /** Seed 000: a key whose policy has the cross-account statement for the platform principal. */
  public String keyGrantingPlatform() {
    return createKey(platformGrantPolicy());
  }

  private static String platformGrantPolicy() {
    return keyPolicy(PLATFORM_GRANT);
  }

  /**
   * The README's key policy: the cross-account statement, and a deny of every use whose {@code
   * kms:EncryptionContext:tenant_id} is not {@code tenant}.
   */
  public String keyGrantingPlatformPinnedTo(String tenant) {
    return createKey(
        keyPolicy(
            PLATFORM_GRANT
                + ", {\"Sid\": \"KeyLedgerOnlyThisTenant\", \"Effect\": \"Deny\","
                + " \"Principal\": {\"AWS\": \""
                + PLATFORM_PRINCIPAL
                + "\"},"
                + " \"Action\": [\"kms:Encrypt\", \"kms:Decrypt\", \"kms:GenerateDataKey*\","
                + " \"kms:ReEncrypt*\"], \"Resource\": \"*\","
                + " \"Condition\": {\"StringNotEquals\": {\"kms:EncryptionContext:tenant_id\": \""
                + tenant
                + "\"}}}"));
  }

  /** A multi-Region primary key ({@code mrk-...}) with the cross-account statement. */
  public String multiRegionKeyGrantingPlatform() {
    return kms.createKey(
            r ->
                r.multiRegion(true)
                    .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                    .policy(platformGrantPolicy()))
        .keyMetadata()
        .arn();
  }

  /** The default key policy: the account (and so its IAM policies) may use the key, nobody else. */
  public String keyWithDefaultPolicy() {
    return createKey(keyPolicy(""));
  }

  /** Seed 001 step 1: {@code aws kms create-alias}; returns the alias ARN. */
  public String alias(String keyArn) {
    String name = "alias/keyledger-" + UUID.randomUUID();
    kms.createAlias(r -> r.aliasName(name).targetKeyId(keyArn));
    return "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":" + name;
  }

  /**
   * Seed 001 step 2: the cross-account role with the external-id trust policy; returns the role
   * ARN.
   */
  public String roleTrustingPlatform(String externalId) {
    String name = "KeyLedgerKMSAccess-" + UUID.randomUUID().toString().substring(0, 8);
    String trust =
        """
                {"Version": "2012-10-17", "Statement": [{
                  "Effect": "Allow",
                  "Principal": {"AWS": "%s"},
                  "Action": "sts:AssumeRole",
                  "Condition": {"StringEquals": {"sts:ExternalId": "%s"}}}]}"""
            .formatted(PLATFORM_ACCOUNT_ROOT, externalId);
    return iam.createRole(r -> r.roleName(name).assumeRolePolicyDocument(trust)).role().arn();
  }

  /** Seed 001 step 2: the inline policy scoped to one key. */
  public void allowEncryptDecrypt(String roleArn, String keyArn) {
    String policy =
        """
                {"Version": "2012-10-17", "Statement": [{
                  "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "%s"}]}"""
            .formatted(keyArn);
    iam.putRolePolicy(
        r -> r.roleName(roleName(roleArn)).policyName("keyledger-kms").policyDocument(policy));
  }

  /** The kill switch of seed 001: detach the inline policy. */
  public void removeInlinePolicy(String roleArn) {
    iam.deleteRolePolicy(r -> r.roleName(roleName(roleArn)).policyName("keyledger-kms"));
  }

  private String createKey(String policy) {
    return kms.createKey(
            r ->
                r.description("KeyLedger tenant master key wrapping")
                    .keyUsage(KeyUsageType.ENCRYPT_DECRYPT)
                    .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                    .policy(policy))
        .keyMetadata()
        .arn();
  }

  private static String keyPolicy(String extraStatement) {
    return """
                {"Version": "2012-10-17", "Statement": [{
                  "Sid": "Enable IAM User Permissions", "Effect": "Allow",
                  "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": "kms:*", "Resource": "*"}%s]}"""
        .formatted(ACCOUNT, extraStatement);
  }

  private static String roleName(String roleArn) {
    return roleArn.substring(roleArn.lastIndexOf('/') + 1);
  }

  @Override
  public void close() {
    kms.close();
    iam.close();
    http.close();
  }
}
