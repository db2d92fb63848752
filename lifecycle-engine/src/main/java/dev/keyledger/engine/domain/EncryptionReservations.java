package dev.keyledger.engine.domain;

import dev.keyledger.avro.DekRef;
import dev.keyledger.avro.DekUsage;
import dev.keyledger.avro.command.ReserveEncryptions;
import dev.keyledger.avro.event.EncryptionsReserved;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.Reservation;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.crypto.DekUsagePolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Usage reserved before it is used (schema v7): an instance encrypts with a DEK only within a block
 * of the DEK's budget that the fold has reserved for it ({@code ReserveEncryptions} -> {@code
 * EncryptionsReserved}), and its usage reports move what it used from reserved to used ({@code
 * RecordUsage}; what it gives back unused leaves the reservation). A crash leaves the block
 * reserved, so a DEK's used + reserved is never below what was encrypted with it, and the DEK's
 * limit ({@link DekUsagePolicy#MAX_ENCRYPTIONS}) counts both.
 *
 * <p>The tenant's state keeps one {@link Reservation} per DEK per instance, only while above zero,
 * and only on the active DEK and the one before it: a DEK rotation counts the reservations of older
 * DEKs as used (an instance that vanished never settles its own). An instance's first block of a
 * DEK after it started counts whatever it still had reserved as used ({@code settle_previous}). So
 * the list stays a few entries per instance, and each command costs as much. Part of {@link
 * Decider} and {@link Evolver}; pure.
 */
public final class EncryptionReservations {

  /** The largest block one reservation may take: 2^20 encryptions, 1/1024 of a DEK's budget. */
  public static final long MAX_BLOCK = 1L << 20;

  private EncryptionReservations() {}

  /** Encryptions of the DEK version reserved by any instance and not yet reported. */
  public static long reserved(TenantState state, int dekVersion) {
    long n = 0;
    for (Reservation r : state.getReservations()) {
      if (r.getDekVersion() == dekVersion) {
        n += r.getEncryptions();
      }
    }
    return n;
  }

  /** Encryptions of all the tenant's DEKs reserved and not yet reported. */
  public static long reserved(TenantState state) {
    long n = 0;
    for (Reservation r : state.getReservations()) {
      n += r.getEncryptions();
    }
    return n;
  }

  /** The DEK's budget committed so far: used plus reserved. */
  public static long committed(TenantState state, DekState dek) {
    return dek.getEncryptions() + reserved(state, dek.getDek().getVersion());
  }

  static Decision reserve(TenantState state, DekRecords deks, ReserveEncryptions reserve) {
    if (TenantStates.activeTmk(state).isEmpty()) {
      return Decider.refuse(Operations.RESERVE_ENCRYPTIONS, Refusals.noKey());
    }
    if (reserve.getEncryptions() < 1 || reserve.getEncryptions() > MAX_BLOCK) {
      return Decider.refuse(
          Operations.RESERVE_ENCRYPTIONS,
          Refusals.of(
              "invalid_request",
              null,
              RefusalKind.INVALID_REQUEST,
              "A reservation takes 1 to " + MAX_BLOCK + " encryptions",
              null));
    }
    DekRef active = state.getActiveDek();
    DekState record = active == null ? null : deks.version(active.getVersion()).orElse(null);
    if (record == null
        || !active.getDekId().equals(reserve.getDek().getDekId())
        || active.getVersion() != reserve.getDek().getVersion()) {
      return Decider.refuse(
          Operations.RESERVE_ENCRYPTIONS,
          Refusals.dekRotating("The DEK is no longer the tenant's active one"));
    }
    if (committed(state, record) + reserve.getEncryptions() > DekUsagePolicy.MAX_ENCRYPTIONS) {
      return Decider.refuse(
          Operations.RESERVE_ENCRYPTIONS,
          Refusals.dekRotating(
              "The active DEK has too little of its encryption budget left; it must be rotated"));
    }
    long settled = reserve.getSettlePrevious() ? heldBy(state, reserve.getReporter()) : 0;
    return Decision.accept(
        EncryptionsReserved.newBuilder()
            .setDek(active)
            .setEncryptions(reserve.getEncryptions())
            .setReporter(reserve.getReporter())
            .setSettled(settled)
            .build());
  }

  /** Applies a reservation: the reporter's earlier ones first counted as used, if it asked. */
  static void apply(
      TenantState state, DekChanges deks, EncryptionsReserved reserved, TenantState.Builder next) {
    List<Reservation> kept = new ArrayList<>();
    long settled = 0;
    for (Reservation r : state.getReservations()) {
      if (reserved.getSettled() > 0 && r.getReporter().equals(reserved.getReporter())) {
        countAsUsed(deks, r);
        settled += r.getEncryptions();
      } else {
        kept.add(r);
      }
    }
    next.setReservations(
        add(
            kept,
            reserved.getReporter(),
            reserved.getDek().getVersion(),
            reserved.getEncryptions()));
    next.setEncryptionCount(state.getEncryptionCount() + settled);
  }

  /**
   * The reservations after a usage report of {@code reporter}: each DEK's reported encryptions and
   * returned ones leave its reservation (never below zero). A report without a reporter (before
   * schema v7) settles none.
   */
  static List<Reservation> settle(
      List<Reservation> reservations, String reporter, List<DekUsage> perDek) {
    if (reporter == null || reservations.isEmpty()) {
      return reservations;
    }
    List<Reservation> next = reservations;
    for (DekUsage used : perDek) {
      next = add(next, reporter, used.getVersion(), -(used.getEncryptions() + used.getReturned()));
    }
    return next;
  }

  /**
   * When {@code newActive} becomes the active DEK: reservations of DEKs older than the one before
   * it are counted as used (their instances crashed or vanished, or the DEKs have long stopped
   * encrypting). Returns the encryptions so counted.
   */
  static long retireOld(
      TenantState state, DekChanges deks, int newActive, TenantState.Builder next) {
    List<Reservation> kept = new ArrayList<>();
    long settled = 0;
    for (Reservation r : state.getReservations()) {
      if (r.getDekVersion() < newActive - 1) {
        countAsUsed(deks, r);
        settled += r.getEncryptions();
      } else {
        kept.add(r);
      }
    }
    if (settled > 0) {
      next.setReservations(kept);
    }
    return settled;
  }

  private static long heldBy(TenantState state, String reporter) {
    long n = 0;
    for (Reservation r : state.getReservations()) {
      if (r.getReporter().equals(reporter)) {
        n += r.getEncryptions();
      }
    }
    return n;
  }

  private static void countAsUsed(DekChanges deks, Reservation r) {
    deks.version(r.getDekVersion())
        .ifPresent(
            d ->
                deks.put(
                    DekState.newBuilder(d)
                        .setEncryptions(d.getEncryptions() + r.getEncryptions())
                        .build()));
  }

  /** The list with {@code delta} added to the reporter's reservation of the DEK, kept above 0. */
  private static List<Reservation> add(
      List<Reservation> reservations, String reporter, int dekVersion, long delta) {
    List<Reservation> next = new ArrayList<>(reservations.size() + 1);
    boolean found = false;
    for (Reservation r : reservations) {
      if (r.getDekVersion() == dekVersion && r.getReporter().equals(reporter)) {
        found = true;
        long n = r.getEncryptions() + delta;
        if (n > 0) {
          next.add(Reservation.newBuilder(r).setEncryptions(n).build());
        }
      } else {
        next.add(r);
      }
    }
    if (!found && delta > 0) {
      next.add(
          Reservation.newBuilder()
              .setReporter(reporter)
              .setDekVersion(dekVersion)
              .setEncryptions(delta)
              .build());
    }
    return next;
  }
}
