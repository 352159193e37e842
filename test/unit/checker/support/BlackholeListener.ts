import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';

/**
 * A listener whose accept queue is full, so new SYNs to it are dropped and a connect times
 * out: a child process listens with backlog 1 and then blocks forever, and we fill the
 * queue with our own connections. Stays on 127.0.0.1.
 */
export class BlackholeListener {
  private readonly fillers: Socket[] = [];
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<BlackholeListener> {
    const code =
      "const net=require('net');const s=net.createServer();" +
      "s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{process.stdout.write(s.address().port+'\\n');" +
      'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0);});';
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      child.stdout?.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\n')) resolve(Number(text.trim()));
      });
      child.once('exit', () => reject(new Error('blackhole child exited')));
    });
    const self = new BlackholeListener(child, port);
    await self.fill();
    return self;
  }

  /** Opens connections until one no longer completes within 200 ms (the queue is full). */
  private async fill(): Promise<void> {
    for (let i = 0; i < 16; i++) {
      const completed = await new Promise<boolean>((resolve) => {
        const s = connect({ host: '127.0.0.1', port: this.port });
        this.fillers.push(s);
        s.on('error', () => resolve(false));
        const t = setTimeout(() => resolve(false), 200);
        s.once('connect', () => {
          clearTimeout(t);
          resolve(true);
        });
      });
      if (!completed) return;
    }
    throw new Error('accept queue never filled');
  }

  async close(): Promise<void> {
    for (const s of this.fillers) s.destroy();
    this.child.kill('SIGKILL');
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
  }
}
