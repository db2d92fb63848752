package dev.keyledger.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.EventEnvelope;
import java.util.List;
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

  /**
   * An event sealed by an older release (its hash over that release's encoding) still verifies
   * after the current code decodes it, though the current schema has more fields; a change to it
   * still breaks the chain. From v3 on every release only added fields and union branches to the
   * envelope; v1 and v2 refusals carried an {@code http_status} that v3 dropped, which a decoded
   * event no longer holds, so those are left out here (verifying them needs the original bytes).
   */
  @Test
  void eventsSealedUnderEveryReleasedSchemaStillVerifyAndTamperingIsCaught() throws Exception {
    RandomRecords random = new RandomRecords(23);
    String name = EventEnvelope.getClassSchema().getFullName();
    List<Schema> releases = ReleasedSchemas.versionsOf(name);
    for (Schema released : releases.subList(2, releases.size())) {
      for (int i = 0; i < 100; i++) {
        GenericData.Record record = (GenericData.Record) random.next(released);
        record.put("prev_hash", EventHashes.GENESIS);
        record.put("hash", "");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder =
            org.apache.avro.io.EncoderFactory.get().binaryEncoder(body, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericData.Record>(released)
            .write(record, encoder);
        encoder.flush();
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(java.util.HexFormat.of().parseHex(EventHashes.GENESIS));
        record.put("hash", java.util.HexFormat.of().formatHex(sha.digest(body.toByteArray())));
        byte[] written =
            new BinaryMessageEncoder<GenericData.Record>(new GenericData(), released)
                .encode(record)
                .array();

        EventEnvelope read = Codecs.EVENTS.decode(written);
        assertThat(EventHashes.isIntact(read)).as("sealed under " + released.hashCode()).isTrue();
        EventEnvelope tampered =
            EventEnvelope.newBuilder(read).setLatencyMs(read.getLatencyMs() + 1).build();
        assertThat(EventHashes.isIntact(tampered)).isFalse();
      }
    }
  }
}
