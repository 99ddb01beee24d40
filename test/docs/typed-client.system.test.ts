import { execFile } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import t from 'tap';
import { operations } from '../../src/catalog/operations.js';
import { ADMIN_TOKEN } from '../helpers/gateway.js';
import { startStack } from '../helpers/stack.js';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const program = new URL('./fixtures/typed-client.ts.txt', import.meta.url);
const G = 'my_group_id';

interface ErrorBody {
  error: { code: string; message: string };
}
/** What the client program returns (its own types are checked by tsc; this is the test's reading of them). */
interface Report {
  memberIds: string[];
  rolesOfUser1: string[] | undefined;
  dailyAllowanceOfUser1: number | undefined;
  cursor: string | undefined;
  patchStatus: number;
  rolesOfUser1After: string[] | undefined;
  userEmail: string | undefined;
  userDailyQuota: number | undefined;
  organization: string | undefined;
  missingStatus: number;
  missingError: ErrorBody | undefined;
  limitError: ErrorBody | undefined;
}
interface ClientProgram {
  drive(baseUrl: string, token: string, groupId: string, grant: unknown): Promise<Report>;
}

function isClientProgram(value: unknown): value is ClientProgram {
  return typeof value === 'object' && value !== null && 'drive' in value && typeof value.drive === 'function';
}

/** A directory holding the generated types and the client program; inside the project, so `openapi-fetch` resolves. */
async function clientDir(dir: string, document: OpenAPI3): Promise<string> {
  writeFileSync(join(dir, 'vt-gateway.ts'), astToString(await openapiTS(document)));
  copyFileSync(program, join(dir, 'client.ts'));
  return join(dir, 'client.ts');
}

async function typecheck(file: string): Promise<{ ok: boolean; output: string }> {
  const args = ['--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', '--types', 'node', file];
  return run(process.execPath, [tsc, ...args]).then(
    () => ({ ok: true, output: '' }),
    (err: { stdout?: string }) => ({ ok: false, output: err.stdout ?? '' }),
  );
}

const grantPrivateScanning = operations.find((op) => op.name === 'patchGroupUsers')?.bodyExamples['grant-private-scanning']?.value;

t.test('a client generated from the served document compiles under tsc --strict and drives the gateway', async (t) => {
  const stack = await startStack(t);
  const served = await fetch(`${stack.url}/openapi.json`);
  t.equal(served.status, 200);
  const document = (await served.json()) as OpenAPI3;
  const client = await clientDir(t.testdir(), document);

  const compiled = await typecheck(client);
  t.ok(compiled.ok, 'tsc --strict: no errors, every @ts-expect-error used');
  t.equal(compiled.output, '', 'no diagnostics');
  if (!compiled.ok) return;

  const loaded: unknown = await import(pathToFileURL(client).href);
  if (!isClientProgram(loaded)) throw new Error('the client program exports no drive()');
  t.ok(grantPrivateScanning, "the document's example: Grant the user access to Private Scanning.");
  const report = await loaded.drive(stack.url, ADMIN_TOKEN, G, grantPrivateScanning);

  t.ok(report.memberIds.includes('user_1'), 'GET group users: typed descriptors');
  t.notOk(report.rolesOfUser1?.includes('USER_ROLE_PRIVATE_SCANNING'), 'typed roles, before');
  t.type(report.dailyAllowanceOfUser1, 'number', "typed daily allowance (the member's quota_limits)");
  t.equal(report.patchStatus, 200, 'PATCH with the seed example');
  t.ok(report.rolesOfUser1After?.includes('USER_ROLE_PRIVATE_SCANNING'), 'typed roles, after: the seed example did what it says');
  t.same(stack.sim.state.groups.get(G)?.members.get('user_1')?.roles.includes('USER_ROLE_PRIVATE_SCANNING'), true, 'VirusTotal (the simulator) changed');
  t.equal(report.userEmail, 'user_1@example.com', 'typed user attributes');
  t.type(report.userDailyQuota, 'number');
  t.type(report.organization, 'string', 'typed group attributes');
  t.equal(report.missingStatus, 404);
  t.match(report.missingError, { error: { code: 'NotFoundError', message: /no_such_group/ } }, 'an error answer typed as the Error component');
  t.same(report.limitError, { error: { code: 'BadRequestError', message: "Limit can't be larger than 40" } }, "the gateway's own refusal, same type");
});

t.test('the same program does not compile against a document whose schemas say nothing', async (t) => {
  const stack = await startStack(t);
  const document = (await (await fetch(`${stack.url}/openapi.json`)).json()) as OpenAPI3;
  // What the document was before its components: every body and answer an open map of unknown values.
  const openMap = { type: 'object', additionalProperties: true } as const;
  const loose: OpenAPI3 = {
    ...document,
    components: { ...document.components, schemas: Object.fromEntries(Object.keys(document.components?.schemas ?? {}).map((name) => [name, openMap])) },
  };
  const compiled = await typecheck(await clientDir(t.testdir(), loose));
  t.notOk(compiled.ok, 'tsc fails');
  t.match(compiled.output, /client\.ts\(\d+,\d+\): error TS/, 'in the client program, where it reads typed fields');
});
