package dev.keyledger.localkms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the canonicalisation against the worked example of AWS's SigV4 documentation (IAM
 * ListUsers).
 */
class SigV4VerifierTest {
  private static final Secret EXAMPLE_SECRET =
      new Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  private static final String EXAMPLE_SIGNATURE =
      "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static IncomingRequest exampleRequest(String signature) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("content-type", List.of("application/x-www-form-urlencoded; charset=utf-8"));
    headers.put("host", List.of("iam.amazonaws.com"));
    headers.put("x-amz-date", List.of("20150830T123600Z"));
    headers.put(
        "authorization",
        List.of(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature="
                + signature));
    return new IncomingRequest(
        "GET", "/", "Action=ListUsers&Version=2010-05-08", headers, new byte[0]);
  }

  private static SigV4Verifier verifierAt(String instant) {
    return new SigV4Verifier(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  @Test
  void awsDocumentationExampleVerifies() {
    IncomingRequest req = exampleRequest(EXAMPLE_SIGNATURE);
    SigV4Verifier.Auth auth = SigV4Verifier.parse(req).orElseThrow();
    assertThat(auth.accessKeyId()).isEqualTo("AKIDEXAMPLE");
    assertThat(auth.service()).isEqualTo("iam");
    assertThat(SigV4Verifier.canonicalRequest(req, auth))
        .isEqualTo(
            """
                GET
                /
                Action=ListUsers&Version=2010-05-08
                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:iam.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                """
                + EMPTY_SHA256);
    verifierAt("2015-08-30T12:40:00Z").verify(req, auth, EXAMPLE_SECRET, Service.IAM);
  }

  @Test
  void oneChangedCharacterOfTheSignatureIsRejected() {
    IncomingRequest req = exampleRequest(EXAMPLE_SIGNATURE.substring(0, 63) + "8");
    SigV4Verifier.Auth auth = SigV4Verifier.parse(req).orElseThrow();
    assertThatThrownBy(
            () -> verifierAt("2015-08-30T12:40:00Z").verify(req, auth, EXAMPLE_SECRET, Service.IAM))
        .isInstanceOfSatisfying(
            AwsException.class, e -> assertThat(e.code()).isEqualTo("SignatureDoesNotMatch"));
  }

  @Test
  void aSignatureOlderThanFifteenMinutesHasExpired() {
    IncomingRequest req = exampleRequest(EXAMPLE_SIGNATURE);
    SigV4Verifier.Auth auth = SigV4Verifier.parse(req).orElseThrow();
    assertThatThrownBy(
            () -> verifierAt("2015-08-30T13:00:00Z").verify(req, auth, EXAMPLE_SECRET, Service.KMS))
        .isInstanceOfSatisfying(
            AwsException.class,
            e -> {
              assertThat(e.code()).isEqualTo("InvalidSignatureException");
              assertThat(e.getMessage()).startsWith("Signature expired");
            });
  }

  @Test
  void aBodyThatDoesNotMatchItsDeclaredHashFailsVerification() {
    Map<String, List<String>> headers =
        new LinkedHashMap<>(exampleRequest(EXAMPLE_SIGNATURE).headers());
    headers.put("x-amz-content-sha256", List.of(EMPTY_SHA256));
    IncomingRequest req =
        new IncomingRequest(
            "GET",
            "/",
            "Action=ListUsers&Version=2010-05-08",
            headers,
            "tampered".getBytes(StandardCharsets.UTF_8));
    SigV4Verifier.Auth auth = SigV4Verifier.parse(req).orElseThrow();
    assertThat(SigV4Verifier.canonicalRequest(req, auth)).doesNotEndWith(EMPTY_SHA256);
  }

  @Test
  void queryStringIsCanonicalisedSortedAndReEncoded() {
    Map<String, List<String>> headers =
        Map.of(
            "host",
            List.of("h"),
            "x-amz-date",
            List.of("20150830T123600Z"),
            "authorization",
            List.of(
                "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00"));
    IncomingRequest req =
        new IncomingRequest("GET", "/", "b=2&a=x%20y&a=%2B&c", headers, new byte[0]);
    String canonical = SigV4Verifier.canonicalRequest(req, SigV4Verifier.parse(req).orElseThrow());
    assertThat(canonical.split("\n")[2]).isEqualTo("a=%2B&a=x%20y&b=2&c=");
  }

  @Test
  void headerValuesAreTrimmedAndInnerSpacesCollapsed() {
    Map<String, List<String>> headers =
        Map.of(
            "host",
            List.of("h"),
            "x-amz-date",
            List.of("20150830T123600Z"),
            "x-custom",
            List.of("  a   b  ", "c"),
            "authorization",
            List.of(
                "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/kms/aws4_request, SignedHeaders=host;x-custom, Signature=00"));
    IncomingRequest req = new IncomingRequest("POST", "/", null, headers, new byte[0]);
    String canonical = SigV4Verifier.canonicalRequest(req, SigV4Verifier.parse(req).orElseThrow());
    assertThat(canonical).contains("\nx-custom:a b,c\n");
  }
}
