package dev.keyledger.edge.cli.log;

import static dev.keyledger.engine.testing.TestCommands.KEY_ARN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.WaiverText;
import dev.keyledger.avro.command.PublishWaiver;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.engine.testing.TestCommands;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EventLinesTest {

  private final TestCommands acme = new TestCommands("acme");

  @Test
  void aLineShowsTimeTenantSeqTypeOperationActorAndTheKeyFields() {
    List<EventEnvelope> events = new LogRecords().fold(acme.registerWithDek(KEY_ARN, 1, 1)).events;

    assertThat(EventLines.line(events.get(0)))
        .startsWith("2026-11-01T10:00:01Z acme #1 KeyRegistered (register) by alice@example.com ")
        .contains(" key_id=byok_0 ")
        .contains(" cmk.key_arn=" + KEY_ARN);
    assertThat(EventLines.line(events.get(1)))
        .startsWith("2026-11-01T10:00:01Z acme #2 TmkVersionAdded (create_tmk_version) by ")
        .contains(" tmk.version=1 tmk.wrap_method=customer_kms");
    assertThat(EventLines.line(events.get(2)))
        .contains("#3 DekCreated (create_dek)")
        .contains(" dek.version=1 dek.tmk_version=1");
  }

  @Test
  void aRefusalSaysSoAndWhy() {
    EventEnvelope refused = new LogRecords().fold(acme.acknowledge("1.0")).events.get(0);

    assertThat(EventLines.line(refused))
        .contains("#1 CommandRefused (acknowledge_waiver, refused) by alice@example.com")
        .contains(" refusal.code=BYOK_005");
  }

  @Test
  void longTextsAreCutAndQuotedAndListsOfTextsShown() {
    TestCommands platform = new TestCommands(TenantIds.PLATFORM);
    String content = "word ".repeat(40);
    EventEnvelope published =
        new LogRecords()
            .fold(
                platform.envelope(
                    PublishWaiver.newBuilder()
                        .setWaiver(
                            WaiverText.newBuilder()
                                .setWaiverVersion("2.0")
                                .setEffectiveDate("2026-12-01")
                                .setTitle("BYOK waiver")
                                .setContent(content)
                                .setTerms(List.of("one", "two"))
                                .build())
                        .build()))
            .events
            .get(0);

    String line = EventLines.line(published);

    assertThat(line)
        .contains(" waiver.title=\"BYOK waiver\"")
        .contains(" waiver.content=\"" + content.substring(0, EventLines.MAX_VALUE) + "...\" ")
        .contains(" waiver.terms=[one,two]");
  }

  @Test
  void aRecordThatIsNotAnEventIsShownAsSuchWithoutItsBytes() {
    ConsumerRecord<String, byte[]> junk =
        new ConsumerRecord<>("kl.events", 4, 17, "acme", new byte[] {0x41, 0x42, 0x43});

    assertThat(EventLines.line(junk))
        .contains("acme partition 4 offset 17: not a decodable event")
        .doesNotContain("ABC");
  }
}
