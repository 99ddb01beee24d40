import { hash } from 'node:crypto';
import { authorize } from '../access/authorize.js';
import { guardKeyOwner, type KeyOwner } from '../access/key-owner-guard.js';
import { forwardedBody } from '../catalog/bodies.js';
import type { Operation, ReadFirst, ValidatedInput } from '../catalog/operation.js';
import { callerGone, GatewayError } from '../errors.js';
import type { UpstreamClient, UpstreamResponse } from '../upstream/client.js';
import type { CallRecord } from './call-record.js';
import { withLinksRewritten, type LinkRewriter } from './link-rewrite.js';
import { withheldKeys } from './withheld-keys.js';

export type OperationRunner = (call: CallRecord, op: Operation, input: ValidatedInput) => Promise<UpstreamResponse>;

export interface RunnerDeps {
  upstream: UpstreamClient;
  keyOwner: () => Promise<KeyOwner | undefined>;
  keyOwnerMinDailyAllowance: number;
  /** Writes the call's intent line; rejects (503, nothing sent) when it cannot be written. */
  recordIntent: (call: CallRecord) => Promise<void>;
  /** Points VirusTotal's links at the gateway (PUBLIC_BASE_URL), or cuts them to their path. */
  rewriteLinks: LinkRewriter;
}

/**
 * What every channel does once an operation's input is schema-valid: the rules schemas cannot say, authorization,
 * the key-owner guard, for writes the intent line, then the call to VirusTotal (which spends the organisation's
 * budget per attempt). The call record learns the change, the body's digest and VirusTotal's status as they come.
 */
export function createRunner(deps: RunnerDeps): OperationRunner {
  return async (call, op, input) => {
    call.operation = op;
    call.params = input.params;
    const prepared = op.prepare(input);
    call.change = prepared.change;
    // The body as validated: the rules, the change and the read-first check see it whole; VirusTotal gets it
    // without the fields a schema accepts only to drop (what vt-py sends back of an object it fetched).
    const body = op.body === undefined ? undefined : JSON.stringify(forwardedBody(op.body, input.body));
    if (body !== undefined) call.bodySha256 = hash('sha256', body, 'hex');
    if (prepared.problem !== undefined) throw new GatewayError('GW_ERR_INVALID_ARGUMENT', prepared.problem);
    if (call.client === null) throw new GatewayError('GW_ERR_AUTH_REQUIRED', 'Not authenticated');
    authorize(op, input, prepared, call.client);
    if (prepared.accountChanges.length > 0) guardKeyOwner(prepared.accountChanges, await deps.keyOwner(), deps.keyOwnerMinDailyAllowance);
    if (prepared.readFirst !== undefined) await confirmNothingLost(deps.upstream, prepared.readFirst, call.requestId);
    if (op.budget === 'write') await deps.recordIntent(call);
    if (call.callerGone()) throw callerGone();
    const started = performance.now();
    const response = await deps.upstream.request({ method: op.method, path: op.upstreamRequestPath(input), body, requestId: call.requestId, budget: op.budget, callerGone: call.callerGone, trace: call });
    response.body = withLinksRewritten(response.body, deps.rewriteLinks, call.prefix);
    call.upstreamMs = performance.now() - started;
    call.upstreamStatus = response.statusCode;
    return withheldKeys(response, op, call.client.scopes);
  };
}

/**
 * Reads the object a write would change and refuses the write (400, nothing sent) when its body holds values that
 * differ from it and that the gateway would not forward. When the read is not answered 200, the write goes on:
 * VirusTotal's own answer to it says what is wrong.
 */
async function confirmNothingLost(upstream: UpstreamClient, check: ReadFirst, requestId: string): Promise<void> {
  const current = await upstream.request({ method: 'GET', path: check.path, requestId });
  if (!Buffer.isBuffer(current.body)) {
    current.body.destroy();
    return;
  }
  if (current.statusCode !== 200) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(current.body.toString('utf8'));
  } catch {
    return;
  }
  const problem = check.problem(parsed);
  if (problem !== undefined) throw new GatewayError('GW_ERR_INVALID_ARGUMENT', problem);
}
