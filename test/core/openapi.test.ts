import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { operations } from '../../src/catalog/operations.js';
import { generateOpenApiDocument } from '../../src/docs/generate.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { buildTestGateway } from '../helpers/gateway.js';

interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown; examples?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, unknown> }>;
  security?: unknown[];
}
type OpenApiDoc = { paths: Record<string, Record<string, OpenApiOperation>> };

t.test('the committed openapi/openapi.json is what the code generates', async (t) => {
  const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
  t.equal(committed, await generateOpenApiDocument(), 'run `npm run openapi` and commit the result');
});

t.test('every catalog operation is documented completely', async (t) => {
  const doc = JSON.parse(await generateOpenApiDocument()) as OpenApiDoc;
  const documented = Object.values(doc.paths).flatMap((item) => Object.values(item));
  t.equal(documented.length, operations.length, 'no more and no fewer operations than the catalog');
  for (const op of operations) {
    const entry = doc.paths[op.path]?.[op.method.toLowerCase()];
    if (entry === undefined) {
      t.fail(`${op.method} ${op.path} missing`);
      continue;
    }
    t.equal(entry.operationId, op.name);
    t.ok(entry.summary && entry.description, `${op.name}: summary and description`);
    const pathParams = [...op.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
    t.same(entry.parameters?.filter((p) => p.in === 'path').map((p) => p.name).sort(), pathParams.sort(), `${op.name}: path params`);
    if (op.body !== undefined) {
      const media = entry.requestBody?.content['application/json'];
      t.ok(media?.schema, `${op.name}: body schema`);
      t.ok(media?.example ?? media?.examples, `${op.name}: body example`);
    }
    t.ok(entry.responses['200'], `${op.name}: 200`);
    for (const status of ['400', '401', '403', '404', '429', '502', '504']) {
      t.ok(entry.responses[status]?.content?.['application/json'], `${op.name}: ${status} documented with the error schema`);
    }
    t.same(entry.security, [{ bearerAuth: [] }], `${op.name}: bearer auth`);
  }
});

t.test('served at /openapi.json, /openapi.yaml and Swagger UI at /docs', async (t) => {
  const upstream = await startFakeUpstream();
  t.teardown(() => upstream.close());
  const { app } = await buildTestGateway(t, { upstream: upstream.baseUrl });
  const json = await app.inject('/openapi.json');
  t.equal(json.statusCode, 200);
  t.equal(json.json().openapi, '3.1.0');
  const yaml = await app.inject('/openapi.yaml');
  t.match(yaml.headers['content-type'], /yaml/);
  t.match(yaml.body, /operationId: patchGroupUsers/);
  const ui = await app.inject('/docs/');
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger-ui/i);
});

t.test('spectral (spectral:oas) reports no errors and no warnings', async (t) => {
  const run = promisify(execFile);
  const report = join(t.testdir(), 'spectral.json');
  const result = await run(
    'npx',
    ['--no-install', 'spectral', 'lint', 'openapi/openapi.json', '--ruleset', 'openapi/.spectral.yaml', '--fail-severity', 'warn', '--format', 'json', '--output', report],
    { cwd: new URL('../..', import.meta.url).pathname },
  ).catch((err: { code: number }) => ({ failed: err.code }));
  const findings = JSON.parse(readFileSync(report, 'utf8')) as { code: string; message: string }[];
  t.same(findings.map((f) => `${f.code}: ${f.message}`), [], 'no findings');
  t.notOk('failed' in result, 'spectral exited 0 with --fail-severity warn');
});
