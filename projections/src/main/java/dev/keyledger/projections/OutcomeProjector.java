package dev.keyledger.projections;

import dev.keyledger.avro.CommandOutcome;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Files each command outcome under {@code tenant/command_id}. */
final class OutcomeProjector implements Processor<String, CommandOutcome, Void, Void> {

  private KeyValueStore<String, CommandOutcome> outcomes;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    outcomes = context.getStateStore(ProjectionsTopology.OUTCOME_STORE);
  }

  @Override
  public void process(Record<String, CommandOutcome> record) {
    CommandOutcome outcome = record.value();
    outcomes.put(outcomeKey(outcome.getTenantId(), outcome.getCommandId()), outcome);
  }

  static String outcomeKey(String tenantId, String commandId) {
    return tenantId + "/" + commandId;
  }
}
