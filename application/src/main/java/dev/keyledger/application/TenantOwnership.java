package dev.keyledger.application;

/** Port: finds the instance that owns a tenant, so a request can be served there. */
@FunctionalInterface
public interface TenantOwnership {

  /** The owner of {@code tenantId} as this instance knows it now; cheap (no I/O). */
  TenantOwner ownerOf(String tenantId);
}
