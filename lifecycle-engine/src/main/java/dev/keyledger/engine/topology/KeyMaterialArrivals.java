package dev.keyledger.engine.topology;

/**
 * Told of every record of the key-material table as it lands in the store (wrapped key bytes or a
 * tombstone), on the stream thread, after the store holds it. Must be fast and must not throw.
 */
@FunctionalInterface
public interface KeyMaterialArrivals {

  /** Nobody listens. */
  KeyMaterialArrivals NONE = materialKey -> {};

  /** The store now holds what was last written under {@code materialKey}. */
  void arrived(String materialKey);
}
