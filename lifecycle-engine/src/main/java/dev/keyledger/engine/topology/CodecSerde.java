package dev.keyledger.engine.topology;

import dev.keyledger.schemas.RecordCodec;
import dev.keyledger.schemas.UndecodableRecordException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka serde over a {@link RecordCodec}; a null value is a tombstone both ways. */
public final class CodecSerde<T> implements Serde<T> {

  private final RecordCodec<T> codec;

  public CodecSerde(RecordCodec<T> codec) {
    this.codec = codec;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : codec.encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return codec.decode(bytes);
      } catch (UndecodableRecordException e) {
        throw new SerializationException(
            "undecodable record on " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
