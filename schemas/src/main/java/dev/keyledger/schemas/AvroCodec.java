package dev.keyledger.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding: 2-byte marker {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of
 * the writer schema, then the Avro binary body. A reader needs only the schemas of {@link
 * ReleasedSchemas}; no registry. Thread-safe.
 *
 * @param <T> a generated record class
 */
public final class AvroCodec<T extends SpecificRecord> implements RecordCodec<T> {

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final String recordName;

  private AvroCodec(Schema schema) {
    SpecificData model = SpecificData.getForSchema(schema);
    this.recordName = schema.getFullName();
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    for (Schema released : ReleasedSchemas.versionsOf(schema.getFullName())) {
      decoder.addSchema(released);
    }
  }

  /**
   * A codec for the generated class whose schema is given, e.g. {@code
   * EventEnvelope.getClassSchema()}.
   */
  public static <T extends SpecificRecord> AvroCodec<T> of(Schema schema) {
    return new AvroCodec<>(schema);
  }

  @Override
  public byte[] encode(T record) {
    try {
      return encoder.encode(record).array();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding " + recordName, e);
    }
  }

  @Override
  public T decode(byte[] bytes) throws UndecodableRecordException {
    if (bytes == null) {
      throw new UndecodableRecordException("null value is not a " + recordName, null);
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException
        | AvroRuntimeException
        | IndexOutOfBoundsException
        | NegativeArraySizeException e) {
      throw new UndecodableRecordException(
          "not a "
              + recordName
              + " in Avro single-object encoding ("
              + bytes.length
              + " bytes): "
              + e.getClass().getSimpleName(),
          e);
    }
  }
}
