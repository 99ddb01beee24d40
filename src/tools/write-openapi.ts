import { writeFileSync, mkdirSync } from 'node:fs';
import { generateOpenApiDocument } from '../docs/generate.js';

const target = new URL('../../openapi/openapi.json', import.meta.url);
mkdirSync(new URL('.', target), { recursive: true });
writeFileSync(target, await generateOpenApiDocument());
process.stdout.write(`wrote ${target.pathname}\n`);
