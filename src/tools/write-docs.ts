import { readFileSync, writeFileSync } from 'node:fs';
import { regenerateReadme } from '../docs/readme-reference.js';

const target = new URL('../../README.md', import.meta.url);
const before = readFileSync(target, 'utf8');
const after = regenerateReadme(before);
if (after !== before) writeFileSync(target, after);
process.stdout.write(`${after === before ? 'unchanged' : 'wrote'} ${target.pathname}\n`);
