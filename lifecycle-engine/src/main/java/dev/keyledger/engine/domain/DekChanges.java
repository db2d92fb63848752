package dev.keyledger.engine.domain;

import dev.keyledger.avro.state.DekState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The DEK records one command writes, over the records it started from: reads see the writes of the
 * events before, so a command's events apply in order as they will on replay.
 */
public final class DekChanges implements DekRecords {

  private final DekRecords before;
  private final Map<Integer, DekState> written = new TreeMap<>();

  public DekChanges(DekRecords before) {
    this.before = before;
  }

  @Override
  public Optional<DekState> version(int version) {
    DekState changed = written.get(version);
    return changed != null ? Optional.of(changed) : before.version(version);
  }

  @Override
  public List<DekState> all() {
    Map<Integer, DekState> merged = new TreeMap<>();
    before.all().forEach(d -> merged.put(d.getDek().getVersion(), d));
    merged.putAll(written);
    return new ArrayList<>(merged.values());
  }

  void put(DekState dek) {
    written.put(dek.getDek().getVersion(), dek);
  }

  /** The records to write, lowest version first; each replaces the record of its version. */
  public List<DekState> writes() {
    return List.copyOf(written.values());
  }
}
