import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasNetnsSupport, waitFor } from '../../support/netns/index.js';
import { configText, DirectorBed, instanceText, type DaemonHandle } from './DirectorBed.js';

const support = await hasNetnsSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) console.warn(`skipping VRRP fault/tracking tests: ${support.reason}`);

const VIP = '192.0.2.100';
const HOSTS = ['d1', 'd2'];
const WAIT_MS = 30_000;

describe.skipIf(!support.ok && !mustRun)('Vigil FAULT state, trackers and notify scripts', () => {
  let bed: DirectorBed;

  beforeAll(async () => {
    bed = await DirectorBed.create(2, true);
  });

  afterEach(async () => {
    await bed.stopAll(5_000);
    for (const host of HOSTS) for (const ifname of ['eth0', 'eth1']) await bed.topology.linkUp(host, ifname).catch(() => undefined);
  });

  afterAll(async () => {
    await bed?.destroy();
  });

  const start = (host: string, config: string): DaemonHandle => {
    return bed.startVigil(host, config);
  };

  it('goes to FAULT when its interface loses carrier; the backup takes the VIP; it comes back and preempts', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150 })));
    const d2 = start('d2', configText(instanceText({ priority: 100 })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d2.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE/, { timeoutMs: WAIT_MS });
    await bed.topology.linkDown('d1', 'eth0');
    await d1.process.waitForOutput(/\(VI_1\) Entering FAULT STATE/, { timeoutMs: WAIT_MS });
    await d2.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd2', HOSTS, WAIT_MS);
    await bed.topology.linkUp('d1', 'eth0');
    await d1.process.waitForOutput(/\(VI_1\) Entering MASTER STATE/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
  });

  it('puts back a VIP that someone deletes while it is MASTER', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150 })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await bed.topology.exec('d1', ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
    await d1.process.waitForOutput(/\(VI_1\) VIP 192\.0\.2\.100 was removed from eth0 while MASTER - putting it back/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
  });

  it('faults on a tracked interface (track_interface) and fails over', async () => {
    const d1 = start('d1', configText(instanceText({ priority: 150, extra: 'track_interface {\n        eth1\n    }' })));
    start('d2', configText(instanceText({ priority: 100 })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await bed.topology.linkDown('d1', 'eth1');
    await d1.process.waitForOutput(/\(VI_1\) Entering FAULT STATE/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd2', HOSTS, WAIT_MS);
  });

  it('drops the master by a failing vrrp_script weight (run as user nobody) and fails over', async () => {
    const flag = bed.path('healthy');
    writeFileSync(flag, '');
    const check = bed.script('check.sh', `[ "$(id -u)" = 65534 ] || exit 2\n[ -e ${flag} ]`);
    const script = `vrrp_script chk_service {\n    script "${check}"\n    interval 1\n    timeout 2\n    fall 2\n    rise 1\n    weight -60\n    user nobody\n}\n`;
    const d1 = start('d1', configText(script + instanceText({ priority: 150, extra: 'track_script {\n        chk_service\n    }' })));
    start('d2', configText(instanceText({ priority: 100 })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await d1.process.waitForOutput(/VRRP_Script\(chk_service\) succeeded/, { timeoutMs: WAIT_MS });
    rmSync(flag);
    await d1.process.waitForOutput(/VRRP_Script\(chk_service\) failed/, { timeoutMs: WAIT_MS });
    await d1.process.waitForOutput(/\(VI_1\) Changing effective priority from 150 to 90/, { timeoutMs: WAIT_MS });
    await bed.waitSoleHolder(VIP, 'd2', HOSTS, WAIT_MS);
    await d1.process.waitForOutput(/\(VI_1\) Entering BACKUP STATE(?! \(init\))/, { timeoutMs: WAIT_MS });
    writeFileSync(flag, '');
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
  });

  it('kills a vrrp_script that overruns its timeout, with its process group, and counts it as failed', async () => {
    const pidFile = bed.path('sleeper.pid');
    const hang = bed.script('hang.sh', `sleep 300 &\necho $! > ${pidFile}\nwait`);
    const script = `vrrp_script chk_hang {\n    script "${hang}"\n    interval 2\n    timeout 1\n}\n`;
    const d1 = start('d1', configText(script + instanceText({ priority: 150, extra: 'track_script {\n        chk_hang\n    }' })));
    await d1.process.waitForOutput(/VRRP_Script\(chk_hang\) timed out/, { timeoutMs: WAIT_MS });
    await d1.process.waitForOutput(/\(VI_1\) Entering FAULT STATE/, { timeoutMs: WAIT_MS });
    const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
    await waitFor(() => !existsSync(`/proc/${sleeper}`), { timeoutMs: 10_000, description: 'the script’s background child to be killed' });
  });

  it('runs notify scripts in order with keepalived’s arguments, STOP included, each as its configured user', async () => {
    const out = bed.path('notify.log');
    writeFileSync(out, '', { mode: 0o666 });
    chmodSync(out, 0o666);
    const notify = bed.script('notify.sh', `echo "$@" >> ${out}`);
    const master = bed.script('master.sh', `sleep 0.3; echo "master-script $(id -u)" >> ${out}`);
    // notify_master runs as nobody (`notify_master COMMAND USER`), the generic notify as root.
    const d1 = start('d1', configText(instanceText({ priority: 150, extra: `notify ${notify}\n    notify_master ${master} nobody` })));
    await bed.waitSoleHolder(VIP, 'd1', HOSTS, WAIT_MS);
    await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes('MASTER'), { timeoutMs: WAIT_MS, description: 'notify MASTER' });
    await bed.stop(d1);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'INSTANCE VI_1 BACKUP 150',
      'master-script 65534',
      'INSTANCE VI_1 MASTER 150',
      'INSTANCE VI_1 STOP 150',
    ]);
  });
});
