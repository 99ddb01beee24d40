/**
 * `vtgw audit keygen --out DIR`: writes an Ed25519 key pair for signing audit checkpoints: `audit-signing.key`
 * (PKCS#8 PEM, mode 0600: mount it read-only as a secret, as AUDIT_SIGNING_KEY_FILE) and `audit-signing.pub`
 * (SPKI PEM: give it to whoever runs `vtgw audit verify --public-key`). Never overwrites a file.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_FINDING, EXIT_OK, EXIT_USAGE, parseArgsMessage, type CliIo } from './io.js';

export const auditKeygenUsage = 'usage: vtgw audit keygen --out DIR';

export function main(argv: string[], io: CliIo): number {
  let values;
  try {
    values = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    io.stderr.write(`${parseArgsMessage(err)}\n${auditKeygenUsage}\n`);
    return EXIT_USAGE;
  }
  if (values.help === true) {
    io.stdout.write(`${auditKeygenUsage}\n`);
    return EXIT_OK;
  }
  const dir = values.out;
  if (dir === undefined || dir === '') {
    io.stderr.write(`--out is required\n${auditKeygenUsage}\n`);
    return EXIT_USAGE;
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const keyPath = join(dir, 'audit-signing.key');
  const pubPath = join(dir, 'audit-signing.pub');
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(keyPath, privateKey, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    io.stderr.write(`keygen: ${keyPath}: ${err instanceof Error ? err.message : String(err)} (an existing key is never overwritten)\n`);
    return EXIT_FINDING;
  }
  try {
    writeFileSync(pubPath, publicKey, { mode: 0o644, flag: 'wx' });
  } catch (err) {
    io.stderr.write(`keygen: ${pubPath}: ${err instanceof Error ? err.message : String(err)} (an existing key is never overwritten)\n`);
    return EXIT_FINDING;
  }
  io.stdout.write(`${keyPath}\n${pubPath}\n`);
  io.stderr.write('Mount the .key read-only as a secret (AUDIT_SIGNING_KEY_FILE); keep the .pub with whoever verifies the log.\n');
  return EXIT_OK;
}
