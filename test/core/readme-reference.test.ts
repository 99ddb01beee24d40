import { readFileSync } from 'node:fs';
import t from 'tap';
import { operations } from '../../src/catalog/operations.js';
import { settings } from '../../src/config.js';
import { withGeneratedSections } from '../../src/docs/generated-sections.js';
import { operationReference } from '../../src/docs/operation-reference.js';
import { regenerateReadme } from '../../src/docs/readme-reference.js';
import { configurationTable, operationsTable } from '../../src/docs/reference-tables.js';

t.test("the README's operations, MCP tools and configuration tables are what the code generates", async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  t.equal(readme, regenerateReadme(readme), 'run `npm run docs` and commit the result');
});

t.test('the configuration table shows each default as an operator would type it', async (t) => {
  const table = configurationTable([
    { env: 'PORT', default: 8080, doc: 'Port.' },
    { env: 'FLAG', default: false, doc: 'A switch.' },
    { env: 'HOST', default: '0.0.0.0', doc: 'Address.' },
    { env: 'PREFIX', default: '', doc: 'Empty: none.' },
    { env: 'KEY', doc: 'Required; a | in the text stays inside its cell.' },
  ]);
  t.equal(
    table,
    [
      '| Variable | Default | Meaning |',
      '|---|---|---|',
      '| `PORT` | `8080` | Port. |',
      '| `FLAG` | `false` | A switch. |',
      '| `HOST` | `0.0.0.0` | Address. |',
      '| `PREFIX` | (empty) | Empty: none. |',
      '| `KEY` | — | Required; a \\| in the text stays inside its cell. |',
    ].join('\n'),
  );
});

t.test('every setting the loader reads is in the configuration table, secrets without a default', async (t) => {
  const table = configurationTable(Object.values(settings));
  for (const s of Object.values(settings)) t.match(table, `| \`${s.env}\` |`, s.env);
  t.match(table, '| `VIRUSTOTAL_API_KEY` | — |');
});

t.test('the operations table maps /v1 to /api/v3 and marks scopes that grow with the input', async (t) => {
  const patchUsers = operations.find((op) => op.possibleExtraScopes.length > 0);
  if (patchUsers === undefined) return t.fail('the catalog has an operation with extra scopes');
  const row = operationsTable([operationReference(patchUsers)]).split('\n')[2];
  t.equal(
    row,
    `| ${patchUsers.method} | \`${patchUsers.path}\` | \`${patchUsers.path.replace('/v1/', '/api/v3/')}\` | \`${patchUsers.name}\` | \`${patchUsers.scope}\` (+\`${patchUsers.possibleExtraScopes.join('')}\`) | ${patchUsers.summary} |`,
  );
});

t.test('generated sections replace only what is between their markers', async (t) => {
  const doc = 'intro\n<!-- generated:a -->\nold\n<!-- /generated:a -->\noutro\n';
  t.equal(withGeneratedSections(doc, { a: 'new' }), 'intro\n<!-- generated:a -->\n\nnew\n\n<!-- /generated:a -->\noutro\n');
  t.throws(() => withGeneratedSections(doc, { b: 'x' }), /generated:b/, 'a missing section is an error, not a silent skip');
  t.throws(() => withGeneratedSections(doc + doc, { a: 'x' }), /exactly one/, 'a doubled section is an error');
});
