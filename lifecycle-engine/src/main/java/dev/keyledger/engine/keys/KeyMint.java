package dev.keyledger.engine.keys;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.engine.crypto.KeyFingerprint;
import dev.keyledger.engine.crypto.Keys;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.crypto.TmkKeyWrapper;
import dev.keyledger.engine.crypto.WrapContext;
import dev.keyledger.engine.kms.CmkRef;
import dev.keyledger.engine.kms.CustomerKms;
import dev.keyledger.engine.kms.KmsException;
import dev.keyledger.envelope.SecretBytes;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Makes new keys: a TMK version wrapped by the customer's CMK or by the platform key, and
 * optionally the DEK that it wraps at once. The plaintext exists only inside this call; what leaves
 * is references for the event log and wrapped bytes for the key-material topic.
 */
public final class KeyMint {

  private final CustomerKms kms;
  private final PlatformKeyWrapper platformKey;

  public KeyMint(CustomerKms kms, PlatformKeyWrapper platformKey) {
    this.kms = kms;
    this.platformKey = platformKey;
  }

  /**
   * New keys and their key-material records.
   *
   * @param tmk the new TMK version
   * @param dek the new DEK wrapped by it, or null
   * @param material the records to write with the command (same transaction)
   */
  public record Minted(TmkRef tmk, DekRef dek, List<KeyMaterial> material) {}

  /**
   * A TMK version wrapped by the CMK (encryption context of SPEC §1), and a DEK under it when
   * {@code dekVersion} is not null.
   *
   * @param cmkKeyArn the resolved key ARN, recorded with the TMK
   */
  public Minted underCmk(
      String tenantId, CmkRef cmk, String cmkKeyArn, int tmkVersion, Integer dekVersion)
      throws KmsException, GeneralSecurityException {
    SecretBytes tmk = Keys.newAes256();
    byte[] plaintext = tmk.toByteArray();
    try {
      byte[] wrapped =
          kms.encrypt(cmk, TmkContext.encryptionContext(tenantId, tmkVersion), plaintext);
      return minted(
          tenantId, tmk, wrapped, "customer_kms", cmkKeyArn, tmkVersion, dekVersion, null);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
      tmk.destroy();
    }
  }

  /** A TMK version wrapped by the platform key (BYOK not active), and optionally a DEK under it. */
  public Minted underPlatformKey(String tenantId, int tmkVersion, Integer dekVersion)
      throws GeneralSecurityException {
    SecretBytes tmk = Keys.newAes256();
    String tmkId = newId("tmk");
    try {
      byte[] wrapped =
          platformKey.wrap(
              tmk, new WrapContext(tenantId, tmkId, tmkVersion, WrapContext.Purpose.TMK));
      return minted(tenantId, tmk, wrapped, "platform", null, tmkVersion, dekVersion, tmkId);
    } finally {
      tmk.destroy();
    }
  }

  private Minted minted(
      String tenantId,
      SecretBytes tmk,
      byte[] wrappedTmk,
      String wrapMethod,
      String cmkKeyArn,
      int tmkVersion,
      Integer dekVersion,
      String tmkId)
      throws GeneralSecurityException {
    TmkRef tmkRef =
        TmkRef.newBuilder()
            .setTmkId(tmkId == null ? newId("tmk") : tmkId)
            .setVersion(tmkVersion)
            .setWrapMethod(wrapMethod)
            .setFingerprint(KeyFingerprint.of(wrappedTmk))
            .setCmkKeyArn(cmkKeyArn)
            .build();
    List<KeyMaterial> material = new ArrayList<>();
    material.add(
        KeyMaterial.newBuilder()
            .setTenantId(tenantId)
            .setTmk(tmkRef)
            .setWrappedKey(ByteBuffer.wrap(wrappedTmk))
            .build());
    DekRef dekRef = null;
    if (dekVersion != null) {
      SecretBytes dek = Keys.newAes256();
      try {
        String dekId = newId("dek");
        byte[] wrappedDek =
            TmkKeyWrapper.create(tenantId, tmkVersion, tmk)
                .wrap(dek, new WrapContext(tenantId, dekId, dekVersion, WrapContext.Purpose.DEK));
        dekRef =
            DekRef.newBuilder()
                .setDekId(dekId)
                .setVersion(dekVersion)
                .setTmkVersion(tmkVersion)
                .setFingerprint(KeyFingerprint.of(wrappedDek))
                .build();
        material.add(
            KeyMaterial.newBuilder()
                .setTenantId(tenantId)
                .setTmk(tmkRef)
                .setDek(dekRef)
                .setWrappedKey(ByteBuffer.wrap(wrappedDek))
                .build());
      } finally {
        dek.destroy();
      }
    }
    return new Minted(tmkRef, dekRef, material);
  }

  /**
   * A new random key id with a readable prefix, e.g. {@code dek_3f2c...} (at most 36 characters).
   */
  public static String newId(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
  }
}
