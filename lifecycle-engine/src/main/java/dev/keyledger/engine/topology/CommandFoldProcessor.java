package dev.keyledger.engine.topology;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.event.CommandUndecodable;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.ResourceClaims;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the commands of each tenant, one at a time, into the {@code tenant-state} store and sends
 * on the events, the outcome, what the command did to the tenant's claims on resources (to the
 * claims topic) and, for a refused registration, the tombstone of the key material the sender
 * wrote. Bad input never kills the stream thread: an undecodable record goes to the dead-letter
 * topic and, when its key is a tenant id, is audited in that tenant's chain.
 *
 * <p>Each output goes to its named sink in {@link LifecycleTopology}, which writes it with that
 * topic's serdes: {@link EventEnvelope}, {@link CommandOutcome}, a null (tombstone) and raw bytes.
 *
 * <p>Dead letters are counted by a Kafka Streams sensor of the stream thread ({@link
 * LifecycleTopology#DEAD_LETTERS_METRIC}), so they appear wherever the client's metrics go.
 */
final class CommandFoldProcessor extends ContextualProcessor<String, byte[], String, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(CommandFoldProcessor.class);

  /** The mark of a task whose bindings were sent as claims. */
  static final String CLAIMS_BACKFILLED = "claims-backfilled";

  private final Topics topics;
  private final TenantWrites writes;
  private TenantStores stores;
  private KeyValueStore<String, String> marks;
  private Sensor deadLetters;

  CommandFoldProcessor(Topics topics, TenantWrites writes) {
    this.topics = topics;
    this.writes = writes;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    super.init(context);
    stores = TenantStores.of(context, Topics.TENANT_STATE_STORE, Topics.TENANT_DEKS_STORE);
    marks = context.getStateStore(Topics.FOLD_MARKS_STORE);
    // One sensor per stream thread: the tasks of a thread share it.
    deadLetters =
        context
            .metrics()
            .addRateTotalSensor(
                LifecycleTopology.METRICS_SCOPE,
                LifecycleTopology.FOLD,
                LifecycleTopology.DEAD_LETTERS_METRIC,
                Sensor.RecordingLevel.INFO);
    // The platform's state reaches the platform topic after every platform command, and once more
    // when a task starts: a state from before the topic existed (an upgraded instance) then
    // reaches every instance's global table without waiting for the next publication.
    Cancellable[] once = new Cancellable[1];
    once[0] =
        context.schedule(
            Duration.ofMillis(1),
            PunctuationType.WALL_CLOCK_TIME,
            now -> {
              once[0].cancel();
              republishPlatformState(now);
              backfillClaims(now);
            });
  }

  /**
   * Bindings folded before claims existed have none: the first time this task runs with claims,
   * every bound tenant of its partition is sent to the claims topic as a claim on its resources.
   * The mark is written in the same transaction as the claims, so it happens once per task, ever.
   */
  private void backfillClaims(long now) {
    if (marks.get(CLAIMS_BACKFILLED) != null) {
      return;
    }
    Instant at = Instant.ofEpochMilli(now);
    int[] sent = {0};
    stores.forEachState(
        state ->
            ResourceClaims.backfill(state, at)
                .ifPresent(
                    claim -> {
                      forwardClaims(claim, now);
                      sent[0]++;
                    }));
    marks.put(CLAIMS_BACKFILLED, at.toString());
    LOG.info(
        "claims of {} bindings folded before claims existed sent to the claims topic", sent[0]);
  }

  private void forwardClaims(CommandEnvelope claims, long now) {
    context()
        .forward(
            new Record<>(claims.getTenantId(), Codecs.COMMANDS.encode(claims), now),
            LifecycleTopology.CLAIMS_SINK);
  }

  private void republishPlatformState(long now) {
    TenantState platform = stores.state(TenantIds.PLATFORM);
    if (platform.getSeq() > 0) {
      context()
          .forward(
              new Record<>(TenantIds.PLATFORM, platform, now), LifecycleTopology.PLATFORM_SINK);
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    CommandEnvelope command;
    try {
      command = Codecs.COMMANDS.decode(record.value());
    } catch (UndecodableRecordException e) {
      deadLetter(record, e.getMessage());
      return;
    }
    String tenant = record.key();
    if (tenant == null
        || !tenant.equals(command.getTenantId())
        || !(TenantIds.isValid(tenant) || TenantIds.PLATFORM.equals(tenant))) {
      deadLetter(record, "record key does not match the command's tenant id");
      return;
    }
    Fold.Result result = Fold.apply(stores.state(tenant), stores.deks(tenant), command);
    emit(tenant, result);
    for (String materialKey : result.erasedMaterial()) {
      context()
          .forward(
              new Record<>(materialKey, null, context().currentSystemTimeMs()),
              LifecycleTopology.KEY_MATERIAL_TOMBSTONES_SINK);
    }
  }

  private void emit(String tenant, Fold.Result result) {
    stores.write(tenant, result.state(), result.dekWrites());
    writes.written(tenant, result.state(), result.dekWrites());
    long now = context().currentSystemTimeMs();
    for (EventEnvelope event : result.events()) {
      context().forward(new Record<>(tenant, event, now), LifecycleTopology.EVENTS_SINK);
    }
    context().forward(new Record<>(tenant, result.outcome(), now), LifecycleTopology.OUTCOMES_SINK);
    if (result.claims() != null) {
      forwardClaims(result.claims(), now);
    }
    if (TenantIds.PLATFORM.equals(tenant)) {
      context().forward(new Record<>(tenant, result.state(), now), LifecycleTopology.PLATFORM_SINK);
    }
  }

  private void deadLetter(Record<String, byte[]> record, String reason) {
    deadLetters.record();
    RecordMetadata source = context().recordMetadata().orElseThrow();
    LOG.warn(
        "command at {}-{}@{} dead-lettered: {}",
        source.topic(),
        source.partition(),
        source.offset(),
        reason);
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add("keyledger.error", reason.getBytes(StandardCharsets.UTF_8));
    headers.add(
        "keyledger.source",
        (source.topic() + "-" + source.partition() + "@" + source.offset())
            .getBytes(StandardCharsets.UTF_8));
    context()
        .forward(
            new Record<>(record.key(), record.value(), record.timestamp(), headers),
            LifecycleTopology.DEAD_LETTER_SINK);
    String tenant = record.key();
    if (TenantIds.isValid(tenant)) {
      CommandUndecodable what =
          CommandUndecodable.newBuilder()
              .setDeadLetterTopic(topics.deadLetter().name())
              .setSourcePartition(source.partition())
              .setSourceOffset(source.offset())
              .setError(reason)
              .build();
      emit(
          tenant,
          Fold.undecodable(stores.state(tenant), what, Instant.ofEpochMilli(record.timestamp())));
    }
  }
}
