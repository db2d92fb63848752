package dev.keyledger.edge.api;

import dev.keyledger.avro.state.RewrapState;
import dev.keyledger.avro.state.TenantState;
import java.util.LinkedHashMap;
import java.util.Map;

/** Progress of the background rewrap, or null when none runs. */
final class RewrapView {

  private RewrapView() {}

  static Map<String, Object> of(TenantState state) {
    RewrapState rewrap = state.getRewrap();
    if (rewrap == null) {
      return null;
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("lease_id", rewrap.getLeaseId());
    view.put("to_tmk_version", rewrap.getToTmkVersion());
    view.put("done", rewrap.getDone());
    view.put("total", rewrap.getTotal());
    view.put("started_at", rewrap.getStartedAt());
    return view;
  }
}
