package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

class KmsKeyManagementTest {
  private static LocalKms localKms;
  private static AwsClients aws;
  private static KmsClient kms;

  @BeforeAll
  static void start() throws IOException {
    localKms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    aws = new AwsClients(localKms);
    kms = aws.kms(AwsClients.customer());
  }

  @AfterAll
  static void stop() {
    kms.close();
    localKms.close();
  }

  private static KeyMetadata newKey(String description) {
    return kms.createKey(
            r ->
                r.description(description).keyUsage("ENCRYPT_DECRYPT").keySpec("SYMMETRIC_DEFAULT"))
        .keyMetadata();
  }

  @Test
  void createKeyReturnsAwsShapedMetadata() {
    KeyMetadata m = newKey("tenant wrapping");
    assertThat(m.keyId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(m.arn()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/" + m.keyId());
    assertThat(m.awsAccountId()).isEqualTo("111122223333");
    assertThat(m.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(m.enabled()).isTrue();
    assertThat(m.description()).isEqualTo("tenant wrapping");
    assertThat(m.keyUsageAsString()).isEqualTo("ENCRYPT_DECRYPT");
    assertThat(m.keySpecAsString()).isEqualTo("SYMMETRIC_DEFAULT");
    assertThat(m.multiRegion()).isFalse();
    assertThat(m.creationDate())
        .isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plusSeconds(1));
  }

  @Test
  void multiRegionKeysHaveMrkIds() {
    KeyMetadata m = kms.createKey(r -> r.multiRegion(true).description("mrk")).keyMetadata();
    assertThat(m.keyId()).matches("mrk-[0-9a-f]{32}");
    assertThat(m.multiRegion()).isTrue();
    assertThat(m.multiRegionConfiguration().primaryKey().arn()).isEqualTo(m.arn());
    assertThat(kms.encrypt(r -> r.keyId(m.keyId()).plaintext(SdkBytes.fromUtf8String("x"))).keyId())
        .isEqualTo(m.arn());
  }

  @Test
  void describeKeyResolvesIdArnAliasNameAndAliasArn() {
    KeyMetadata m = newKey("describe");
    kms.createAlias(r -> r.aliasName("alias/describe-me").targetKeyId(m.keyId()));
    for (String ref :
        new String[] {
          m.keyId(),
          m.arn(),
          "alias/describe-me",
          "arn:aws:kms:us-east-1:111122223333:alias/describe-me"
        }) {
      assertThat(kms.describeKey(r -> r.keyId(ref)).keyMetadata().arn()).as(ref).isEqualTo(m.arn());
    }
  }

  @Test
  void unknownKeysAliasesAndOtherRegionsAreNotFound() {
    KeyMetadata m = newKey("regional");
    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("11111111-2222-3333-4444-555555555555")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("alias/nope")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("alias/nope is not found");
    try (KmsClient euWest = aws.kms(AwsClients.customer(), Region.EU_WEST_1)) {
      assertThatThrownBy(() -> euWest.describeKey(r -> r.keyId(m.arn())))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining(m.arn());
      assertThatThrownBy(() -> euWest.describeKey(r -> r.keyId(m.keyId())))
          .isInstanceOf(NotFoundException.class);
      assertThat(euWest.listKeys().keys()).isEmpty();
    }
  }

  @Test
  void listKeysAndAliasesShowWhatWasCreated() {
    KeyMetadata m = newKey("listed");
    kms.createAlias(r -> r.aliasName("alias/listed").targetKeyId(m.arn()));
    assertThat(kms.listKeys().keys())
        .anySatisfy(
            k -> {
              assertThat(k.keyId()).isEqualTo(m.keyId());
              assertThat(k.keyArn()).isEqualTo(m.arn());
            });
    assertThat(kms.listAliases(r -> r.keyId(m.keyId())).aliases())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.aliasName()).isEqualTo("alias/listed");
              assertThat(a.aliasArn()).isEqualTo("arn:aws:kms:us-east-1:111122223333:alias/listed");
              assertThat(a.targetKeyId()).isEqualTo(m.keyId());
            });
    assertThat(kms.listKeysPaginator(r -> r.limit(1)).keys().stream().count())
        .isEqualTo(kms.listKeys().keys().size());
  }

  @Test
  void aliasesAreUniqueAndCanBeDeleted() {
    KeyMetadata m = newKey("alias owner");
    kms.createAlias(r -> r.aliasName("alias/unique").targetKeyId(m.keyId()));
    assertThatThrownBy(
            () -> kms.createAlias(r -> r.aliasName("alias/unique").targetKeyId(m.keyId())))
        .isInstanceOf(AlreadyExistsException.class);
    kms.deleteAlias(r -> r.aliasName("alias/unique"));
    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("alias/unique")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> kms.deleteAlias(r -> r.aliasName("alias/unique")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void defaultKeyPolicyGivesTheAccountRootEverything() {
    KeyMetadata m = newKey("policy");
    var policy = kms.getKeyPolicy(r -> r.keyId(m.keyId()).policyName("default"));
    assertThat(policy.policyName()).isEqualTo("default");
    assertThat(policy.policy())
        .contains("\"arn:aws:iam::111122223333:root\"")
        .contains("\"kms:*\"");
  }

  @Test
  void putKeyPolicyReplacesThePolicyAndRejectsMalformedOnes() {
    KeyMetadata m = newKey("put policy");
    String policy =
        """
                {"Version":"2012-10-17","Statement":[{"Sid":"root","Effect":"Allow",
                "Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}]}""";
    kms.putKeyPolicy(r -> r.keyId(m.arn()).policyName("default").policy(policy));
    assertThat(kms.getKeyPolicy(r -> r.keyId(m.arn()).policyName("default")).policy())
        .isEqualTo(policy);
    assertThatThrownBy(
            () -> kms.putKeyPolicy(r -> r.keyId(m.arn()).policyName("default").policy("{not json")))
        .isInstanceOf(MalformedPolicyDocumentException.class);
  }

  @Test
  void disabledKeyRefusesCryptoUntilEnabled() {
    KeyMetadata m = newKey("disable");
    SdkBytes blob =
        kms.encrypt(r -> r.keyId(m.keyId()).plaintext(SdkBytes.fromUtf8String("x")))
            .ciphertextBlob();
    kms.disableKey(r -> r.keyId(m.keyId()));
    assertThat(kms.describeKey(r -> r.keyId(m.keyId())).keyMetadata().keyState())
        .isEqualTo(KeyState.DISABLED);
    assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob)))
        .isInstanceOf(DisabledException.class)
        .hasMessageContaining(m.arn() + " is disabled.");
    assertThatThrownBy(
            () -> kms.encrypt(r -> r.keyId(m.keyId()).plaintext(SdkBytes.fromUtf8String("x"))))
        .isInstanceOf(DisabledException.class);
    assertThatThrownBy(() -> kms.generateDataKey(r -> r.keyId(m.keyId()).numberOfBytes(32)))
        .isInstanceOf(DisabledException.class);
    kms.enableKey(r -> r.keyId(m.keyId()));
    assertThat(kms.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("x");
  }

  @Test
  void pendingDeletionRefusesCryptoAndCancelLeavesTheKeyDisabled() {
    KeyMetadata m = newKey("delete me");
    SdkBytes blob =
        kms.encrypt(r -> r.keyId(m.keyId()).plaintext(SdkBytes.fromUtf8String("x")))
            .ciphertextBlob();
    ScheduleKeyDeletionResponse scheduled =
        kms.scheduleKeyDeletion(r -> r.keyId(m.keyId()).pendingWindowInDays(7));
    assertThat(scheduled.keyId()).isEqualTo(m.arn());
    assertThat(scheduled.keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(scheduled.deletionDate()).isAfter(Instant.now().plus(Duration.ofDays(6)));
    KeyMetadata pending = kms.describeKey(r -> r.keyId(m.keyId())).keyMetadata();
    assertThat(pending.keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(pending.deletionDate()).isEqualTo(scheduled.deletionDate());

    assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob)))
        .isInstanceOf(KmsInvalidStateException.class)
        .hasMessageContaining("is pending deletion");
    assertThatThrownBy(
            () -> kms.encrypt(r -> r.keyId(m.keyId()).plaintext(SdkBytes.fromUtf8String("x"))))
        .isInstanceOf(KmsInvalidStateException.class);
    assertThatThrownBy(() -> kms.enableKey(r -> r.keyId(m.keyId())))
        .isInstanceOf(KmsInvalidStateException.class);
    assertThatThrownBy(() -> kms.scheduleKeyDeletion(r -> r.keyId(m.keyId())))
        .isInstanceOf(KmsInvalidStateException.class);

    assertThat(kms.cancelKeyDeletion(r -> r.keyId(m.keyId())).keyId()).isEqualTo(m.arn());
    KeyMetadata cancelled = kms.describeKey(r -> r.keyId(m.keyId())).keyMetadata();
    assertThat(cancelled.keyState()).isEqualTo(KeyState.DISABLED);
    assertThat(cancelled.deletionDate()).isNull();
    assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob)))
        .isInstanceOf(DisabledException.class);
    assertThatThrownBy(() -> kms.cancelKeyDeletion(r -> r.keyId(m.keyId())))
        .isInstanceOf(KmsInvalidStateException.class);
    kms.enableKey(r -> r.keyId(m.keyId()));
    assertThat(kms.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("x");
  }

  @Test
  void pendingWindowOutsideSevenToThirtyDaysIsRejected() {
    KeyMetadata m = newKey("window");
    assertThatThrownBy(
            () -> kms.scheduleKeyDeletion(r -> r.keyId(m.keyId()).pendingWindowInDays(6)))
        .hasMessageContaining("between 7 and 30");
  }
}
