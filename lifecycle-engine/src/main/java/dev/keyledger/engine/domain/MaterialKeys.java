package dev.keyledger.engine.domain;

import dev.keyledger.avro.KeyMaterial;

/**
 * Record keys of the compacted key-material topic. A TMK version's wrapped bytes are under {@code
 * tenant/tmk_id}; a DEK's under {@code tenant/dek_id@tmk_version} (one record per wrapping, so a
 * re-wrap never overwrites the copy the state still points at).
 */
public final class MaterialKeys {

  private MaterialKeys() {}

  /** The record key of a key-material record. */
  public static String of(KeyMaterial material) {
    return material.getDek() == null
        ? tmk(material.getTenantId(), material.getTmk().getTmkId())
        : dek(material.getTenantId(), material.getDek().getDekId(), material.getTmk().getVersion());
  }

  public static String tmk(String tenantId, String tmkId) {
    return tenantId + "/" + tmkId;
  }

  public static String dek(String tenantId, String dekId, int tmkVersion) {
    return tenantId + "/" + dekId + "@" + tmkVersion;
  }
}
