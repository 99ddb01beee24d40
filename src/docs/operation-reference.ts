import type { Operation, ToolHints } from '../catalog/operation.js';

/** What the README says about one catalog operation. */
export interface OperationReference {
  operationId: string;
  method: string;
  gatewayPath: string;
  virusTotalPath: string;
  scope: string;
  /** Scopes some inputs need besides `scope`. */
  extraScopes: readonly string[];
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
    virusTotalPath: `/api/v3${op.upstreamPath}`,
    scope: op.scope,
    extraScopes: op.possibleExtraScopes,
    summary: op.summary,
    toolName: op.tool.name,
    hints: op.tool.hints,
  };
}
