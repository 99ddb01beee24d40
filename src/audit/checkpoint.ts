/**
 * Signed checkpoints of the audit chain. A checkpoint says, under an Ed25519 signature made with a key the audit
 * volume does not hold: "on replica R, line number `lines` of the chain has hash `lastHash`, and the files that hold
 * the chain are `files` (each with the number of its first line and its first line's prevHash)". Someone who can
 * rewrite the audit files but not read the key can no longer recompute the chain unseen, cut off lines a checkpoint
 * covers, or rename, drop or reorder rotated files.
 *
 * A checkpoint is one line of the checkpoint file, written like an audit line:
 *
 *   BODY with its closing "}" replaced by   ,"signature":"<base64 Ed25519 signature of the UTF-8 bytes of BODY>"}
 *
 * Line numbers count from the first line of the chain; `n` numbers the checkpoints, so a removed one is a gap.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const CHECKPOINT_KIND = 'vtgw-audit-checkpoint';

export interface CheckpointFile {
  /** The file's name in the log's directory. */
  name: string;
  /** Line number (in the whole chain, 1-based) of the file's first line. */
  firstLine: number;
  firstPrevHash: string;
}

/**
 * Why a checkpoint was signed. `adopted`: the first checkpoint of a log that already held lines no checkpoint signed
 * (signing turned on for an old log, or its checkpoint file was removed): verify names it, since what it covers was
 * never signed as it was written.
 */
export type CheckpointReason = 'start' | 'lines' | 'interval' | 'rotation' | 'retention' | 'shutdown' | 'adopted';

export interface Checkpoint {
  kind: typeof CHECKPOINT_KIND;
  replica: string;
  n: number;
  time: string;
  reason: CheckpointReason;
  /** Line number of the last line covered (0: none yet). */
  lines: number;
  lastHash: string;
  files: CheckpointFile[];
}

const SIGNATURE_MEMBER = /,"signature":"([A-Za-z0-9+/]+={0,2})"}$/;

/** Reads a PKCS#8 PEM Ed25519 private key (what `openssl genpkey -algorithm ed25519` and `vtgw audit keygen` write). */
export function readSigningKey(path: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch (err) {
    throw new Error(`audit signing key ${path} cannot be read as a PEM private key: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`audit signing key ${path} is ${key.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`);
  return key;
}

/** Reads an SPKI PEM Ed25519 public key. */
export function readPublicKey(path: string): KeyObject {
  const key = createPublicKey(readFileSync(path));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 public key`);
  return key;
}

/** The checkpoint's line, newline-terminated. */
export function signedCheckpointLine(checkpoint: Checkpoint, key: KeyObject): string {
  const body = JSON.stringify({
    kind: checkpoint.kind,
    replica: checkpoint.replica,
    n: checkpoint.n,
    time: checkpoint.time,
    reason: checkpoint.reason,
    lines: checkpoint.lines,
    lastHash: checkpoint.lastHash,
    files: checkpoint.files.map(({ name, firstLine, firstPrevHash }) => ({ name, firstLine, firstPrevHash })),
  } satisfies Record<keyof Checkpoint, unknown>);
  const signature = sign(null, Buffer.from(body), key).toString('base64');
  return `${body.slice(0, -1)},"signature":"${signature}"}\n`;
}

/** The checkpoint a line states if its signature verifies with `publicKey`; otherwise why not. */
export function readCheckpointLine(line: string, publicKey: KeyObject): { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string } {
  const member = SIGNATURE_MEMBER.exec(line);
  if (member === null) return { ok: false, reason: 'no "signature" member at the end: not a signed checkpoint' };
  const body = `${line.slice(0, member.index)}}`;
  if (!verify(null, Buffer.from(body), publicKey, Buffer.from(member[1] ?? '', 'base64'))) {
    return { ok: false, reason: 'the signature does not verify with the public key: a forged or altered checkpoint' };
  }
  const parsed: unknown = JSON.parse(body);
  if (!isCheckpoint(parsed)) return { ok: false, reason: 'signed, but not a checkpoint of this format' };
  return { ok: true, checkpoint: parsed };
}

/** The last line of a checkpoint file as the writer left it, without checking its signature (the writer's own file). */
export function lastCheckpointIn(text: string): { checkpoint: Checkpoint; line: string } | null {
  const lines = text.split('\n').filter((line) => line !== '');
  for (const line of lines.reverse()) {
    const member = SIGNATURE_MEMBER.exec(line);
    if (member === null) continue;
    try {
      const parsed: unknown = JSON.parse(`${line.slice(0, member.index)}}`);
      if (isCheckpoint(parsed)) return { checkpoint: parsed, line };
    } catch {
      // A torn last line: the one before it is the last checkpoint.
    }
  }
  return null;
}

function isCheckpoint(value: unknown): value is Checkpoint {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.kind === CHECKPOINT_KIND &&
    typeof v.replica === 'string' &&
    Number.isSafeInteger(v.n) &&
    typeof v.time === 'string' &&
    typeof v.reason === 'string' &&
    Number.isSafeInteger(v.lines) &&
    typeof v.lastHash === 'string' &&
    Array.isArray(v.files) &&
    v.files.every(
      (f: unknown) =>
        typeof f === 'object' &&
        f !== null &&
        typeof (f as Record<string, unknown>).name === 'string' &&
        Number.isSafeInteger((f as Record<string, unknown>).firstLine) &&
        typeof (f as Record<string, unknown>).firstPrevHash === 'string',
    )
  );
}
