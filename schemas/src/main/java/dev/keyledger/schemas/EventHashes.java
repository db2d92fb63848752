package dev.keyledger.schemas;

import dev.keyledger.avro.EventEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.avro.io.BinaryEncoder;
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
        .build();
  }

  /** Whether the envelope's hash matches its content (constant-time comparison). */
  public static boolean isIntact(EventEnvelope event) {
    if (!isHexHash(event.getPrevHash()) || !isHexHash(event.getHash())) {
      return false;
    }
    return MessageDigest.isEqual(HEX.parseHex(compute(event)), HEX.parseHex(event.getHash()));
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
