package dev.keyledger.projections;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {

  private final List<EventEnvelope> chain = new ArrayList<>();

  @BeforeEach
  void buildChain() {
    TestCommands acme = new TestCommands("acme");
    TenantMemory memory = new TenantMemory();
    for (var command :
        List.of(acme.register(KEY_ARN, 1), acme.acknowledge("1.0"), acme.unwrapFailed())) {
      chain.addAll(memory.fold(command).events());
    }
  }

  @Test
  void anUntouchedChainIsIntact() {
    ChainReport report = ChainVerifier.verify(chain);
    assertThat(report.intact()).isTrue();
    assertThat(report.checked()).isEqualTo(5);
    assertThat(report.headHash()).isEqualTo(chain.get(4).getHash());
  }

  @Test
  void anEditedEventIsFoundWhereItIs() {
    EventEnvelope edited =
        EventEnvelope.newBuilder(chain.get(2))
            .setActor(
                dev.keyledger.avro.Actor.newBuilder(chain.get(2).getActor())
                    .setSub("mallory")
                    .build())
            .build();
    chain.set(2, edited);
    ChainReport report = ChainVerifier.verify(chain);
    assertThat(report.intact()).isFalse();
    assertThat(report.brokenAtSeq()).isEqualTo(3);
    assertThat(report.reason()).contains("hash does not match");
  }

  @Test
  void aDeletedEventIsAGap() {
    chain.remove(1);
    ChainReport report = ChainVerifier.verify(chain);
    assertThat(report.brokenAtSeq()).isEqualTo(3);
    assertThat(report.reason()).contains("seq 2 is missing");
  }

  @Test
  void aResealedEditStillBreaksTheLinkToTheNextEvent() {
    EventEnvelope edited =
        dev.keyledger.schemas.EventHashes.seal(
            EventEnvelope.newBuilder(chain.get(2)).setLatencyMs(999).build());
    chain.set(2, edited);
    ChainReport report = ChainVerifier.verify(chain);
    assertThat(report.brokenAtSeq()).isEqualTo(4);
    assertThat(report.reason()).contains("prev_hash");
  }
}
