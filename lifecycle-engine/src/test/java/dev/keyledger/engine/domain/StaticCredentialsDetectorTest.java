package dev.keyledger.engine.domain;

import static dev.keyledger.engine.domain.StaticCredentialsDetector.findStaticCredentials;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticCredentialsDetectorTest {
  // AWS's documented example credentials, not real ones.
  private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String SESSION_KEY_ID = "ASIAIOSFODNN7EXAMPLE";

  @Test
  void aCleanOnboardingBodyHasNoFinding() {
    Map<String, Object> body =
        Map.of(
            "provider", "aws",
            "kms_key_ref", "arn:aws:kms:us-east-1:111122223333:key/abcd-1234-5678-efgh",
            "config",
                Map.of(
                    "region", "us-east-1",
                    "role_arn", "arn:aws:iam::111122223333:role/KnoxCallKMSAccess",
                    "external_id", "550e8400-e29b-41d4-a716-446655440000"));

    assertThat(findStaticCredentials(body)).isEmpty();
  }

  @Test
  void credentialFieldNamesAreFoundInAnySpellingAndAtAnyDepth() {
    Map<String, Object> body =
        ordered(
            "provider", "aws",
            "config",
                ordered(
                    "region", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "not-a-real-pattern",
                    "secretAccessKey", "x",
                    "nested",
                        List.of(
                            ordered("Session-Token", "tok"),
                            ordered("credentials", ordered("a", "b")))),
            "aws_secret_access_key", "y");

    assertThat(findStaticCredentials(body))
        .containsExactly(
            "$.config.AWS_ACCESS_KEY_ID",
            "$.config.secretAccessKey",
            "$.config.nested[0]['Session-Token']",
            "$.config.nested[1].credentials",
            "$.aws_secret_access_key");
  }

  @Test
  void accessKeyIdsAreFoundByValueAndASecretBesideThemToo() {
    Map<String, Object> body =
        ordered(
            "config", ordered("user", KEY_ID, "pass", SECRET),
            "notes", List.of("fine", "export AWS_SECRET_ACCESS_KEY=abc"),
            "token_owner", "session " + SESSION_KEY_ID + " of bob");

    assertThat(findStaticCredentials(body))
        .containsExactly("$.config.user", "$.config.pass", "$.notes[1]", "$.token_owner");
  }

  @Test
  void aSecretShapedStringAloneIsNotACredential() {
    assertThat(findStaticCredentials(Map.of("fingerprint", SECRET))).isEmpty();
  }

  @Test
  void emptyCredentialFieldsAreNotFindings() {
    Map<String, Object> body =
        ordered("credentials", null, "session_token", "", "accessKeyId", List.of());

    assertThat(findStaticCredentials(body)).isEmpty();
  }

  @Test
  void pathsNeverContainTheValues() {
    Map<String, Object> body =
        ordered(KEY_ID, "field named by a key id", "config", ordered("k", SECRET, "id", KEY_ID));

    List<String> paths = findStaticCredentials(body);

    assertThat(paths).containsExactly("$[<redacted>]", "$.config.k", "$.config.id");
    assertThat(String.join(" ", paths)).doesNotContain(KEY_ID).doesNotContain(SECRET);
  }

  @Test
  void deepNestingDoesNotOverflowTheStack() {
    Object tree = Map.of("aws_session_token", "t");
    for (int i = 0; i < 100_000; i++) {
      tree = List.of(tree);
    }

    assertThat(findStaticCredentials(tree))
        .singleElement()
        .asString()
        .endsWith("[0].aws_session_token");
  }

  @Test
  void scalarsAndNullsAreHandled() {
    assertThat(findStaticCredentials(null)).isEmpty();
    assertThat(findStaticCredentials(Arrays.asList(1, true, null, 2.5))).isEmpty();
    assertThat(findStaticCredentials(KEY_ID)).containsExactly("$");
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
