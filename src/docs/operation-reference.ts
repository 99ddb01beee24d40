import type { Operation, ToolHints } from '../catalog/operation.js';

/** What the README says about one catalog operation. */
export interface OperationReference {
  operationId: string;
  method: string;
  gatewayPath: string;
  virusTotalPath: string;
  scope: string;
  /** The operation may need further scopes, decided from the validated input. */
  scopeGrowsWithInput: boolean;
  summary: string;
  toolName: string;
  hints: ToolHints;
}

/** The only place the README generator reads a catalog row. */
export function operationReference(op: Operation): OperationReference {
  return {
    operationId: op.name,
    method: op.method,
    gatewayPath: op.path,
    virusTotalPath: op.path.replace(/^\/v1(?=\/)/, '/api/v3'),
    scope: op.scope,
    scopeGrowsWithInput: op.extraScopes !== undefined,
    summary: op.summary,
    toolName: op.tool.name,
    hints: op.tool.hints,
  };
}
