/**
 * Renders one pino JSON record the way `keepalived -l` prints to a console:
 * `Sat Nov 21 09:40:00 2026: (VI_1) Entering MASTER STATE`. Fields other than the
 * standard ones are appended as `key=value` so nothing is lost.
 */
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: '', 40: 'WARNING', 50: 'ERROR', 60: 'FATAL' };

function ctimeLike(epochMs: number): string {
  // keepalived uses ctime(3)-style stamps without the trailing newline.
  const d = new Date(epochMs);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${d.getFullYear()}`;
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

export function formatConsoleLine(jsonLine: string, detail: boolean): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.trimEnd();
  }
  const time = typeof rec['time'] === 'number' ? rec['time'] : Date.now();
  const level = typeof rec['level'] === 'number' ? rec['level'] : 30;
  const levelName = LEVEL_NAMES[level] ?? String(level);
  const msg = typeof rec['msg'] === 'string' ? rec['msg'] : '';
  let line = `${ctimeLike(time)}: ${levelName ? levelName + ': ' : ''}${msg}`;
  if (detail) {
    const extras = Object.entries(rec)
      .filter(([k]) => !HIDDEN.has(k))
      .map(([k, v]) => `${k}=${renderValue(v)}`);
    if (extras.length > 0) line += `  [${extras.join(' ')}]`;
  }
  return line;
}
