package dev.keyledger.engine.keys;

import dev.keyledger.avro.KeyMaterial;
import java.util.Optional;

/** Where the key ring reads wrapped key bytes (the key-material store, wherever it lives). */
public interface KeyStateSource {

  /** The key-material record under {@code materialKey} ({@code MaterialKeys}), if present. */
  Optional<KeyMaterial> material(String materialKey);
}
