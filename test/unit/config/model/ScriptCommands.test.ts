import { describe, expect, it } from 'vitest';
import { buildFromText, errors } from './buildFromText.js';

// keepalived 2.2.7 (lib/notify.c): only the first word after the keyword is the command;
// for notify scripts the next two are USER [GROUP]. Verified by running keepalived: an unquoted
// `script /bin/touch FILE` runs touch without FILE, and `notify_backup /bin/touch FILE` logs
// "Script user 'FILE' does not exist" and drops the script.
describe('script and notify commands', () => {
  it('refuses a vrrp_script whose arguments keepalived would silently drop, hinting at quotes', () => {
    const { diagnostics } = buildFromText('vrrp_script chk {\n  script /usr/bin/pgrep -x haproxy\n}');
    expect(errors(diagnostics)).toEqual([
      expect.objectContaining({
        code: 'extra-argument',
        pos: { file: 'test.conf', line: 2, col: 25 },
        hint: 'if they are arguments, quote the whole command: script "/usr/bin/pgrep -x haproxy"',
      }),
    ]);
  });

  it('takes the quoted form as one command with its arguments', () => {
    const { model, diagnostics } = buildFromText('vrrp_script chk {\n  script "/usr/bin/pgrep -x haproxy"\n}');
    expect(errors(diagnostics)).toEqual([]);
    expect(model?.vrrpScripts[0]?.script).toMatchObject({ command: '/usr/bin/pgrep -x haproxy', argv: ['/usr/bin/pgrep', '-x', 'haproxy'] });
  });

  it('reads USER and GROUP after a notify command', () => {
    const text = `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  notify_master "/etc/vigil/master.sh now" nobody nogroup
  notify_backup /etc/vigil/backup.sh root
  virtual_ipaddress {
    192.0.2.1
  }
}`;
    const { model, diagnostics } = buildFromText(text);
    expect(errors(diagnostics)).toEqual([]);
    const vi = model?.vrrpInstances[0];
    expect(vi?.notifyMaster).toMatchObject({ argv: ['/etc/vigil/master.sh', 'now'], runAs: { user: 'nobody', group: 'nogroup' } });
    expect(vi?.notifyBackup).toMatchObject({ argv: ['/etc/vigil/backup.sh'], runAs: { user: 'root', group: null } });
  });

  it('refuses a notify line whose "user" is really an argument', () => {
    const text = `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  notify_backup /bin/touch /tmp/state
  virtual_ipaddress {
    192.0.2.1
  }
}`;
    const { diagnostics } = buildFromText(text);
    expect(errors(diagnostics)).toEqual([
      expect.objectContaining({ code: 'invalid-value', keyword: 'notify_backup', pos: { file: 'test.conf', line: 4, col: 28 }, hint: 'if they are arguments, quote the whole command: notify_backup "/bin/touch /tmp/state"' }),
    ]);
  });

  it('applies the same rule to real-server notify_up', () => {
    const text = `virtual_server 192.0.2.10 80 {
  protocol TCP
  real_server 198.51.100.1 80 {
    notify_up "/etc/vigil/up.sh rs1" root
    notify_down /etc/vigil/down.sh rs1 extra words
    TCP_CHECK {
    }
  }
}`;
    const { model, diagnostics } = buildFromText(text);
    expect(errors(diagnostics).map((d) => [d.code, d.pos?.line, d.pos?.col])).toEqual([['extra-argument', 5, 46]]);
    expect(model).toBeNull();
    const ok = buildFromText(text.replace(' rs1 extra words', ''));
    expect(ok.model?.virtualServers[0]?.realServers[0]?.notifyUp).toMatchObject({ argv: ['/etc/vigil/up.sh', 'rs1'], runAs: { user: 'root' } });
  });
});
