package dev.keyledger.benchmarks.faults;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the harness was told by the node, to check against the event log afterwards: every command
 * it got a decided answer for (by the answer's request id, which the command carries as its {@code
 * correlation_id}), every 202 (by command id), every ciphertext with its plaintext, and how many
 * encryptions each DEK answered. Written by the load's threads at once.
 */
final class Ledger {

  /** A command answered 2xx: the request id its events must carry, once. */
  record Acknowledged(String tenant, String operation) {}

  /** A ciphertext the node made, with what it must decrypt to. */
  record Sealed(String tenant, String ciphertext, String plaintext, String context) {}

  private final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, String> pending = new ConcurrentHashMap<>();
  private final Queue<Sealed> sealed = new ConcurrentLinkedQueue<>();
  private final Map<String, LongAdder> encryptionsByDek = new ConcurrentHashMap<>();
  private final Map<String, String> tenantOfDek = new ConcurrentHashMap<>();
  private final Queue<String> tenants = new ConcurrentLinkedQueue<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder unanswered = new LongAdder();
  private final LongAdder wrongPlaintexts = new LongAdder();

  void tenant(String tenant) {
    tenants.add(tenant);
  }

  void request(boolean answered) {
    requests.increment();
    if (!answered) {
      unanswered.increment();
    }
  }

  void acknowledged(String requestId, String tenant, String operation) {
    acknowledged.put(requestId, new Acknowledged(tenant, operation));
  }

  void pending(String commandId, String tenant) {
    pending.put(commandId, tenant);
  }

  void encrypted(String tenant, String dekId, Sealed made) {
    encryptionsByDek.computeIfAbsent(dekId, d -> new LongAdder()).increment();
    tenantOfDek.put(dekId, tenant);
    sealed.add(made);
  }

  void wrongPlaintext() {
    wrongPlaintexts.increment();
  }

  Map<String, Acknowledged> acknowledged() {
    return acknowledged;
  }

  /** Command ids answered 202, with their tenant. */
  Map<String, String> pending() {
    return pending;
  }

  List<Sealed> sealed() {
    return List.copyOf(sealed);
  }

  /** Encryptions the node answered 200, by DEK id. */
  Map<String, Long> encryptionsByDek() {
    Map<String, Long> counts = new ConcurrentHashMap<>();
    encryptionsByDek.forEach((dek, n) -> counts.put(dek, n.sum()));
    return counts;
  }

  String tenantOfDek(String dekId) {
    return tenantOfDek.get(dekId);
  }

  List<String> tenants() {
    return List.copyOf(tenants);
  }

  long requests() {
    return requests.sum();
  }

  long unanswered() {
    return unanswered.sum();
  }

  /** Decrypts during the load that answered 200 with another plaintext (never expected). */
  long wrongPlaintexts() {
    return wrongPlaintexts.sum();
  }
}
