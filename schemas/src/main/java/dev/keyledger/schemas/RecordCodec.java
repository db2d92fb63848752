package dev.keyledger.schemas;

/**
 * Turns one record type into bytes and back. Every Kafka record of KeyLedger goes through one of
 * these, so that another wire format (e.g. Confluent's registry format) can be added behind the
 * same interface.
 *
 * @param <T> the record type
 */
public interface RecordCodec<T> {

  /** Encodes a record; never fails for a valid record. */
  byte[] encode(T record);

  /**
   * Decodes bytes written by this codec with the current or any released schema version.
   *
   * @throws UndecodableRecordException when the bytes are not such a record (wrong format, unknown
   *     schema fingerprint, truncated body); the caller dead-letters them
   */
  T decode(byte[] bytes) throws UndecodableRecordException;
}
