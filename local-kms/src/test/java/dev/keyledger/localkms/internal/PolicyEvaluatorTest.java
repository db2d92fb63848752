package dev.keyledger.localkms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.localkms.internal.PolicyEvaluator.Decision;
import dev.keyledger.localkms.internal.PolicyEvaluator.RequestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {
  private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/k1";
  private static final Principal PLATFORM =
      new Principal(
          "arn:aws:iam::000000000000:role/keyledger-service", "000000000000", "AROAX", null, true);
  private static final Principal SESSION =
      new Principal(
          "arn:aws:sts::111122223333:assumed-role/App/s1",
          "111122223333",
          "AROAY:s1",
          "arn:aws:iam::111122223333:role/App",
          false);

  private static Decision resource(
      String statement, Principal p, String action, Map<String, List<String>> conditions) {
    return PolicyEvaluator.evaluateResourcePolicy(
        "{\"Statement\":[" + statement + "]}", new RequestContext(p, action, KEY, conditions));
  }

  @Test
  void principalsMatchByArnRoleOfSessionAccountAndStar() {
    String byArn =
        "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:role/keyledger-service\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
    String byRole =
        "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:role/App\"]},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
    String byRoot =
        "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
    String star =
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}";
    assertThat(resource(byArn, PLATFORM, "kms:Decrypt", Map.of())).isEqualTo(Decision.ALLOW_DIRECT);
    assertThat(resource(byArn, SESSION, "kms:Decrypt", Map.of())).isEqualTo(Decision.NO_MATCH);
    assertThat(resource(byRole, SESSION, "kms:Decrypt", Map.of())).isEqualTo(Decision.ALLOW_DIRECT);
    assertThat(resource(byRoot, SESSION, "kms:Decrypt", Map.of()))
        .isEqualTo(Decision.ALLOW_VIA_ACCOUNT);
    assertThat(resource(byRoot, PLATFORM, "kms:Decrypt", Map.of())).isEqualTo(Decision.NO_MATCH);
    assertThat(resource(star, PLATFORM, "kms:Decrypt", Map.of())).isEqualTo(Decision.ALLOW_DIRECT);
  }

  @Test
  void actionsMatchWithWildcardsCaseInsensitively() {
    String st =
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"kms:Generate*\",\"KMS:decrypt\"],\"Resource\":\"*\"}";
    assertThat(resource(st, PLATFORM, "kms:GenerateDataKey", Map.of()))
        .isEqualTo(Decision.ALLOW_DIRECT);
    assertThat(resource(st, PLATFORM, "kms:Decrypt", Map.of())).isEqualTo(Decision.ALLOW_DIRECT);
    assertThat(resource(st, PLATFORM, "kms:Encrypt", Map.of())).isEqualTo(Decision.NO_MATCH);
    String notAction =
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"kms:Encrypt\",\"Resource\":\"*\"}";
    assertThat(resource(notAction, PLATFORM, "kms:Encrypt", Map.of())).isEqualTo(Decision.NO_MATCH);
    assertThat(resource(notAction, PLATFORM, "kms:Decrypt", Map.of()))
        .isEqualTo(Decision.ALLOW_DIRECT);
  }

  @Test
  void denyWinsRegardlessOfOrder() {
    String allow =
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}";
    String deny =
        "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"000000000000\"},\"Action\":\"kms:Decrypt\",\"Resource\":\""
            + KEY
            + "\"}";
    assertThat(resource(allow + "," + deny, PLATFORM, "kms:Decrypt", Map.of()))
        .isEqualTo(Decision.DENY);
    assertThat(resource(deny + "," + allow, PLATFORM, "kms:Decrypt", Map.of()))
        .isEqualTo(Decision.DENY);
    assertThat(resource(deny + "," + allow, PLATFORM, "kms:Encrypt", Map.of()))
        .isEqualTo(Decision.ALLOW_DIRECT);
  }

  @Test
  void conditionsNeedEveryKeyAndAnyValue() {
    String st =
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":{"
            + "\"StringEquals\":{\"kms:EncryptionContext:service\":\"keyledger\",\"kms:EncryptionContext:tenant_id\":[\"t-1\",\"t-2\"]},"
            + "\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/keyledger-*\"}}}";
    Map<String, List<String>> good =
        Map.of(
            "kms:encryptioncontext:service",
            List.of("keyledger"),
            "kms:encryptioncontext:tenant_id",
            List.of("t-2"),
            "aws:principalarn",
            List.of(PLATFORM.arn()));
    assertThat(resource(st, PLATFORM, "kms:Decrypt", good)).isEqualTo(Decision.ALLOW_DIRECT);
    Map<String, List<String>> otherTenant =
        Map.of(
            "kms:encryptioncontext:service",
            List.of("keyledger"),
            "kms:encryptioncontext:tenant_id",
            List.of("t-3"),
            "aws:principalarn",
            List.of(PLATFORM.arn()));
    assertThat(resource(st, PLATFORM, "kms:Decrypt", otherTenant)).isEqualTo(Decision.NO_MATCH);
    assertThat(resource(st, PLATFORM, "kms:Decrypt", Map.of())).isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void negatedIfExistsAndNullOperators() {
    String notEquals =
        "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":"
            + "{\"StringNotEquals\":{\"kms:EncryptionContext:service\":\"keyledger\"}}}";
    assertThat(resource(notEquals, PLATFORM, "kms:Decrypt", Map.of())).isEqualTo(Decision.DENY);
    assertThat(
            resource(
                notEquals,
                PLATFORM,
                "kms:Decrypt",
                Map.of("kms:encryptioncontext:service", List.of("keyledger"))))
        .isEqualTo(Decision.NO_MATCH);
    String ifExists =
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":"
            + "{\"StringEqualsIfExists\":{\"sts:ExternalId\":\"abc\"}}}";
    assertThat(resource(ifExists, PLATFORM, "kms:Decrypt", Map.of()))
        .isEqualTo(Decision.ALLOW_DIRECT);
    assertThat(resource(ifExists, PLATFORM, "kms:Decrypt", Map.of("sts:externalid", List.of("x"))))
        .isEqualTo(Decision.NO_MATCH);
    String isNull =
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\",\"Condition\":"
            + "{\"Null\":{\"kms:EncryptionContextKeys\":\"false\"}}}";
    assertThat(resource(isNull, PLATFORM, "kms:Decrypt", Map.of())).isEqualTo(Decision.NO_MATCH);
    assertThat(
            resource(
                isNull, PLATFORM, "kms:Decrypt", Map.of("kms:encryptioncontextkeys", List.of("a"))))
        .isEqualTo(Decision.ALLOW_DIRECT);
  }

  @Test
  void identityPoliciesIgnorePrincipalsAndMatchResources() {
    String policy =
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\"],\"Resource\":\""
            + KEY
            + "\"}}";
    assertThat(
            PolicyEvaluator.evaluateIdentityPolicies(
                List.of(policy), new RequestContext(SESSION, "kms:Decrypt", KEY, Map.of())))
        .isEqualTo(Decision.ALLOW_DIRECT);
    assertThat(
            PolicyEvaluator.evaluateIdentityPolicies(
                List.of(policy),
                new RequestContext(SESSION, "kms:Decrypt", KEY.replace("k1", "k2"), Map.of())))
        .isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void validationRejectsWhatAwsRejects() {
    assertThatThrownBy(() -> PolicyEvaluator.validate("{", true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PolicyEvaluator.validate("{\"Statement\":[]}", true))
        .hasMessageContaining("at least one Statement");
    assertThatThrownBy(
            () ->
                PolicyEvaluator.validate(
                    "{\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"*\"}]}", false))
        .hasMessageContaining("Effect");
    assertThatThrownBy(
            () ->
                PolicyEvaluator.validate(
                    "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}", true))
        .hasMessageContaining("Principal");
  }
}
