/**
 * QMP: a client here (Node's net) runs the same sequence of requests, malformed ones included,
 * against qemu-system-arm -qmp and dynwasm-system-arm -qmp (both engines), collecting every
 * message, events included. The replies must be the same once what depends on the
 * implementation is masked: timestamps, thread ids, the version numbers and package, the
 * list of commands (ours must be a part of QEMU's) and query-migrate's figures (not its keys).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectWhenListening } from './support/socket.js';
import { testNeeding, TOOLS } from './support/tools.js';

const ROOT = process.cwd();
const ELF = join(ROOT, 'test/arm-programs/build/recursion-arm.elf');
const qemuTest = testNeeding(TOOLS.qemuSystemArm);

type Msg = Record<string, unknown>;

class Client {
  private buf = '';
  private readonly msgs: Msg[] = [];
  private waiters: (() => void)[] = [];
  closed = false;
  constructor(private readonly sock: Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        if (line) this.msgs.push(JSON.parse(line) as Msg);
      }
      this.wake();
    });
    sock.on('close', () => { this.closed = true; this.wake(); });
  }
  private wake(): void { for (const w of this.waiters.splice(0)) w(); }
  private async until(f: () => boolean): Promise<void> {
    while (!f()) {
      if (this.closed) return;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  /** Messages up to and including the greeting. */
  async greeting(): Promise<Msg[]> {
    await this.until(() => this.msgs.some((m) => 'QMP' in m));
    return this.msgs.splice(0);
  }
  /** Send raw text; the messages up to its reply (return or error), events included. */
  async send(raw: string): Promise<Msg[]> {
    this.sock.write(`${raw}\n`);
    await this.until(() => this.msgs.some((m) => 'return' in m || 'error' in m));
    const i = this.msgs.findIndex((m) => 'return' in m || 'error' in m);
    return this.msgs.splice(0, i + 1);
  }
  /** Whatever comes until the connection closes. */
  async rest(): Promise<Msg[]> {
    await this.until(() => false);
    return this.msgs.splice(0);
  }
}

const REQUESTS = [
  '{"execute": "query-status"}',
  '{"execute": "qmp_capabilities", "id": 1}',
  '{"execute": "query-status"}',
  '{"execute": "query-version"}',
  '{"execute": "query-cpus-fast"}',
  '{"execute": "foo", "id": "abc"}',
  '{"execute": "human-monitor-command", "arguments": {"command-line": "info status"}}',
  '{"execute": "human-monitor-command", "arguments": {"command-line": "print 1+2"}}',
  '{"execute": "cont"}',
  '{"execute": "query-status"}',
  '{"execute": "stop"}',
  '{"execute": "query-status"}',
  '{"execute": "system_reset"}',
  '{"execute": "system_powerdown"}',
  '{"execute": "query-migrate"}',
  '{"execute": "migrate", "arguments": {}}',
  '{"execute": "migrate", "arguments": {"uri": "exec:cat > /dev/null"}}',
  '{"execute": "query-migrate"}',
  '{"execute": "query-status"}',
  '{"execute": "migrate", "arguments": {"uri": "exec:cat > /dev/null"}}',
  '{"execute": "query-status", "id": "x"}',
  '{"execute": "stop", "arguments": {"a": 1}}',
  '[1]',
  '{"execute": 3}',
  '}',
  '{"execute": "qmp_capabilities"}',
  '{"execute": "query-commands"}',
  '{"execute": "quit"}',
];

/** The whole conversation, each request with the messages it brought. */
async function conversation(cmd: string, args: string[], sockPath: string): Promise<{ log: Msg[][]; status: number | null }> {
  const child = spawn(cmd, [...args, '-qmp', `unix:${sockPath},server,wait=off`], { stdio: 'ignore', env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    // The socket file appears at bind(), a moment before listen(): retry a refused connection.
    const sock = await connectWhenListening(sockPath, 60_000);
    const c = new Client(sock);
    const log: Msg[][] = [await c.greeting()];
    for (const r of REQUESTS) {
      log.push(await c.send(r));
      // Let the guest run a little between cont and stop.
      if (r.includes('"cont"')) await new Promise((res) => setTimeout(res, 200));
      // QEMU migrates in the background: wait until it is done (dynwasm's is done at once).
      if (r.includes('"uri"') && !('error' in log[log.length - 1].at(-1)!)) {
        for (;;) {
          const m = await c.send('{"execute": "query-migrate"}');
          const status = (m.at(-1)!.return as { status?: string }).status;
          if (status === 'completed' || status === 'failed') break;
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    }
    log.push(await c.rest());
    return { log, status: await exited };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** Mask what depends on the implementation. */
function mask(log: Msg[][]): unknown {
  return JSON.parse(JSON.stringify(log, (k, v: unknown) => {
    if (k === 'timestamp') return 'T';
    if (k === 'thread-id') return 'N';
    if (k === 'qemu' && typeof v === 'object') return 'V';
    if (k === 'package') return 'P';
    // query-migrate: the figures are the implementation's, the keys must be QEMU's.
    if (['total-time', 'setup-time', 'downtime'].includes(k)) return typeof v;
    if (k === 'ram' && v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([rk, rv]) => [rk, typeof rv]).sort());
    return v;
  })) as unknown;
}

for (const engine of ['jit', 'interp'] as const) {
  qemuTest(`-qmp: the same conversation as with qemu-system-arm, events and errors included (${engine})`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dynwasm-qmp-'));
    // Without -semihosting the program never ends (its first SVC meets an empty vector table).
    const machine = ['-M', 'versatilepb', '-kernel', ELF, '-S', '-serial', 'null'];
    const ref = await conversation('qemu-system-arm', [...machine, '-display', 'none'], join(dir, 'q.sock'));
    const got = await conversation('node', [join(ROOT, 'bin/dynwasm-system-arm.js'), '-accel', engine, ...machine], join(dir, 'd.sock'));
    const commandsAt = REQUESTS.indexOf('{"execute": "query-commands"}') + 1;
    const names = (log: Msg[][]): string[] => (log[commandsAt][0].return as { name: string }[]).map((c) => c.name);
    const ours = names(got.log), theirs = new Set(names(ref.log));
    t.deepEqual(ours.filter((n) => !theirs.has(n)), []);
    for (const l of [ref.log, got.log]) l[commandsAt] = [{ return: 'commands' }];
    const events = (log: Msg[][]): string[] => log.flat().filter((m) => 'event' in m).map((m) => m.event as string);
    t.deepEqual(events(ref.log), ['RESUME', 'STOP', 'RESET', 'POWERDOWN', 'SHUTDOWN']);
    t.deepEqual(mask(got.log), mask(ref.log));
    t.is(got.status, ref.status);
  });
}
