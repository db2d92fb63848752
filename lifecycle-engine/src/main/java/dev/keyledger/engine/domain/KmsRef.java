package dev.keyledger.engine.domain;

/**
 * A parsed AWS KMS key reference.
 *
 * @param kind key ARN or alias ARN
 * @param partition aws, aws-cn or aws-us-gov
 * @param region the ARN's region
 * @param account the 12-digit account id
 * @param resource the key id ({@code mrk-...} for multi-region keys) or {@code alias/NAME}
 */
public record KmsRef(Kind kind, String partition, String region, String account, String resource) {

  public enum Kind {
    KEY,
    ALIAS
  }

  public boolean isMultiRegion() {
    return kind == Kind.KEY && resource.startsWith("mrk-");
  }

  public String arn() {
    return "arn:"
        + partition
        + ":kms:"
        + region
        + ":"
        + account
        + ":"
        + (kind == Kind.KEY ? "key/" : "")
        + resource;
  }
}
