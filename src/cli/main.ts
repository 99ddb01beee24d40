#!/usr/bin/env node
// The `vtgw` executable (package.json "bin"; on the image's PATH).
import { main } from './vtgw.js';

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
