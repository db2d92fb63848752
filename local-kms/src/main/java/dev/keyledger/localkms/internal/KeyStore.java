package dev.keyledger.localkms.internal;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * KMS keys and aliases of every account and region, by ARN. Keys whose deletion date has passed are
 * deleted (with their aliases) the next time anything looks at them, as AWS does after the waiting
 * period. Thread-safe; every change calls the change listener so state can be persisted.
 */
public final class KeyStore {
  private final Map<String, KmsKey> keys = new ConcurrentHashMap<>();
  private final Map<String, KmsAlias> aliases = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Runnable onChange;

  public KeyStore(Clock clock, Runnable onChange) {
    this.clock = clock;
    this.onChange = onChange;
  }

  public void add(KmsKey key) {
    keys.put(key.arn(), key);
    onChange.run();
  }

  public Optional<KmsKey> key(String arn) {
    purgeDeleted();
    return Optional.ofNullable(keys.get(arn));
  }

  /** Applies {@code change} atomically to an existing key and returns the new value. */
  public KmsKey update(String arn, UnaryOperator<KmsKey> change) {
    KmsKey updated = keys.computeIfPresent(arn, (k, v) -> change.apply(v));
    if (updated == null) {
      throw AwsErrors.keyNotFound(arn);
    }
    onChange.run();
    return updated;
  }

  public List<KmsKey> keys(String accountId, String region) {
    purgeDeleted();
    return keys.values().stream()
        .filter(k -> k.accountId().equals(accountId) && k.region().equals(region))
        .sorted(Comparator.comparing(KmsKey::creationDate).thenComparing(KmsKey::keyId))
        .toList();
  }

  public Optional<KmsAlias> alias(String aliasArn) {
    purgeDeleted();
    return Optional.ofNullable(aliases.get(aliasArn));
  }

  /**
   * Adds an alias; fails with AlreadyExistsException when the name is taken in that account and
   * region.
   */
  public void addAlias(KmsAlias alias) {
    if (aliases.putIfAbsent(alias.aliasArn(), alias) != null) {
      throw AwsErrors.alreadyExists(
          "An alias with the name " + alias.aliasArn() + " already exists");
    }
    onChange.run();
  }

  public void removeAlias(String aliasArn) {
    if (aliases.remove(aliasArn) == null) {
      throw AwsErrors.aliasNotFound(aliasArn);
    }
    onChange.run();
  }

  public List<KmsAlias> aliases(String accountId, String region) {
    purgeDeleted();
    return aliases.values().stream()
        .filter(a -> a.accountId().equals(accountId) && a.region().equals(region))
        .sorted(Comparator.comparing(KmsAlias::aliasName))
        .toList();
  }

  public List<KmsKey> allKeys() {
    return List.copyOf(keys.values());
  }

  public List<KmsAlias> allAliases() {
    return List.copyOf(aliases.values());
  }

  /** Loads persisted state without firing the change listener. */
  public void restore(List<KmsKey> savedKeys, List<KmsAlias> savedAliases) {
    savedKeys.forEach(k -> keys.put(k.arn(), k));
    savedAliases.forEach(a -> aliases.put(a.aliasArn(), a));
  }

  private void purgeDeleted() {
    boolean removed =
        keys.values()
            .removeIf(
                k ->
                    k.keyState() == KmsKey.State.PendingDeletion
                        && !k.deletionDate().isAfter(clock.instant()));
    if (removed) {
      aliases
          .values()
          .removeIf(
              a ->
                  keys.values().stream()
                      .noneMatch(
                          k ->
                              k.keyId().equals(a.targetKeyId())
                                  && k.accountId().equals(a.accountId())
                                  && k.region().equals(a.region())));
      onChange.run();
    }
  }
}
