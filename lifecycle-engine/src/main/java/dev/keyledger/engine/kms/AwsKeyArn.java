package dev.keyledger.engine.kms;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a KMS key or alias ARN, {@code arn:PARTITION:kms:REGION:ACCOUNT:(key|alias)/NAME}.
 */
record AwsKeyArn(
    String partition, String region, String account, String resourceType, String resourceId) {
  private static final Pattern ARN =
      Pattern.compile("arn:(aws[a-z-]*):kms:([a-z0-9-]+):([0-9]{12}):(key|alias)/(.+)");

  /**
   * Empty when {@code keyRef} is not a KMS ARN (a bare key id or alias name, or a typo AWS will
   * judge).
   */
  static Optional<AwsKeyArn> parse(String keyRef) {
    Matcher m = ARN.matcher(keyRef);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new AwsKeyArn(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
  }

  boolean isKey() {
    return "key".equals(resourceType);
  }

  /** Multi-Region key ids start with {@code mrk-}. */
  boolean isMultiRegionKey() {
    return isKey() && resourceId.startsWith("mrk-");
  }
}
