package dev.keyledger.localkms.internal;

/**
 * An AWS error answer: the error code as the service spells it, the HTTP status, and the message.
 * Rendered as JSON 1.1 for KMS and as a Query-protocol {@code ErrorResponse} for STS and IAM.
 */
public final class AwsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final int status;
  private final boolean senderFault;

  AwsException(String code, int status, boolean senderFault, String message) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
    this.senderFault = senderFault;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  /** Query-protocol {@code <Type>}: Sender (the caller's fault) or Receiver. */
  public String faultType() {
    return senderFault ? "Sender" : "Receiver";
  }
}
