package dev.keyledger.engine.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.testing.TenantMemory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** given(commands).when(command).then(...): a domain test reads like the rule it checks. */
final class Scenario {

  private final String tenant;
  private final TenantMemory memory = new TenantMemory();
  private TenantState state;
  private Fold.Result result;

  private Scenario(String tenant) {
    this.tenant = tenant;
    this.state = TenantStates.empty(tenant);
  }

  static Scenario given(String tenant, CommandEnvelope... history) {
    Scenario scenario = new Scenario(tenant);
    for (CommandEnvelope command : history) {
      Fold.Result r = scenario.memory.fold(command);
      assertThat(r.outcome().getAccepted())
          .as("history command %s accepted", command.getPayload().getClass().getSimpleName())
          .isTrue();
      scenario.state = r.state();
    }
    return scenario;
  }

  /** Folds {@code command} after the history, without keeping it. */
  Scenario when(CommandEnvelope command) {
    result = Fold.apply(state, memory.deks(tenant), command);
    return this;
  }

  /** The key-material records the command of {@link #when} erased. */
  List<String> erased() {
    return result.erasedMaterial();
  }

  /** The tenant's DEK records after the command of {@link #when}, oldest first. */
  List<DekState> deks() {
    Map<Integer, DekState> records = new TreeMap<>();
    memory.deks(tenant).all().forEach(d -> records.put(d.getDek().getVersion(), d));
    result.dekWrites().forEach(d -> records.put(d.getDek().getVersion(), d));
    return List.copyOf(records.values());
  }

  /** The record of the tenant's active DEK after the command of {@link #when}. */
  DekState activeDek() {
    int version = result.state().getActiveDek().getVersion();
    return deks().stream()
        .filter(d -> d.getDek().getVersion() == version)
        .findFirst()
        .orElseThrow();
  }

  Scenario thenEvents(Class<?>... types) {
    assertThat(result.events().stream().<Class<?>>map(e -> e.getPayload().getClass()).toList())
        .containsExactly(types);
    return this;
  }

  Scenario thenRefused(String type, String code, RefusalKind kind) {
    assertThat(result.outcome().getAccepted()).isFalse();
    assertThat(result.outcome().getRefusal().getType()).isEqualTo(type);
    assertThat(result.outcome().getRefusal().getCode()).isEqualTo(code);
    assertThat(result.outcome().getRefusal().getKind()).isEqualTo(kind.wire());
    return this;
  }

  Scenario thenAccepted() {
    assertThat(result.outcome().getAccepted())
        .as("accepted, refusal: %s", result.outcome().getRefusal())
        .isTrue();
    return this;
  }

  Scenario thenStatus(BindingStatus status) {
    assertThat(TenantStates.status(result.state())).isEqualTo(status);
    return this;
  }

  TenantState state() {
    return result.state();
  }

  List<EventEnvelope> events() {
    return result.events();
  }

  TenantState before() {
    return state;
  }
}
