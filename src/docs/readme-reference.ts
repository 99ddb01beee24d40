import { operations } from '../catalog/operations.js';
import { settings } from '../config.js';
import { withGeneratedSections } from './generated-sections.js';
import { operationReference } from './operation-reference.js';
import { configurationTable, mcpToolsTable, operationsTable } from './reference-tables.js';

/** The README's generated sections, by marker name, from the catalog and the settings the loader reads. */
export function readmeReferenceSections(): Record<string, string> {
  const ops = operations.map(operationReference);
  return {
    operations: operationsTable(ops),
    'mcp-tools': mcpToolsTable(ops),
    configuration: configurationTable(Object.values(settings)),
  };
}

/** The README text with its generated sections brought up to date. */
export function regenerateReadme(readme: string): string {
  return withGeneratedSections(readme, readmeReferenceSections());
}
