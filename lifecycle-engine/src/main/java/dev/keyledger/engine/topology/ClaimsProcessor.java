package dev.keyledger.engine.topology;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.state.ResourceClaim;
import dev.keyledger.engine.domain.ResourceClaims;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place claims on resources are decided ({@link ResourceClaims}): reads the claims topic
 * (one partition, so one instance of this processor) into the {@code resource-claims} store and
 * sends each resulting command to its tenant's partition of the commands topic, in the same
 * transaction. A granted registration goes on as its original bytes. A record that does not decode
 * goes on as it is when its key is a tenant id (the fold dead-letters and audits it); one whose key
 * is not its command's tenant goes to the dead-letter topic.
 */
final class ClaimsProcessor extends ContextualProcessor<String, byte[], String, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(ClaimsProcessor.class);

  private ResourceClaims.Book book;

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    super.init(context);
    KeyValueStore<String, ResourceClaim> store =
        context.getStateStore(Topics.RESOURCE_CLAIMS_STORE);
    book =
        new ResourceClaims.Book() {
          @Override
          public Optional<ResourceClaim> get(String resource) {
            return Optional.ofNullable(store.get(resource));
          }

          @Override
          public void put(String resource, ResourceClaim claim) {
            store.put(resource, claim);
          }

          @Override
          public void delete(String resource) {
            store.delete(resource);
          }
        };
  }

  @Override
  public void process(Record<String, byte[]> record) {
    CommandEnvelope command;
    try {
      command = Codecs.COMMANDS.decode(record.value());
    } catch (UndecodableRecordException e) {
      if (TenantIds.isValid(record.key())) {
        // The fold dead-letters it and audits it in the tenant's chain, as any undecodable command.
        context().forward(record, LifecycleTopology.CLAIMS_TO_COMMANDS_SINK);
      } else {
        deadLetter(record, e.getMessage());
      }
      return;
    }
    if (record.key() == null
        || !record.key().equals(command.getTenantId())
        || !TenantIds.isValid(record.key())) {
      deadLetter(record, "record key does not match the command's tenant id");
      return;
    }
    ResourceClaims.Routed routed = ResourceClaims.process(book, command);
    if (!routed.conflicts().isEmpty()) {
      LOG.warn(
          "tenant {} was bound, before claims existed, to resources another tenant holds: {}",
          command.getTenantId(),
          routed.conflicts());
    }
    for (CommandEnvelope out : routed.toFolds()) {
      byte[] bytes = out == command ? record.value() : Codecs.COMMANDS.encode(out);
      context()
          .forward(
              new Record<>(out.getTenantId(), bytes, record.timestamp(), record.headers()),
              LifecycleTopology.CLAIMS_TO_COMMANDS_SINK);
    }
  }

  private void deadLetter(Record<String, byte[]> record, String reason) {
    RecordMetadata source = context().recordMetadata().orElseThrow();
    LOG.warn(
        "claim at {}-{}@{} dead-lettered: {}",
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
            LifecycleTopology.CLAIMS_DEAD_LETTER_SINK);
  }
}
