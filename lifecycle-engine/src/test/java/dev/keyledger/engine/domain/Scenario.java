package dev.keyledger.engine.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.state.TenantState;
import java.util.List;

/** given(commands).when(command).then(...): a domain test reads like the rule it checks. */
final class Scenario {

  private TenantState state;
  private Fold.Result result;

  private Scenario(String tenant) {
    this.state = TenantStates.empty(tenant);
  }

  static Scenario given(String tenant, CommandEnvelope... history) {
    Scenario scenario = new Scenario(tenant);
    for (CommandEnvelope command : history) {
      Fold.Result r = Fold.apply(scenario.state, command);
      assertThat(r.outcome().getAccepted())
          .as("history command %s accepted", command.getPayload().getClass().getSimpleName())
          .isTrue();
      scenario.state = r.state();
    }
    return scenario;
  }

  Scenario when(CommandEnvelope command) {
    result = Fold.apply(state, command);
    return this;
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

  TenantState stateAfterHistory() {
    return state;
  }

  TenantState before() {
    return state;
  }
}
