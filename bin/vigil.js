#!/usr/bin/env node
// Entry point installed as `vigil`: runs the compiled CLI, or says how to build it.
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const main = join(dirname(realpathSync(fileURLToPath(import.meta.url))), '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`vigil: ${main} is missing; run 'npm run build' first\n`);
  process.exit(2);
}
const { runCli } = await import(pathToFileURL(main).href);
process.exitCode = await runCli(process.argv.slice(2));
