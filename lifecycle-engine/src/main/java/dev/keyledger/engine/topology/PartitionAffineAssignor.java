package dev.keyledger.engine.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.assignment.ApplicationState;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsAssignment;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsAssignment.AssignedTask;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsState;
import org.apache.kafka.streams.processor.assignment.ProcessId;
import org.apache.kafka.streams.processor.assignment.TaskAssignor;
import org.apache.kafka.streams.processor.assignment.TaskInfo;

/**
 * A Kafka Streams task assignor (KIP-924) that keeps every task of one partition number on one
 * instance: the fold of partition {@code p}, its key-material table and its projections (audit,
 * outcomes, alerts) are active together, so the instance that owns a tenant answers every query
 * about it and holds its wrapped keys. Kafka's own assignors balance the tasks of each sub-topology
 * apart, which would spread one tenant's stores over several instances.
 *
 * <p>Each partition group goes, in this order of preference, to the instance that ran most of its
 * tasks before (sticky: no restore), to one that kept standbys of it (failover: a warm copy), or to
 * the least loaded instance; no instance gets more than {@code ceil(groups / instances)} groups.
 * Each group's stateful tasks then get {@code num.standby.replicas} standbys on other instances,
 * preferring those that already hold them.
 *
 * <p>Set with {@code task.assignor.class} (see {@link StreamsProperties}); all topics of the
 * topology have the same number of partitions ({@link TopicsAdmin}), which this relies on.
 */
public final class PartitionAffineAssignor implements TaskAssignor {

  @Override
  public TaskAssignment assign(ApplicationState state) {
    List<KafkaStreamsState> clients = new ArrayList<>(state.kafkaStreamsStates(false).values());
    clients.sort(Comparator.comparing(KafkaStreamsState::processId));
    Map<ProcessId, KafkaStreamsAssignment> assignments = new HashMap<>();
    for (KafkaStreamsState client : clients) {
      assignments.put(client.processId(), KafkaStreamsAssignment.of(client.processId(), Set.of()));
    }
    if (clients.isEmpty()) {
      return new TaskAssignment(assignments.values());
    }
    SortedMap<Integer, List<TaskInfo>> groups = new TreeMap<>();
    state.allTasks().values().stream()
        .sorted(Comparator.comparing(TaskInfo::id))
        .forEach(t -> groups.computeIfAbsent(t.id().partition(), p -> new ArrayList<>()).add(t));

    int capacity = (groups.size() + clients.size() - 1) / clients.size();
    Map<ProcessId, Integer> load = new HashMap<>();
    Map<Integer, ProcessId> owner = new TreeMap<>();
    // Sticky first, then warm standbys, then whoever has room.
    for (boolean standbys : new boolean[] {false, true}) {
      for (Map.Entry<Integer, List<TaskInfo>> group : groups.entrySet()) {
        if (owner.containsKey(group.getKey())) {
          continue;
        }
        ProcessId best = null;
        long bestHeld = 0;
        for (KafkaStreamsState client : clients) {
          long held = held(client, group.getValue(), standbys);
          if (held > bestHeld && load.getOrDefault(client.processId(), 0) < capacity) {
            best = client.processId();
            bestHeld = held;
          }
        }
        if (best != null) {
          owner.put(group.getKey(), best);
          load.merge(best, 1, Integer::sum);
        }
      }
    }
    for (Integer partition : groups.keySet()) {
      if (!owner.containsKey(partition)) {
        ProcessId least = leastLoaded(clients, load, Set.of());
        owner.put(partition, least);
        load.merge(least, 1, Integer::sum);
      }
    }
    owner.forEach(
        (partition, client) ->
            groups
                .get(partition)
                .forEach(
                    t ->
                        assignments
                            .get(client)
                            .assignTask(new AssignedTask(t.id(), AssignedTask.Type.ACTIVE))));

    assignStandbys(state, clients, groups, owner, assignments);
    return new TaskAssignment(assignments.values());
  }

  private static void assignStandbys(
      ApplicationState state,
      List<KafkaStreamsState> clients,
      SortedMap<Integer, List<TaskInfo>> groups,
      Map<Integer, ProcessId> owner,
      Map<ProcessId, KafkaStreamsAssignment> assignments) {
    int replicas = Math.min(state.assignmentConfigs().numStandbyReplicas(), clients.size() - 1);
    Map<ProcessId, Integer> standbyLoad = new HashMap<>();
    for (Map.Entry<Integer, List<TaskInfo>> group : groups.entrySet()) {
      List<TaskInfo> stateful = group.getValue().stream().filter(TaskInfo::isStateful).toList();
      if (stateful.isEmpty()) {
        continue;
      }
      Set<ProcessId> taken = new HashSet<>(Set.of(owner.get(group.getKey())));
      for (int r = 0; r < replicas; r++) {
        ProcessId holder =
            clients.stream()
                .filter(c -> !taken.contains(c.processId()))
                .filter(c -> held(c, stateful, true) + held(c, stateful, false) > 0)
                .map(KafkaStreamsState::processId)
                .min(Comparator.comparing(p -> standbyLoad.getOrDefault(p, 0)))
                .orElseGet(() -> leastLoaded(clients, standbyLoad, taken));
        taken.add(holder);
        standbyLoad.merge(holder, 1, Integer::sum);
        stateful.forEach(
            t ->
                assignments
                    .get(holder)
                    .assignTask(new AssignedTask(t.id(), AssignedTask.Type.STANDBY)));
      }
    }
  }

  /** How many of {@code tasks} the client ran (or, with {@code standbys}, kept warm) before. */
  private static long held(KafkaStreamsState client, List<TaskInfo> tasks, boolean standbys) {
    Set<TaskId> previous = standbys ? client.previousStandbyTasks() : client.previousActiveTasks();
    return tasks.stream().filter(t -> previous.contains(t.id())).count();
  }

  private static ProcessId leastLoaded(
      List<KafkaStreamsState> clients, Map<ProcessId, Integer> load, Set<ProcessId> excluded) {
    return clients.stream()
        .map(KafkaStreamsState::processId)
        .filter(p -> !excluded.contains(p))
        .min(Comparator.comparing((ProcessId p) -> load.getOrDefault(p, 0)))
        .orElseThrow();
  }
}
