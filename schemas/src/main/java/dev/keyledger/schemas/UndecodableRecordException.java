package dev.keyledger.schemas;

/** Bytes that are not a record this codec can read. The message never contains the bytes. */
public final class UndecodableRecordException extends Exception {

  public UndecodableRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
