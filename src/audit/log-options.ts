// The audit settings beyond the file's own (config.ts) as AuditLog.open's options.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { GatewayConfig } from '../config.js';
import { readSigningKey } from './checkpoint.js';
import { replicaIdBeside, type CheckpointOptions } from './checkpointer.js';

type CheckpointSettings = Pick<
  GatewayConfig,
  'auditLogPath' | 'auditStatePath' | 'auditSigningKeyFile' | 'auditCheckpointPath' | 'auditCheckpointEveryLines' | 'auditCheckpointEverySeconds' | 'auditReplicaId'
>;

/**
 * The stdout state file and the checkpoint settings as AuditLog.open's options. Throws a clear Error when the key
 * file cannot be read or is not an Ed25519 private key.
 */
export function auditLogOptions(config: CheckpointSettings): { checkpoints?: CheckpointOptions; statePath?: string; replica: string } {
  if (config.auditLogPath === '-') {
    if (config.auditSigningKeyFile !== undefined) throw new Error('AUDIT_SIGNING_KEY_FILE: checkpoints need an audit file, not AUDIT_LOG_PATH=-');
    const statePath = config.auditStatePath;
    const replica = config.auditReplicaId ?? (statePath === undefined ? randomUUID() : replicaIdBeside(statePath));
    return { replica, ...(statePath === undefined ? {} : { statePath }) };
  }
  const replica = config.auditReplicaId ?? replicaIdBeside(resolve(config.auditLogPath));
  if (config.auditSigningKeyFile === undefined) return { replica };
  return {
    replica,
    checkpoints: {
      key: readSigningKey(config.auditSigningKeyFile),
      everyLines: config.auditCheckpointEveryLines,
      everyMs: config.auditCheckpointEverySeconds * 1000,
      ...(config.auditCheckpointPath === undefined ? {} : { path: config.auditCheckpointPath }),
      replica,
    },
  };
}
