package dev.keyledger.projections;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the audit store: {@code tenant UTF-8 || 0x00 || (Long.MAX_VALUE - seq) big-endian}, so a
 * forward scan of one tenant's range reads its events newest first. Tenant ids never contain 0x00.
 */
public final class AuditKeys {

  private AuditKeys() {}

  public static Bytes of(String tenantId, long seq) {
    byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(tenant.length + 9)
            .put(tenant)
            .put((byte) 0)
            .putLong(Long.MAX_VALUE - seq)
            .array());
  }

  /** The last key of a tenant's range (its seq 1 event, the oldest). */
  public static Bytes oldest(String tenantId) {
    return of(tenantId, 1);
  }
}
