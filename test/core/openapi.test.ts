import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import t from 'tap';
import { DOCUMENTED_ROLES } from '../../src/catalog/bodies.js';
import { responseComponents } from '../../src/catalog/responses.js';
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
  t.match(yaml.body, /lower-daily-cap:\n\s+summary: Lower the user's daily API cap to 10\./, 'the named examples in YAML too');
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

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; enum?: string[]; anyOf?: Schema[] };
interface Media {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value?: unknown }>;
}
interface Documented {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }>; parameters?: { name: string; in: string; schema?: Schema }[] }>>;
}

const componentsRef = (name: string) => `#/components/schemas/${name}`;

t.test('named components: error, user, group, service account, descriptor, pages, and every request body', async (t) => {
  const doc = JSON.parse(await generateOpenApiDocument()) as Documented;
  const schemas = doc.components.schemas;
  for (const name of ['Error', 'User', 'Group', 'ServiceAccount', 'Descriptor', 'DescriptorPage', 'PageMeta', 'PageLinks']) t.ok(schemas[name], name);
  t.same(Object.keys(schemas.PageMeta?.properties ?? {}), ['count', 'cursor']);
  t.same(Object.keys(schemas.PageLinks?.properties ?? {}), ['self', 'next']);
  t.match(schemas.DescriptorPage?.properties, { data: { items: { $ref: componentsRef('Descriptor') } }, meta: { $ref: componentsRef('PageMeta') }, links: { $ref: componentsRef('PageLinks') } });
  for (const op of operations) {
    const entry = doc.paths[op.path]?.[op.method.toLowerCase()];
    if (op.body !== undefined) {
      t.equal(entry?.requestBody?.content['application/json']?.schema?.$ref, componentsRef(op.body.$id ?? '?'), `${op.name}: body by reference`);
      t.ok(schemas[op.body.$id ?? '?'], `${op.name}: body component`);
    }
    for (const status of ['400', '401', '403', '404', '429', '502', '503', '504']) {
      const media = entry?.responses[status]?.content?.['application/json'];
      t.equal(media?.schema?.$ref, componentsRef('Error'), `${op.name} ${status}: the error component`);
      t.ok(media?.example, `${op.name} ${status}: an example`);
    }
  }
  t.equal(doc.paths['/v1/groups/{id}']?.get?.responses['200']?.content?.['application/json']?.schema?.$ref, componentsRef('GroupResponse'));
});

t.test('typed attributes: roles, daily allowance, user, group and service account fields', async (t) => {
  const { schemas } = (JSON.parse(await generateOpenApiDocument()) as Documented).components;
  const attributes = (name: string) => Object.keys(schemas[name]?.properties?.attributes?.properties ?? {});
  for (const field of ['first_name', 'last_name', 'email', 'status', 'user_since', 'last_login', 'quotas', 'privileges']) t.ok(attributes('User').includes(field), `User.${field}`);
  for (const field of ['organization', 'country_iso', 'auto_add_users', 'contact_emails', 'quotas', 'privileges']) t.ok(attributes('Group').includes(field), `Group.${field}`);
  for (const field of ['apikey', 'email', 'first_name', 'quotas', 'status']) t.ok(attributes('ServiceAccount').includes(field), `ServiceAccount.${field}`);
  t.match(schemas.MemberSettings?.properties, { roles: { items: {} }, quota_limits: { properties: { api_requests_daily: { properties: { allowed: {} } } } } });
  t.equal(schemas.Descriptor?.properties?.context_attributes?.$ref, componentsRef('MemberSettings'), "a member's descriptor carries roles and allowance");
  t.same(
    schemas.RelatedObject?.anyOf?.slice(0, 3).map((s) => s.$ref),
    ['User', 'ServiceAccount', 'Group'].map(componentsRef),
    'a full-object listing names what it may hold',
  );
});

t.test("named request examples: VirusTotal's own, from seeds/000 and seeds/001, each one the gateway accepts", async (t) => {
  const doc = JSON.parse(await generateOpenApiDocument()) as Documented;
  const examplesOf = (path: string, method: string) => doc.paths[path]?.[method]?.requestBody?.content['application/json']?.examples ?? {};
  const roles = examplesOf('/v1/groups/{id}/relationships/users', 'patch');
  t.match(roles, {
    'lower-daily-cap': { summary: "Lower the user's daily API cap to 10.", value: { data: [{ type: 'user', id: 'user_1', context_attributes: { quota_limits: { api_requests_daily: { allowed: 10 } } } }] } },
    'grant-admin-clear-settings': {
      summary: 'Clear all individual settings and grant administrative privileges within the group to both user_1 and user_2.',
      value: { data: [{ id: 'user_1', context_attributes: { roles: ['USER_ROLE_GROUP_ADMIN'] } }, { id: 'user_2', context_attributes: { roles: ['USER_ROLE_GROUP_ADMIN'] } }] },
    },
    'grant-private-scanning': { summary: 'Grant the user access to Private Scanning.', value: { data: [{ context_attributes: { add_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] } },
    'revoke-private-scanning': { summary: "Revoke the user's access to Private Scanning.", value: { data: [{ context_attributes: { remove_roles: ['USER_ROLE_PRIVATE_SCANNING'] } }] } },
  });
  const TP = '332e02da667746f180a9740e94a3ec98';
  t.match(examplesOf('/v1/threat_profiles/{id}/relationships/{relationship}', 'delete'), {
    'remove-editors-users': {
      summary: `Remove access of user1 and user2 editors to the Threat Profile with ${TP} identifier.`,
      value: { data: [{ type: 'user', id: 'user1' }, { type: 'user', id: 'user2' }] },
    },
    'remove-editors-groups': {
      summary: `Revoke access for members of group1 and group2 with editor privilege to the Threat Profile identified as ${TP}.`,
      value: { data: [{ type: 'group', id: 'group1' }, { type: 'group', id: 'group2' }] },
    },
    'remove-viewers': {
      summary: `Remove access of user1 and members of group1 with viewer privilege to the Threat Profile with ${TP} identifier.`,
      value: { data: [{ type: 'user', id: 'user1' }, { type: 'group', id: 'group1' }] },
    },
  });
  const documentedRoles = JSON.stringify(roles);
  for (const role of DOCUMENTED_ROLES) t.ok(documentedRoles.includes(role), `an example uses ${role}`);

  for (const op of operations) {
    if (op.body === undefined) continue;
    const check = TypeCompiler.Compile(op.body);
    t.ok(Object.keys(op.bodyExamples).length > 0, `${op.name}: named examples`);
    for (const [name, example] of Object.entries(op.bodyExamples)) {
      t.ok(check.Check(example.value), `${op.name} ${name}: valid for the body schema`);
      const params = { id: 'my_group_id', relationship: 'editors', user_id: 'user_1' };
      t.equal(op.prepare({ params, query: {}, body: example.value }).problem, undefined, `${op.name} ${name}: passes the operation's rules`);
    }
  }
});

t.test('closed relationship lists are enums in the document', async (t) => {
  const doc = JSON.parse(await generateOpenApiDocument()) as Documented;
  for (const op of operations.filter((o) => o.path.includes('{relationship}'))) {
    const param = doc.paths[op.path]?.[op.method.toLowerCase()]?.parameters?.find((p) => p.name === 'relationship');
    t.ok((param?.schema?.enum?.length ?? 0) > 0, `${op.name}: relationship enum`);
  }
});

t.test("every response component's examples are what the component describes", async (t) => {
  for (const schema of responseComponents) {
    const check = TypeCompiler.Compile(schema, [...responseComponents]);
    const examples: unknown = schema.examples;
    for (const example of Array.isArray(examples) ? examples : []) t.ok(check.Check(example), `${schema.$id ?? '?'}: ${JSON.stringify(example).slice(0, 80)}`);
  }
});
