package dev.keyledger.engine.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArnRulesTest {

  @Test
  void keyArnsAreParsedIncludingMultiRegionKeys() {
    ArnRules.Checked checked =
        ArnRules.keyArnOnly(
            "arn:aws:kms:eu-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab");
    assertThat(checked)
        .isInstanceOfSatisfying(
            ArnRules.Checked.Ok.class,
            ok -> {
              assertThat(ok.ref().region()).isEqualTo("eu-west-2");
              assertThat(ok.ref().account()).isEqualTo("111122223333");
              assertThat(ok.ref().isMultiRegion()).isTrue();
            });
  }

  @Test
  void anAliasArnOnTheTenantApiIsRefusedWithTheCommandThatPrintsTheKeyArn() {
    ArnRules.Checked checked =
        ArnRules.keyArnOnly("arn:aws:kms:us-east-1:111122223333:alias/ascend-byok-key");
    assertThat(checked)
        .isInstanceOfSatisfying(
            ArnRules.Checked.Refused.class,
            r -> {
              assertThat(r.refusal().getCode()).isEqualTo("BYOK_001");
              assertThat(r.refusal().getMessage()).startsWith("Invalid ARN format");
              assertThat(r.refusal().getHint())
                  .contains("aws kms describe-key --key-id alias/ascend-byok-key")
                  .contains("--query 'KeyMetadata.Arn' --output text");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not-an-arn",
        "alias/foo",
        "arn:aws:kms:us-east-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd",
        "arn:aws:s3:::bucket",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab ",
        "arn:aws:kms:us-east-1:111122223333:alias/aws/ebs"
      })
  void malformedReferencesAreRefusedWithByok001(String value) {
    assertThat(ArnRules.keyOrAlias(value, "kms_key_ref"))
        .isInstanceOfSatisfying(
            ArnRules.Checked.Refused.class,
            r -> assertThat(r.refusal().getCode()).isEqualTo("BYOK_001"));
  }

  @Test
  void overlongValuesAreRefusedBeforeMatching() {
    assertThat(
            ArnRules.keyOrAlias(
                "arn:aws:kms:us-east-1:111122223333:alias/" + "a".repeat(600), "kms_key_ref"))
        .isInstanceOf(ArnRules.Checked.Refused.class);
    String overlong = "arn:aws:kms:us-east-1:111122223333:alias/" + "a".repeat(2048);
    assertThat(ArnRules.keyOrAlias(overlong, "kms_key_ref"))
        .isInstanceOfSatisfying(
            ArnRules.Checked.Refused.class,
            r -> assertThat(r.refusal().getMessage()).contains("longer than 2048 characters"));
    assertThat(ArnRules.checkRoleArn("arn:aws:iam::111122223333:role/" + "r".repeat(2048)))
        .isNotNull();
  }

  @Test
  void roleArnExternalIdAndRegionRules() {
    assertThat(ArnRules.checkRoleArn("arn:aws:iam::111122223333:role/KnoxCallKMSAccess")).isNull();
    assertThat(ArnRules.checkRoleArn("arn:aws:iam::111122223333:user/bob")).isNotNull();
    assertThat(ArnRules.checkExternalId("550e8400-e29b-41d4-a716-446655440000")).isNull();
    assertThat(ArnRules.checkExternalId("x")).isNotNull();
    KmsRef ref =
        ((ArnRules.Checked.Ok)
                ArnRules.keyOrAlias("arn:aws:kms:us-east-1:111122223333:alias/k", "k"))
            .ref();
    assertThat(ArnRules.checkRegion("us-east-1", ref)).isNull();
    assertThat(ArnRules.checkRegion("eu-west-1", ref).getType()).isEqualTo("kms_verify_failed");
    assertThat(ArnRules.checkRegion("eu-west-1", ref).getCode()).isEqualTo("BYOK_002");
    assertThat(ArnRules.checkRegion("eu-west-1", ref).getReason()).isEqualTo("wrong_region");
  }
}
