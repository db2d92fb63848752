package dev.keyledger.schemas;

import dev.keyledger.avro.EventEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The per-tenant hash chain of the event log. {@code hash = hex(SHA-256(prev_hash bytes || Avro
 * binary of the envelope with hash = ""))}; the first event of a tenant has {@code prev_hash} =
 * {@link #GENESIS} (64 zeros). A subscriber can check a chain with this class and the schema alone.
 */
public final class EventHashes {

  /** The {@code prev_hash} of a tenant's first event. */
  public static final String GENESIS = "0".repeat(64);

  private static final HexFormat HEX = HexFormat.of();
  private static final SpecificDatumWriter<EventEnvelope> WRITER =
      new SpecificDatumWriter<>(EventEnvelope.class);
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(EventHashes::sha256);

  /** The envelope schemas of earlier releases that differ from the current one, newest first. */
  private static final List<Schema> OLDER_RELEASES = olderReleases();

  private EventHashes() {}

  /**
   * The hash this envelope must carry, computed from its other fields (its own {@code hash} is
   * ignored).
   */
  public static String compute(EventEnvelope event) {
    EventEnvelope unsealed = event.getHash().isEmpty() ? event : withHash(event, "");
    MessageDigest sha256 = SHA_256.get();
    sha256.reset();
    sha256.update(HEX.parseHex(event.getPrevHash()));
    sha256.update(binary(unsealed));
    return HEX.formatHex(sha256.digest());
  }

  /** A copy of the envelope with its {@code hash} set; it shares the envelope's field values. */
  public static EventEnvelope seal(EventEnvelope event) {
    return withHash(event, compute(event));
  }

  /**
   * The envelope with another hash, sharing every other field value (no deep copy: envelopes are
   * never changed once built). Lists every field; a missing one breaks every chain test.
   */
  private static EventEnvelope withHash(EventEnvelope event, String hash) {
    return EventEnvelope.newBuilder()
        .setEventId(event.getEventId())
        .setTenantId(event.getTenantId())
        .setSeq(event.getSeq())
        .setOccurredAt(event.getOccurredAt())
        .setActor(event.getActor())
        .setCommandId(event.getCommandId())
        .setCorrelationId(event.getCorrelationId())
        .setLatencyMs(event.getLatencyMs())
        .setPrevHash(event.getPrevHash())
        .setHash(hash)
        .setPayload(event.getPayload())
        .setKeyId(event.getKeyId())
        .build();
  }

  /**
   * Whether the envelope's hash matches its content (constant-time comparison). An event is hashed
   * over the encoding of the release that wrote it; one decoded from an older release's bytes is
   * read into the current schema, whose added fields change the encoding, so when the current
   * encoding does not match, the event is also tried as each older release encodes it (its fields
   * projected onto that schema by Avro's own resolution). Tampering still breaks it: an event the
   * current release sealed matches no older encoding, and an older event has no newer fields.
   */
  public static boolean isIntact(EventEnvelope event) {
    if (!isHexHash(event.getPrevHash()) || !isHexHash(event.getHash())) {
      return false;
    }
    byte[] expected = HEX.parseHex(event.getHash());
    if (MessageDigest.isEqual(HEX.parseHex(compute(event)), expected)) {
      return true;
    }
    byte[] current = binary(withHash(event, ""));
    for (Schema older : OLDER_RELEASES) {
      Optional<byte[]> encoded = encodedAs(current, older);
      if (encoded.isPresent() && MessageDigest.isEqual(digest(event, encoded.get()), expected)) {
        return true;
      }
    }
    return false;
  }

  /** The current encoding of an envelope, as {@code older} would have written it, if it can. */
  private static Optional<byte[]> encodedAs(byte[] current, Schema older) {
    try {
      GenericRecord projected =
          new GenericDatumReader<GenericRecord>(EventEnvelope.getClassSchema(), older)
              .read(null, DecoderFactory.get().binaryDecoder(current, null));
      ByteArrayOutputStream out = new ByteArrayOutputStream(current.length);
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(older).write(projected, encoder);
      encoder.flush();
      return Optional.of(out.toByteArray());
    } catch (IOException | AvroRuntimeException e) {
      return Optional.empty(); // the older release has no such payload type
    }
  }

  private static byte[] digest(EventEnvelope event, byte[] unsealed) {
    MessageDigest sha256 = SHA_256.get();
    sha256.reset();
    sha256.update(HEX.parseHex(event.getPrevHash()));
    sha256.update(unsealed);
    return sha256.digest();
  }

  private static boolean isHexHash(String s) {
    return s != null
        && s.length() == 64
        && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }

  private static byte[] binary(EventEnvelope event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      WRITER.write(event, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static List<Schema> olderReleases() {
    Schema current = EventEnvelope.getClassSchema();
    long fingerprint = SchemaNormalization.parsingFingerprint64(current);
    List<Schema> older = new ArrayList<>();
    for (Schema released : ReleasedSchemas.versionsOf(current.getFullName())) {
      if (SchemaNormalization.parsingFingerprint64(released) != fingerprint) {
        older.add(0, released);
      }
    }
    return List.copyOf(older);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
