package dev.keyledger.engine.domain;

import dev.keyledger.avro.state.DekState;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's DEK records, one per DEK version. They live beside the tenant's state, not in it, so a
 * command reads only the records it names and the state stays the same size however many DEKs the
 * tenant has made.
 */
public interface DekRecords {

  /** No DEKs at all: a new tenant, or a command that reads none. */
  DekRecords NONE =
      new DekRecords() {
        @Override
        public Optional<DekState> version(int version) {
          return Optional.empty();
        }

        @Override
        public List<DekState> all() {
          return List.of();
        }
      };

  /** The record of one DEK version. */
  Optional<DekState> version(int version);

  /**
   * Every record of the tenant, oldest version first. Its cost grows with the tenant's history: for
   * rare commands only (destroying a TMK version, a pre-v4 event that names a DEK by id).
   */
  List<DekState> all();

  /** The record of the DEK with this id and version, if both match. */
  default Optional<DekState> find(String dekId, int version) {
    return version(version).filter(d -> d.getDek().getDekId().equals(dekId));
  }
}
