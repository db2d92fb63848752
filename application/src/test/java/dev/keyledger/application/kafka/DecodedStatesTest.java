package dev.keyledger.application.kafka;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.state.TenantState;
import dev.keyledger.avro.state.TmkVersionState;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.schemas.Codecs;
import org.junit.jupiter.api.Test;

class DecodedStatesTest {

  private final TestCommands acme = new TestCommands("acme");
  private final TenantMemory memory = new TenantMemory();
  private final DecodedStates decoded = new DecodedStates(10);

  @Test
  void theSameStoredBytesGiveTheSameDecodedStateAndNewBytesANewOne() {
    memory.fold(acme.registerWithDek(KEY_ARN, 1, 1));
    byte[] first = Codecs.TENANT_STATE.encode(memory.state("acme"));

    DecodedStates.Decoded once = decoded.decode("acme", first);
    assertThat(decoded.decode("acme", first.clone()))
        .as("equal bytes (a fresh copy, as each store read returns): not decoded again")
        .isSameAs(once);

    memory.fold(acme.acknowledge("1.0"));
    byte[] second = Codecs.TENANT_STATE.encode(memory.state("acme"));
    DecodedStates.Decoded twice = decoded.decode("acme", second);
    assertThat(twice).isNotSameAs(once);
    assertThat(twice.state()).isEqualTo(memory.state("acme"));
    assertThat(twice.deks())
        .as("DEK records read for the old state are not carried over")
        .isEmpty();
    assertThat(twice.complete()).isFalse();
  }

  @Test
  void aPreV4StateIsServedSplitWithAllItsDekRecords() {
    memory.fold(acme.registerWithDek(KEY_ARN, 1, 1));
    memory.fold(acme.acknowledge("1.0"));
    memory.fold(acme.rotateDek(2, 1));
    TenantState v4 = memory.state("acme");
    TenantState legacy =
        TenantStates.builder(v4)
            .setDeks(memory.deks("acme").all())
            .setActiveDek(null)
            .setLastDekVersion(0)
            .setTmkVersions(
                v4.getTmkVersions().stream()
                    .map(v -> TmkVersionState.newBuilder(v).setLiveDeks(0).build())
                    .toList())
            .build();

    DecodedStates.Decoded read = decoded.decode("acme", Codecs.TENANT_STATE.encode(legacy));

    assertThat(read.state()).isEqualTo(v4);
    assertThat(read.complete()).isTrue();
    assertThat(read.deks()).containsOnlyKeys(1, 2);
    assertThat(read.deks().get(2)).isEqualTo(memory.deks("acme").version(2).orElseThrow());
  }
}
