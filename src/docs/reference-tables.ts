import { markdownTable } from './markdown-table.js';
import type { OperationReference } from './operation-reference.js';

/** What the README's configuration table needs of a setting (`settings` in src/config.ts). */
export interface SettingReference {
  env: string;
  default?: string | number | boolean;
  doc: string;
}

const code = (text: string): string => `\`${text}\``;

export function operationsTable(ops: readonly OperationReference[]): string {
  return markdownTable(
    ['Method', 'Gateway path', 'VirusTotal path', 'operationId', 'Scope', 'What it does'],
    ops.map((op) => [
      op.method,
      code(op.gatewayPath),
      code(op.virusTotalPath),
      code(op.operationId),
      [code(op.scope), ...op.extraScopes.map((scope) => `(+${code(scope)})`)].join(' '),
      op.summary,
    ]),
  );
}

export function mcpToolsTable(ops: readonly OperationReference[]): string {
  return markdownTable(
    ['Tool', 'Operation', 'Scope', 'readOnly', 'destructive', 'idempotent'],
    ops.map((op) => [
      code(op.toolName),
      code(op.operationId),
      [op.scope, ...op.extraScopes.map((scope) => `(+${scope})`)].join(' '),
      String(op.hints.readOnly),
      String(op.hints.destructive),
      String(op.hints.idempotent),
    ]),
  );
}

export function configurationTable(settings: readonly SettingReference[]): string {
  return markdownTable(
    ['Variable', 'Default', 'Meaning'],
    settings.map((s) => [code(s.env), shownDefault(s.default), s.doc]),
  );
}

function shownDefault(value: SettingReference['default']): string {
  if (value === undefined) return '—';
  if (value === '') return '(empty)';
  return code(String(value));
}
