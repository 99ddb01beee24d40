import { existsSync, renameSync, unlinkSync } from 'node:fs';
import t from 'tap';
import { ANY_START, verifyAuditFiles } from '../../src/audit/verify.js';
import { parsedLines } from './.fixtures/audit-files.js';
import { startStack, type Stack } from '../helpers/stack.js';

async function get(stack: Stack, path: string, headers: Record<string, string> = stack.auth): Promise<number> {
  const res = await fetch(stack.url + path, { headers });
  await res.arrayBuffer();
  return res.status;
}

t.test('a live audit file renamed under the running gateway: the next line lands in a new file at the path', async (t) => {
  const stack = await startStack(t);
  t.equal(await get(stack, '/v1/groups/my_group_id'), 200);
  const moved = `${stack.auditPath}.moved`;
  renameSync(stack.auditPath, moved);
  t.equal(await get(stack, '/readyz', {}), 503, 'readiness reflects the replaced file until a line is written');

  t.equal(await get(stack, '/v1/groups/my_group_id'), 200);
  t.ok(existsSync(stack.auditPath), 'a new live file exists at the configured path');
  t.equal(parsedLines(stack.auditPath).length, 1, 'and holds the new line');
  t.equal(parsedLines(moved).length, 1, 'the renamed file kept only its own line');
  t.equal(await get(stack, '/readyz', {}), 200, 'ready again');
  t.ok(verifyAuditFiles([moved, stack.auditPath]).ok, 'the chain runs from the renamed file into the new one');
});

t.test('a live audit file deleted under the running gateway: lines go on in a new file, and verify shows the gap', async (t) => {
  const stack = await startStack(t);
  t.equal(await get(stack, '/v1/groups/my_group_id'), 200);
  unlinkSync(stack.auditPath);
  t.equal(await get(stack, '/v1/groups/my_group_id'), 200);
  t.equal(await get(stack, '/v1/groups/my_group_id'), 200);
  t.equal(parsedLines(stack.auditPath).length, 2, 'both lines are in the new file, none went to the deleted inode');
  const strict = verifyAuditFiles([stack.auditPath]);
  t.equal(strict.ok, false, 'verify from genesis reports the deleted lines');
  t.match(strict.firstBreak, { line: 1, reason: /missing/ });
  t.ok(verifyAuditFiles([stack.auditPath], { startHash: ANY_START }).ok, 'what is on disk is intact');
  t.equal(await get(stack, '/readyz', {}), 200);
});
