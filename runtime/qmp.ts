/**
 * QMP, QEMU's JSON machine protocol (one client per connection): the greeting, capabilities
 * negotiation, the commands below with QEMU's reply shapes, events, and errors in QMP's
 * {"error": {"class", "desc"}} form. A malformed request gets an error and the connection goes
 * on; a client that vanishes is forgotten. It names no guest CPU: what the commands act on is
 * the monitor's MonitorMachine (runtime/monitor.ts), and `human-monitor-command` runs HMP.
 */
import type { Socket } from 'node:net';
import { Monitor, type MonitorCpu, type MonitorMachine } from './monitor.js';

/** What QMP needs beyond the monitor's machine. */
export interface QmpMachine<Cpu extends MonitorCpu = MonitorCpu> extends MonitorMachine<Cpu> {
  /** query-status: QEMU's run state name (prelaunch, running, paused, debug…). */
  runState(): string;
  /** The version triple and package string of query-version and the greeting. */
  readonly qemuVersion: { major: number; minor: number; micro: number };
  readonly versionPackage: string;
  /** The target name of query-cpus-fast ("arm"). */
  readonly target: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface QmpCommand {
  /** The arguments it takes (anything else is "Parameter 'x' is unexpected"). */
  args: string[];
  run(args: Record<string, Json>): Json | Promise<Json>;
}

class QmpError extends Error {
  constructor(readonly errorClass: string, desc: string) { super(desc); }
}

/** One client connection. */
class QmpSession {
  private buf = '';
  private negotiated = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly server: QmpServer, private readonly sock: Socket) {}

  send(obj: Json): void { if (!this.sock.destroyed) this.sock.write(`${qmpJson(obj)}\r\n`); }

  get ready(): boolean { return this.negotiated; }

  /** Split the byte stream into top-level JSON values, as QEMU's streaming parser does. */
  receive(text: string): void {
    this.buf += text;
    for (;;) {
      let i = 0;
      while (i < this.buf.length && /\s/.test(this.buf[i])) i++;
      this.buf = this.buf.slice(i);
      if (!this.buf) return;
      const c = this.buf[0];
      if (c !== '{' && c !== '[') {
        // Not the start of an object or array: the rest of the line is an error.
        const nl = this.buf.indexOf('\n');
        const bad = nl < 0 ? this.buf : this.buf.slice(0, nl);
        this.buf = nl < 0 ? '' : this.buf.slice(nl + 1);
        this.enqueue(() => this.reply(bad));
        continue;
      }
      const end = valueEnd(this.buf);
      if (end < 0) return; // incomplete
      const text = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.enqueue(() => this.reply(text));
    }
  }

  private enqueue(f: () => Promise<void>): void { this.queue = this.queue.then(f); }

  private async reply(text: string): Promise<void> {
    let req: Json;
    try { req = JSON.parse(text) as Json; } catch {
      this.send({ error: { class: 'GenericError', desc: 'JSON parse error, expecting value' } });
      return;
    }
    const id = req !== null && typeof req === 'object' && !Array.isArray(req) && 'id' in req ? req.id : undefined;
    const withId = (o: Record<string, Json>): Record<string, Json> => (id === undefined ? o : { ...o, id });
    try {
      if (req === null || typeof req !== 'object' || Array.isArray(req)) throw new QmpError('GenericError', 'QMP input must be a JSON object');
      const name = req.execute;
      if (typeof name !== 'string') throw new QmpError('GenericError', "QMP input member 'execute' must be a string");
      const args = req.arguments ?? {};
      if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new QmpError('GenericError', "QMP input member 'arguments' must be an object");
      if (!this.negotiated && name !== 'qmp_capabilities') {
        throw new QmpError('CommandNotFound', "Expecting capabilities negotiation with 'qmp_capabilities'");
      }
      if (name === 'qmp_capabilities') {
        if (this.negotiated) throw new QmpError('CommandNotFound', "Capabilities negotiation is already complete, command ignored");
        this.negotiated = true;
        this.send(withId({ return: {} }));
        return;
      }
      const cmd = this.server.commands[name];
      if (!cmd) throw new QmpError('CommandNotFound', `The command ${name} has not been found`);
      for (const k of Object.keys(args)) if (!cmd.args.includes(k)) throw new QmpError('GenericError', `Parameter '${k}' is unexpected`);
      const result = await cmd.run(args);
      this.send(withId({ return: result }));
    } catch (e) {
      if (!(e instanceof QmpError)) throw e;
      this.send(withId({ error: { class: e.errorClass, desc: e.message } }));
    }
  }
}

/** JSON as QEMU writes it: ", " and ": " between members. */
function qmpJson(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(qmpJson).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${qmpJson(x)}`).join(', ')}}`;
}

/** Where a complete JSON object or array that starts at 0 ends, or -1 if it is not complete yet. */
function valueEnd(s: string): number {
  let depth = 0, inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') { depth--; if (depth === 0) return i + 1; }
  }
  return -1;
}

export class QmpServer<Cpu extends MonitorCpu = MonitorCpu> {
  private readonly sessions = new Set<QmpSession>();
  readonly commands: Record<string, QmpCommand>;

  constructor(readonly machine: QmpMachine<Cpu>) {
    const m = machine;
    const version = (): Json => ({ qemu: { ...m.qemuVersion }, package: m.versionPackage });
    this.commands = {
      'query-status': { args: [], run: () => ({ status: m.runState(), singlestep: m.cpu().singleStep, running: m.runState() === 'running' }) },
      'query-version': { args: [], run: version },
      'query-cpus-fast': {
        args: [],
        run: () => [{ 'thread-id': m.threadId, 'qom-path': '/machine/unattached/device[0]', 'cpu-index': 0, target: m.target }],
      },
      'query-commands': { args: [], run: () => ['qmp_capabilities', ...Object.keys(this.commands)].map((name) => ({ name })) },
      stop: { args: [], run: () => { m.stop(); return {}; } },
      cont: { args: [], run: () => { m.cont(); return {}; } },
      system_reset: { args: [], run: async () => { await m.reset(); return {}; } },
      system_powerdown: { args: [], run: () => { m.powerdown(); return {}; } },
      // The SHUTDOWN event comes before the reply, as QEMU's; the emulator ends after both are out.
      quit: { args: [], run: () => { m.quit(); return {}; } },
      migrate: {
        args: ['uri', 'detach', 'blk', 'inc', 'resume'],
        run: (a) => {
          if (typeof a.uri !== 'string') throw new QmpError('GenericError', "Parameter 'uri' is missing");
          const err = m.migrate(a.uri);
          if (err) throw new QmpError('GenericError', err);
          return {};
        },
      },
      'query-migrate': {
        args: [],
        run: (): Json => {
          const s = m.migration();
          if (!s) return {};
          // QEMU's keys; the machine is saved at once, stopped: no setup phase, no dirty pages, no postcopy.
          const ms = Math.max(1, Math.round(s.totalTimeMs));
          return {
            status: s.status, 'setup-time': 0, downtime: ms, 'total-time': ms,
            ram: {
              total: s.ramTotal, 'postcopy-requests': 0, 'dirty-sync-count': 1, 'multifd-bytes': 0,
              'pages-per-second': Math.round((s.normalPages + s.duplicatePages) / (ms / 1000)), 'downtime-bytes': s.transferred,
              'page-size': s.pageSize, remaining: 0, 'postcopy-bytes': 0, mbps: (s.transferred * 8) / 1e6 / (ms / 1000),
              transferred: s.transferred, 'dirty-sync-missed-zero-copy': 0, 'precopy-bytes': 0, duplicate: s.duplicatePages,
              'dirty-pages-rate': 0, skipped: 0, 'normal-bytes': s.normalPages * s.pageSize, normal: s.normalPages,
            },
          };
        },
      },
      'human-monitor-command': {
        args: ['command-line', 'cpu-index'],
        run: async (a) => {
          const line = a['command-line'];
          if (typeof line !== 'string') throw new QmpError('GenericError', "Parameter 'command-line' is missing");
          let out = '';
          const mon = new Monitor(m, (s) => { out += s; }, '');
          await mon.execute(line);
          return out;
        },
      },
    };
  }

  /** A new client: the greeting, then its requests. */
  accept(sock: Socket): void {
    const s = new QmpSession(this, sock);
    this.sessions.add(s);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => s.receive(d));
    const gone = (): void => { this.sessions.delete(s); };
    sock.on('close', gone);
    sock.on('error', () => { gone(); sock.destroy(); });
    s.send({ QMP: { version: { qemu: { ...this.machine.qemuVersion }, package: this.machine.versionPackage }, capabilities: ['oob'] } });
  }

  /** Send an event (STOP, RESUME, RESET, SHUTDOWN, POWERDOWN) to every negotiated client. */
  event(name: string, data?: Record<string, Json>): void {
    const now = Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);
    const ev: Record<string, Json> = { timestamp: { seconds: Math.floor(now / 1e6), microseconds: now % 1e6 }, event: name };
    if (data) ev.data = data;
    for (const s of this.sessions) if (s.ready) s.send(ev);
  }
}
