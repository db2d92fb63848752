package dev.keyledger.edge.cli.log;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.schemas.EventHashes;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class TenantChainsTest {

  private final TestCommands acme = new TestCommands("acme");
  private final TestCommands globex = new TestCommands("globex");

  @Test
  void everyTenantsChainIsWalkedOnItsOwnInterleavedWithTheOthers() {
    LogRecords log =
        new LogRecords()
            .fold(acme.register(KEY_ARN, 1), globex.register(KEY_ARN, 1))
            .fold(acme.acknowledge("1.0"), globex.rotateDek(2, 1));

    SortedMap<String, ChainReport> reports = log.into(new TenantChains(t -> true)).reports();

    assertThat(reports).containsOnlyKeys("acme", "globex");
    assertThat(reports.get("acme").intact()).isTrue();
    assertThat(reports.get("acme").checked()).isEqualTo(log.fold.state("acme").getSeq());
    assertThat(reports.get("acme").headHash()).isEqualTo(log.fold.state("acme").getLastHash());
    assertThat(reports.get("globex").intact()).isTrue();
    assertThat(reports.get("globex").headHash()).isEqualTo(log.fold.state("globex").getLastHash());
  }

  @Test
  void anEditedEventBreaksOnlyItsTenantsChainWhereItIs() {
    LogRecords honest = new LogRecords().fold(acme.register(KEY_ARN, 1), acme.acknowledge("1.0"));
    EventEnvelope second = honest.events.get(1);
    EventEnvelope edited =
        EventEnvelope.newBuilder(second)
            .setActor(Actor.newBuilder(second.getActor()).setSub("mallory").build())
            .build();
    LogRecords log = new LogRecords().fold(globex.register(KEY_ARN, 1));
    honest.events.forEach(e -> log.append(e == second ? edited : e));

    SortedMap<String, ChainReport> reports = log.into(new TenantChains(t -> true)).reports();

    ChainReport acmeChain = reports.get("acme");
    assertThat(acmeChain.intact()).isFalse();
    assertThat(acmeChain.brokenAtSeq()).isEqualTo(2);
    assertThat(acmeChain.reason()).isEqualTo("hash does not match the event's content");
    assertThat(acmeChain.expected()).isEqualTo(EventHashes.compute(edited));
    assertThat(acmeChain.found()).isEqualTo(second.getHash());
    assertThat(acmeChain.checked()).isEqualTo(1);
    assertThat(reports.get("globex").intact()).isTrue();
  }

  @Test
  void aRecordThatIsNotAnEventBreaksTheChainAtTheSeqItTook() {
    LogRecords log = new LogRecords().fold(acme.register(KEY_ARN, 1));
    long next = log.fold.state("acme").getSeq() + 1;
    log.appendRaw("acme", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});

    ChainReport report = log.into(new TenantChains(t -> true)).reports().get("acme");

    assertThat(report.intact()).isFalse();
    assertThat(report.brokenAtSeq()).isEqualTo(next);
    assertThat(report.reason()).contains("not a decodable event").contains("offset " + (next - 1));
  }

  @Test
  void theRecordsOfTenantsNotAskedForAreNotDecoded() {
    LogRecords log = new LogRecords().fold(acme.register(KEY_ARN, 1));
    log.appendRaw("globex", new byte[] {1, 2, 3});

    SortedMap<String, ChainReport> reports = log.into(new TenantChains("acme"::equals)).reports();

    assertThat(reports).containsOnlyKeys("acme");
    assertThat(reports.get("acme").intact()).isTrue();
  }
}
