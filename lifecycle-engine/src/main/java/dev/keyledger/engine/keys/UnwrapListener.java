package dev.keyledger.engine.keys;

import dev.keyledger.engine.kms.KmsException;

/** Told of every CMK unwrap attempt of a TMK, so the engine can seal (and unseal) a tenant. */
public interface UnwrapListener {

  void unwrapFailed(String tenantId, int tmkVersion, KmsException cause);

  void unwrapSucceeded(String tenantId, int tmkVersion);

  UnwrapListener NONE =
      new UnwrapListener() {
        @Override
        public void unwrapFailed(String tenantId, int tmkVersion, KmsException cause) {}

        @Override
        public void unwrapSucceeded(String tenantId, int tmkVersion) {}
      };
}
