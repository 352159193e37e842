import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const parserFixtures = resolve(repoRoot, 'test/fixtures/config/parser');
export const sharedSamples = resolve(repoRoot, '../shared/fixtures/keepalived-samples');

/** An in-memory file tree for ParseOptions.readFile / listDir. */
export function memoryFiles(files: Record<string, string>): {
  readFile: (path: string) => Buffer | null;
  listDir: (dir: string) => string[] | null;
} {
  const norm = (p: string) => p.replace(/\/+$/, '') || '/';
  return {
    readFile: (path) => (path in files ? Buffer.from(files[path]!, 'utf8') : null),
    listDir: (dir) => {
      const d = norm(dir);
      const prefix = d === '/' ? '/' : `${d}/`;
      const names = new Set<string>();
      for (const p of Object.keys(files)) {
        if (!p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length);
        const slash = rest.indexOf('/');
        names.add(slash < 0 ? rest : `${rest.slice(0, slash)}/`);
      }
      return names.size > 0 ? [...names] : null;
    },
  };
}
