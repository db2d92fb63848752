package dev.keyledger.application;

/** Port: finds the instance that owns a tenant, so a request can be served there. */
@FunctionalInterface
public interface TenantOwnership {

  /** Every tenant is served here: one instance, or tests without a cluster. */
  TenantOwnership ALL_LOCAL = tenantId -> new TenantOwner.Local();

  /** The owner of {@code tenantId} as this instance knows it now; cheap (no I/O). */
  TenantOwner ownerOf(String tenantId);
}
