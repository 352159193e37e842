import { describe, expect, it } from 'vitest';
import { checkerLoadConfigText } from '../../../bench/checkers/CheckerLoadConfig.js';
import { loadConfigText } from '../../../src/config/loadConfig.js';

describe('checkerLoadConfigText', () => {
  it('gives a valid config with one TCP_CHECK per real server at delay_loop 1, so the load is what it says', () => {
    const ports = Array.from({ length: 12 }, (_, i) => 20_000 + i);
    const r = loadConfigText(checkerLoadConfigText('tcp', ports, 3, 4, (i, j) => i * 4 + j), 'load.conf');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const vss = r.model?.virtualServers ?? [];
    expect(vss).toHaveLength(3);
    const rss = vss.flatMap((vs) => vs.realServers);
    expect(rss).toHaveLength(12);
    expect(rss.map((rs) => rs.port)).toEqual(ports);
    expect(rss.every((rs) => rs.checkers.length === 1 && rs.checkers[0]?.type === 'TCP_CHECK' && rs.checkers[0].delayLoopSeconds === 1)).toBe(true);
  });

  it('wraps onto the ports the farm could bind when there are fewer than real servers', () => {
    const r = loadConfigText(checkerLoadConfigText('http', [20_000, 20_001, 20_002], 2, 2, (i, j) => i * 2 + j), 'load.conf');
    expect(r.model?.virtualServers.flatMap((vs) => vs.realServers.map((rs) => rs.port))).toEqual([20_000, 20_001, 20_002, 20_000]);
    expect(r.model?.virtualServers[0]?.realServers[0]?.checkers[0]?.type).toBe('HTTP_GET');
  });
});
