package dev.keyledger.application.kafka;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import org.junit.jupiter.api.Test;

class LocalTenantViewsTest {

  private final TestCommands acme = new TestCommands("acme");
  private final TenantMemory memory = new TenantMemory();
  private final LocalTenantViews views = new LocalTenantViews(10);

  private void fold(CommandEnvelope command) {
    Fold.Result result = memory.fold(command);
    views.written("acme", result.state(), result.dekWrites());
  }

  @Test
  void aWrittenStateIsServedWithTheDekRecordsWrittenSoFar() {
    assertThat(views.get("acme")).isEmpty();
    fold(acme.registerWithDek(KEY_ARN, 1, 1));
    fold(acme.acknowledge("1.0"));
    fold(acme.rotateDek(2, 1));

    LocalTenantViews.View view = views.get("acme").orElseThrow();
    assertThat(view.state()).isEqualTo(memory.state("acme"));
    assertThat(view.deks()).containsOnlyKeys(1, 2);
    assertThat(view.deks().get(1))
        .as("the record rewritten by the rotation (retired), not the one written first")
        .isEqualTo(memory.deks("acme").version(1).orElseThrow());
    assertThat(view.deks().get(1).getStatus()).isEqualTo("retired");
  }

  @Test
  void clearingForgetsEveryTenant() {
    fold(acme.registerWithDek(KEY_ARN, 1, 1));
    views.clear();
    assertThat(views.get("acme")).isEmpty();
  }
}
