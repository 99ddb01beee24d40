// The audit settings beyond the file's own (config.ts) as AuditLog.open's options.
import type { GatewayConfig } from '../config.js';
import { readSigningKey } from './checkpoint.js';
import type { CheckpointOptions } from './checkpointer.js';

type CheckpointSettings = Pick<
  GatewayConfig,
  'auditLogPath' | 'auditStatePath' | 'auditSigningKeyFile' | 'auditCheckpointPath' | 'auditCheckpointEveryLines' | 'auditCheckpointEverySeconds' | 'auditReplicaId'
>;

/**
 * The stdout state file and the checkpoint settings as AuditLog.open's options. Throws a clear Error when the key
 * file cannot be read or is not an Ed25519 private key.
 */
export function auditLogOptions(config: CheckpointSettings): { checkpoints?: CheckpointOptions; statePath?: string } {
  if (config.auditLogPath === '-' && config.auditStatePath !== undefined) return { statePath: config.auditStatePath };
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
