import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatOutput, runScenario } from './ScenarioRunner.js';

/**
 * Golden replay: every test/fixtures/vrrp/replay/<name>.jsonl scenario is run through the
 * real state machines and must produce exactly <name>.golden.jsonl. `UPDATE_GOLDEN=1`
 * rewrites the golden files — review every diff against the RFC before committing it.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixtureDir = path.join(repoRoot, 'test/fixtures/vrrp/replay');
const update = process.env['UPDATE_GOLDEN'] === '1';

const scenarios = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.jsonl') && !f.endsWith('.golden.jsonl'))
  .map((f) => f.slice(0, -'.jsonl'.length))
  .sort();

describe('VRRP state machine golden replays', () => {
  it('has at least 30 scenarios, each with a golden file', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
    if (!update) {
      for (const name of scenarios) expect(existsSync(path.join(fixtureDir, `${name}.golden.jsonl`)), name).toBe(true);
    }
  });

  for (const name of scenarios) {
    it(name, () => {
      const produced = formatOutput(runScenario(readFileSync(path.join(fixtureDir, `${name}.jsonl`), 'utf8')));
      const goldenPath = path.join(fixtureDir, `${name}.golden.jsonl`);
      if (update) {
        writeFileSync(goldenPath, produced);
        return;
      }
      expect(produced).toBe(readFileSync(goldenPath, 'utf8'));
    });
  }
});
