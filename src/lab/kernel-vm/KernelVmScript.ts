import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT_IN_REPO = join('src', 'lab', 'kernel-vm', 'run-in-kernel.sh');

/**
 * Path of run-in-kernel.sh. Next to this module when it runs from source; when it runs
 * compiled from dist/ (where tsc copies no shell scripts), the one in the repository.
 */
export function kernelVmScriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const sibling = join(here, 'run-in-kernel.sh');
  if (existsSync(sibling)) return sibling;
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, SCRIPT_IN_REPO);
    if (existsSync(candidate)) return candidate;
  }
  return resolve(sibling);
}
