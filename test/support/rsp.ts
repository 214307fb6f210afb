/**
 * A gdb remote-protocol client for tests that need what batch gdb cannot do (Ctrl-C, hit
 * counts, a stop between two other tools), and the wait for a stub to listen.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** Whether something listens on TCP `port` (read from /proc, so that no probe connection disturbs the stub). */
export function listening(port: number): boolean {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        const cols = line.trim().split(/\s+/);
        if (cols[1]?.endsWith(hexPort.trim()) && cols[3] === '0A') return true;
      }
    } catch { /* no such table */ }
  }
  return false;
}

export async function waitListening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (listening(port)) return;
    if (child.exitCode !== null) throw new Error(`the emulator exited (${child.exitCode}) before listening`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** A minimal remote-protocol client (no acks after QStartNoAckMode). */
export class RawGdb {
  private buf = '';
  private waiters: (() => void)[] = [];
  private constructor(private readonly sock: Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => { this.buf += d; for (const w of this.waiters.splice(0)) w(); });
  }
  static open(port: number): Promise<RawGdb> {
    return new Promise((resolve, reject) => { const s = connect(port, '127.0.0.1', () => resolve(new RawGdb(s))); s.on('error', reject); });
  }
  write(raw: string): void { this.sock.write(raw); }
  send(p: string): void {
    let sum = 0;
    for (const c of Buffer.from(p, 'latin1')) sum = (sum + c) & 0xff;
    this.sock.write(`$${p}#${sum.toString(16).padStart(2, '0')}`);
  }
  async reply(): Promise<string> {
    for (;;) {
      this.buf = this.buf.replace(/^\++/, '');
      const m = /^\$([^#]*)#[0-9a-f]{2}/.exec(this.buf);
      if (m) { this.buf = this.buf.slice(m[0].length); return m[1]; }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  async ask(p: string): Promise<string> { this.send(p); return this.reply(); }
  close(): void { this.sock.destroy(); }
}

