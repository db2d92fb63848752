package dev.keyledger.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.EventEnvelope;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class EventHashesTest {

  /** Random envelopes (every field and union branch exercised), with a well-formed prev hash. */
  private static EventEnvelope random(RandomRecords random) throws Exception {
    Schema schema = EventEnvelope.getClassSchema();
    GenericData.Record record = (GenericData.Record) random.next(schema);
    record.put("prev_hash", EventHashes.GENESIS);
    record.put("hash", "");
    byte[] bytes =
        new BinaryMessageEncoder<GenericData.Record>(new GenericData(), schema)
            .encode(record)
            .array();
    return Codecs.EVENTS.decode(bytes);
  }

  @Test
  void sealingSetsOnlyTheHashAndTheSealedEnvelopeIsIntact() throws Exception {
    RandomRecords random = new RandomRecords(7);
    for (int i = 0; i < 200; i++) {
      EventEnvelope unsealed = random(random);
      EventEnvelope sealed = EventHashes.seal(unsealed);
      assertThat(sealed.getHash()).hasSize(64);
      assertThat(EventHashes.isIntact(sealed)).isTrue();
      for (Schema.Field field : EventEnvelope.getClassSchema().getFields()) {
        if (!field.name().equals("hash")) {
          assertThat(sealed.get(field.pos())).as(field.name()).isEqualTo(unsealed.get(field.pos()));
        }
      }
      assertThat(EventHashes.compute(sealed))
          .as("the hash ignores the hash field itself")
          .isEqualTo(sealed.getHash());
    }
  }

  @Test
  void aChangedFieldBreaksTheHash() throws Exception {
    EventEnvelope sealed = EventHashes.seal(random(new RandomRecords(11)));
    EventEnvelope tampered = EventEnvelope.newBuilder(sealed).setSeq(sealed.getSeq() + 1).build();
    assertThat(EventHashes.isIntact(tampered)).isFalse();
  }
}
