// The checkpoint settings (config.ts) as AuditLog.open's options: none without a signing key, or for stdout.
import type { GatewayConfig } from '../config.js';
import { readSigningKey } from './checkpoint.js';
import type { CheckpointOptions } from './checkpointer.js';

type CheckpointSettings = Pick<
  GatewayConfig,
  'auditLogPath' | 'auditSigningKeyFile' | 'auditCheckpointPath' | 'auditCheckpointEveryLines' | 'auditCheckpointEverySeconds' | 'auditReplicaId'
>;

/** Throws a clear Error when the key file cannot be read or is not an Ed25519 private key. */
export function checkpointOptions(config: CheckpointSettings): { checkpoints?: CheckpointOptions } {
  if (config.auditSigningKeyFile === undefined) return {};
  if (config.auditLogPath === '-') throw new Error('AUDIT_SIGNING_KEY_FILE: checkpoints need an audit file, not AUDIT_LOG_PATH=-');
  return {
    checkpoints: {
      key: readSigningKey(config.auditSigningKeyFile),
      everyLines: config.auditCheckpointEveryLines,
      everyMs: config.auditCheckpointEverySeconds * 1000,
      ...(config.auditCheckpointPath === undefined ? {} : { path: config.auditCheckpointPath }),
      ...(config.auditReplicaId === undefined ? {} : { replica: config.auditReplicaId }),
    },
  };
}
