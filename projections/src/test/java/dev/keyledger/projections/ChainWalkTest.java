package dev.keyledger.projections;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.schemas.EventHashes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChainWalkTest {

  private final List<EventEnvelope> chain = new ArrayList<>();
  private final ChainWalk walk = new ChainWalk();

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
  void anIntactChainReportsItsHeadAfterEachEvent() {
    assertThat(walk.report().headHash()).isEqualTo(EventHashes.GENESIS);
    for (EventEnvelope event : chain) {
      assertThat(walk.accept(event)).isTrue();
    }
    ChainReport report = walk.report();
    assertThat(report.intact()).isTrue();
    assertThat(report.checked()).isEqualTo(5);
    assertThat(report.headSeq()).isEqualTo(5);
    assertThat(report.headHash()).isEqualTo(chain.get(4).getHash());
    assertThat(report.expected()).isNull();
    assertThat(report.found()).isNull();
  }

  @Test
  void anEditedEventNamesTheHashItShouldHaveAndTheOneItCarries() {
    EventEnvelope edited =
        EventEnvelope.newBuilder(chain.get(2))
            .setActor(Actor.newBuilder(chain.get(2).getActor()).setSub("mallory").build())
            .build();
    chain.set(2, edited);

    chain.forEach(walk::accept);

    ChainReport report = walk.report();
    assertThat(report.intact()).isFalse();
    assertThat(report.brokenAtSeq()).isEqualTo(3);
    assertThat(report.checked()).isEqualTo(2);
    assertThat(report.headHash()).isEqualTo(chain.get(1).getHash());
    assertThat(report.expected()).isEqualTo(EventHashes.compute(edited));
    assertThat(report.found()).isEqualTo(edited.getHash());
  }

  @Test
  void aResealedEditNamesThePrevHashTheNextEventNeeded() {
    EventEnvelope resealed =
        EventHashes.seal(EventEnvelope.newBuilder(chain.get(2)).setLatencyMs(999).build());
    chain.set(2, resealed);

    chain.forEach(walk::accept);

    ChainReport report = walk.report();
    assertThat(report.brokenAtSeq()).isEqualTo(4);
    assertThat(report.reason()).isEqualTo("prev_hash does not match the hash of seq 3");
    assertThat(report.expected()).isEqualTo(resealed.getHash());
    assertThat(report.found()).isEqualTo(chain.get(3).getPrevHash());
  }

  @Test
  void aRepeatedEventIsABreakNotAGap() {
    walk.accept(chain.get(0));
    walk.accept(chain.get(1));

    assertThat(walk.accept(chain.get(1))).isFalse();

    ChainReport report = walk.report();
    assertThat(report.brokenAtSeq()).isEqualTo(2);
    assertThat(report.reason()).isEqualTo("seq 2 appears again after seq 2");
    assertThat(report.expected()).isEqualTo("3");
    assertThat(report.found()).isEqualTo("2");
  }

  @Test
  void anUndecodableRecordBreaksTheChainAtTheSeqItTookAndLaterEventsAreIgnored() {
    walk.accept(chain.get(0));
    walk.undecodable("partition 2 offset 7: bad union index");

    assertThat(walk.accept(chain.get(1))).isFalse();

    ChainReport report = walk.report();
    assertThat(report.intact()).isFalse();
    assertThat(report.brokenAtSeq()).isEqualTo(2);
    assertThat(report.checked()).isEqualTo(1);
    assertThat(report.reason()).contains("partition 2 offset 7: bad union index");
  }
}
