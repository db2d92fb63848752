package dev.keyledger.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.assignment.ApplicationState;
import org.apache.kafka.streams.processor.assignment.AssignmentConfigs;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsAssignment;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsAssignment.AssignedTask;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsState;
import org.apache.kafka.streams.processor.assignment.ProcessId;
import org.apache.kafka.streams.processor.assignment.TaskAssignmentUtils;
import org.apache.kafka.streams.processor.assignment.TaskAssignor;
import org.apache.kafka.streams.processor.assignment.TaskInfo;
import org.apache.kafka.streams.processor.assignment.TaskTopicPartition;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class PartitionAffineAssignorTest {

  /** Three sub-topologies like KeyLedger's: the fold, the key-material table, the projections. */
  private static final int SUBTOPOLOGIES = 3;

  private static final int PARTITIONS = 12;

  private final PartitionAffineAssignor assignor = new PartitionAffineAssignor();

  @Test
  void everyTaskOfOnePartitionIsActiveOnOneInstanceAndTheGroupsAreBalanced() {
    List<Client> clients = List.of(client(), client(), client());

    TaskAssignor.TaskAssignment assignment = assignor.assign(state(clients, 0));

    Map<ProcessId, Set<Integer>> partitions = activePartitions(assignment);
    assertThat(partitions.values()).allSatisfy(p -> assertThat(p).hasSize(PARTITIONS / 3));
    assertThat(partitions.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
        .hasSize(PARTITIONS);
    for (KafkaStreamsAssignment a : assignment.assignment()) {
      Set<Integer> mine = partitions.get(a.processId());
      long active = a.tasks().values().stream().filter(t -> t.type() == ACTIVE).count();
      assertThat(active).isEqualTo((long) mine.size() * SUBTOPOLOGIES);
    }
    assertThat(TaskAssignmentUtils.validateTaskAssignment(state(clients, 0), assignment))
        .isEqualTo(TaskAssignor.AssignmentError.NONE);
  }

  @Test
  void anInstanceKeepsThePartitionsItRanBefore() {
    Client a = client();
    Client b = client();
    Client c = client();
    a.previousActive(0, 1, 2, 3);
    b.previousActive(4, 5, 6, 7);
    c.previousActive(8, 9, 10, 11);

    Map<ProcessId, Set<Integer>> partitions =
        activePartitions(assignor.assign(state(List.of(a, b, c), 1)));

    assertThat(partitions.get(a.id)).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(partitions.get(b.id)).containsExactlyInAnyOrder(4, 5, 6, 7);
    assertThat(partitions.get(c.id)).containsExactlyInAnyOrder(8, 9, 10, 11);
  }

  @Test
  void aDeadInstancesPartitionsGoToTheSurvivorsThatKeptStandbysOfThem() {
    Client a = client();
    Client b = client();
    a.previousActive(0, 1, 2, 3).previousStandby(4, 5);
    b.previousActive(8, 9, 10, 11).previousStandby(6, 7);
    // the instance that owned 4..7 is gone

    Map<ProcessId, Set<Integer>> partitions =
        activePartitions(assignor.assign(state(List.of(a, b), 1)));

    assertThat(partitions.get(a.id)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    assertThat(partitions.get(b.id)).containsExactlyInAnyOrder(6, 7, 8, 9, 10, 11);
  }

  @Test
  void eachStatefulTaskGetsItsStandbysOnOtherInstancesNeverBesideItsActive() {
    List<Client> clients = List.of(client(), client(), client());

    TaskAssignor.TaskAssignment assignment = assignor.assign(state(clients, 2));

    Map<TaskId, Set<ProcessId>> standbys = new HashMap<>();
    Map<TaskId, ProcessId> actives = new HashMap<>();
    for (KafkaStreamsAssignment a : assignment.assignment()) {
      for (AssignedTask t : a.tasks().values()) {
        if (t.type() == ACTIVE) {
          actives.put(t.id(), a.processId());
        } else {
          standbys.computeIfAbsent(t.id(), id -> new HashSet<>()).add(a.processId());
        }
      }
    }
    assertThat(actives).hasSize(PARTITIONS * SUBTOPOLOGIES);
    // sub-topology 1 (the in-memory key-material table) is stateless here: no standbys
    assertThat(standbys.keySet()).allSatisfy(id -> assertThat(id.subtopology()).isNotEqualTo(1));
    assertThat(standbys).hasSize(PARTITIONS * 2);
    standbys.forEach(
        (id, holders) -> assertThat(holders).hasSize(2).doesNotContain(actives.get(id)));
    assertThat(TaskAssignmentUtils.validateTaskAssignment(state(clients, 2), assignment))
        .isEqualTo(TaskAssignor.AssignmentError.NONE);
  }

  @Test
  void withOneInstanceNoStandbyIsAssigned() {
    List<Client> clients = List.of(client());

    TaskAssignor.TaskAssignment assignment = assignor.assign(state(clients, 1));

    assertThat(assignment.assignment().iterator().next().tasks().values())
        .hasSize(PARTITIONS * SUBTOPOLOGIES)
        .allSatisfy(t -> assertThat(t.type()).isEqualTo(ACTIVE));
  }

  private static final AssignedTask.Type ACTIVE = AssignedTask.Type.ACTIVE;

  private static Map<ProcessId, Set<Integer>> activePartitions(
      TaskAssignor.TaskAssignment assignment) {
    return assignment.assignment().stream()
        .collect(
            Collectors.toMap(
                KafkaStreamsAssignment::processId,
                a ->
                    a.tasks().values().stream()
                        .filter(t -> t.type() == ACTIVE)
                        .map(t -> t.id().partition())
                        .collect(Collectors.toSet())));
  }

  private static Client client() {
    return new Client(new ProcessId(UUID.randomUUID()));
  }

  private static ApplicationState state(List<Client> clients, int standbyReplicas) {
    Map<TaskId, TaskInfo> tasks = new HashMap<>();
    for (int s = 0; s < SUBTOPOLOGIES; s++) {
      for (int p = 0; p < PARTITIONS; p++) {
        TaskId id = new TaskId(s, p);
        tasks.put(id, new Task(id, s != 1));
      }
    }
    AssignmentConfigs configs =
        new AssignmentConfigs(10_000L, 2, standbyReplicas, 600_000L, List.of());
    return new ApplicationState() {
      @Override
      public Map<ProcessId, KafkaStreamsState> kafkaStreamsStates(boolean computeTaskLags) {
        return clients.stream().collect(Collectors.toMap(c -> c.id, c -> c));
      }

      @Override
      public AssignmentConfigs assignmentConfigs() {
        return configs;
      }

      @Override
      public Map<TaskId, TaskInfo> allTasks() {
        return tasks;
      }
    };
  }

  private record Task(TaskId id, boolean isStateful) implements TaskInfo {
    @Override
    public Set<String> stateStoreNames() {
      return isStateful ? Set.of("store-" + id.subtopology()) : Set.of();
    }

    @Override
    public Set<TaskTopicPartition> topicPartitions() {
      return Set.of();
    }
  }

  private static final class Client implements KafkaStreamsState {
    final ProcessId id;
    final SortedSet<TaskId> active = new TreeSet<>();
    final SortedSet<TaskId> standby = new TreeSet<>();

    Client(ProcessId id) {
      this.id = id;
    }

    Client previousActive(int... partitions) {
      add(active, partitions);
      return this;
    }

    Client previousStandby(int... partitions) {
      add(standby, partitions);
      return this;
    }

    private static void add(SortedSet<TaskId> to, int... partitions) {
      for (int p : partitions) {
        for (int s = 0; s < SUBTOPOLOGIES; s++) {
          to.add(new TaskId(s, p));
        }
      }
    }

    @Override
    public ProcessId processId() {
      return id;
    }

    @Override
    public int numProcessingThreads() {
      return 1;
    }

    @Override
    public SortedSet<String> consumerClientIds() {
      return new TreeSet<>(Set.of(id + "-consumer"));
    }

    @Override
    public SortedSet<TaskId> previousActiveTasks() {
      return active;
    }

    @Override
    public SortedSet<TaskId> previousStandbyTasks() {
      return standby;
    }

    @Override
    public long lagFor(TaskId task) {
      return 0;
    }

    @Override
    public SortedSet<TaskId> prevTasksByLag(String consumerClientId) {
      return new TreeSet<>();
    }

    @Override
    public Map<TaskId, Long> statefulTasksToLagSums() {
      return Map.of();
    }

    @Override
    public Optional<HostInfo> hostInfo() {
      return Optional.of(new HostInfo("127.0.0.1", 8080));
    }

    @Override
    public Map<String, String> clientTags() {
      return Map.of();
    }

    @Override
    public Optional<String> rackId() {
      return Optional.empty();
    }
  }
}
