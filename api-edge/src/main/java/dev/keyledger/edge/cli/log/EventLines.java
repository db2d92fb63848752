package dev.keyledger.edge.cli.log;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.projections.AuditEntries;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One readable line per event for {@code keyledger tail}: when it occurred, the tenant, the seq,
 * the event type with its audit operation (and status unless {@code success}), who did it, then the
 * payload's fields as {@code name=value} (nested fields dotted, lists of records counted, long
 * texts cut). The payload is read through the audit trail's {@link AuditEntries#metadata}, which
 * refuses bytes: the event log holds no key material, and no line can show any.
 *
 * <pre>{@code
 * 2026-11-01T10:00:03Z acme #3 DekCreated (create_dek) by alice@example.com dek.dek_id=dek_1 dek.version=1 ...
 * }</pre>
 */
public final class EventLines {

  /** Longest value shown whole; longer ones are cut, with {@code ...}. */
  static final int MAX_VALUE = 80;

  private EventLines() {}

  /** The line of one record of the events topic. */
  public static String line(ConsumerRecord<String, byte[]> record) {
    EventEnvelope event;
    try {
      event = Codecs.EVENTS.decode(record.value());
    } catch (UndecodableRecordException e) {
      return Instant.ofEpochMilli(record.timestamp())
          + " "
          + record.key()
          + " partition "
          + record.partition()
          + " offset "
          + record.offset()
          + ": not a decodable event ("
          + e.getMessage()
          + ")";
    }
    return line(event);
  }

  /** The line of one event. */
  public static String line(EventEnvelope event) {
    StringBuilder line =
        new StringBuilder()
            .append(event.getOccurredAt())
            .append(' ')
            .append(event.getTenantId())
            .append(" #")
            .append(event.getSeq())
            .append(' ')
            .append(event.getPayload().getClass().getSimpleName())
            .append(" (")
            .append(AuditEntries.operation(event));
    String status = AuditEntries.status(event);
    if (!AuditEntries.SUCCESS.equals(status)) {
      line.append(", ").append(status);
    }
    line.append(") by ").append(event.getActor().getSub());
    Map<String, Object> fields;
    try {
      fields = AuditEntries.metadata(event);
    } catch (IllegalStateException e) {
      return line.append(" [payload not shown: it holds bytes]").toString();
    }
    appendFields(line, "", fields);
    return line.toString();
  }

  private static void appendFields(StringBuilder line, String prefix, Map<String, Object> fields) {
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      String name = prefix + field.getKey();
      Object value = field.getValue();
      if (value == null) {
        continue;
      }
      if (value instanceof Map<?, ?> nested) {
        @SuppressWarnings("unchecked") // AuditEntries.metadata: string keys
        Map<String, Object> typed = (Map<String, Object>) nested;
        appendFields(line, name + ".", typed);
      } else if (value instanceof List<?> list) {
        line.append(' ').append(name).append('=').append(list(list));
      } else {
        line.append(' ').append(name).append('=').append(scalar(value));
      }
    }
  }

  private static String list(List<?> list) {
    if (list.stream().anyMatch(v -> v instanceof Map<?, ?> || v instanceof List<?>)) {
      return "[" + list.size() + (list.size() == 1 ? " item]" : " items]");
    }
    StringBuilder out = new StringBuilder("[");
    for (Object item : list) {
      out.append(out.length() > 1 ? "," : "").append(scalar(item));
    }
    return out.append(']').toString();
  }

  private static String scalar(Object value) {
    String text = String.valueOf(value);
    if (text.length() > MAX_VALUE) {
      text = text.substring(0, MAX_VALUE) + "...";
    }
    boolean plain =
        !text.isEmpty() && text.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"');
    return plain ? text : '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
