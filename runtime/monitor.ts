/**
 * The human monitor (QEMU's HMP): the `(qemu) ` prompt, its commands with QEMU's syntax and
 * output formats (monitor/hmp-cmds.c, memory_dump), over any byte stream (stdio, the -nographic
 * multiplexer, a Unix or TCP socket). It names no guest CPU and no board: the system emulator
 * supplies what the commands act on (MonitorMachine).
 */
import type { GdbArch } from './gdbstub.js';

/** What the monitor needs of the CPU (CpuExec has it). */
export interface MonitorCpu {
  dumpState(): string;
  /** One instruction per translation block (`singlestep`). */
  singleStep: boolean;
  debugRead(vaddr: number, len: number): Uint8Array | undefined;
}

/** The machine the monitor controls. Each action returns an error line, or nothing. */
export interface MonitorMachine<Cpu extends MonitorCpu = MonitorCpu> {
  cpu(): Cpu;
  /** Register names and values (`print $pc`): the gdb stub's table of the target. */
  readonly arch: GdbArch<Cpu> & { readonly registerNames: Readonly<Record<string, number>> };
  /** Physical memory (RAM only); undefined where there is none. */
  readPhys(addr: number, len: number): Uint8Array | undefined;
  /** `running`, `paused`, `paused (prelaunch)`, `paused (debug)`… */
  status(): string;
  stop(): void;
  cont(): void;
  reset(): void | Promise<void>;
  powerdown(): void;
  quit(): void;
  /** `info version`. */
  readonly version: string;
  /** `info roms`: what the loader put where. */
  roms(): { addr: number; size: number; name: string }[];
  /** `info mtree` lines. */
  mtree(): string[];
  /** `info jit` lines. */
  jitInfo(): string[];
  /** `log ITEMS` (`none` clears); returns the error text if an item is unknown. */
  setLog(items: string): string | undefined;
  /** The items `log` accepts, with their descriptions. */
  readonly logItems: Readonly<Record<string, string>>;
  setLogFile(path: string): string | undefined;
  /** `gdbserver [dev]`: start the gdb stub; returns the message to print. */
  gdbserver(device: string): Promise<string>;
  /** The emulator's thread id (`info cpus`). */
  readonly threadId: number;
  /**
   * `migrate URI`: save the whole machine to `exec:CMD` or `file:PATH`; the machine is then
   * paused (postmigrate). Returns QEMU's error text, or nothing.
   */
  migrate(uri: string): string | undefined;
  /** The last migration (`info migrate`, query-migrate), if there was one. */
  migration(): MigrationStats | undefined;
}

/** What `info migrate` and query-migrate report of the last migration. */
export interface MigrationStats {
  status: 'completed' | 'failed';
  totalTimeMs: number;
  /** Bytes of the stream. */
  transferred: number;
  ramTotal: number;
  pageSize: number;
  /** Pages saved with their bytes, and pages saved as zero (QEMU's "duplicate"). */
  normalPages: number;
  duplicatePages: number;
}

interface Command {
  /** Name and aliases, as `help` lists them ("print|p"). */
  names: string;
  args: string;
  help: string;
  run(m: Monitor, args: string): void | Promise<void>;
}

/** A bad argument: the message, then QEMU's `Try "help CMD"` line. */
class ArgError extends Error {}

const INFO: Command[] = [
  { names: 'cpus', args: '', help: 'show infos for each CPU', run: (m) => m.out(`* CPU #0: thread_id=${m.machine.threadId}\n`) },
  { names: 'jit', args: '', help: 'show dynamic compiler info', run: (m) => m.out(m.machine.jitInfo().join('\n') + '\n') },
  {
    names: 'migrate', args: '', help: 'show migration status',
    run: (m) => {
      const s = m.machine.migration();
      if (!s) return;
      const kb = (n: number): number => Math.floor(n / 1024);
      m.out(`Migration status: ${s.status}\ntotal time: ${Math.round(s.totalTimeMs)} ms\ntransferred ram: ${kb(s.transferred)} kbytes\n`
        + `total ram: ${kb(s.ramTotal)} kbytes\nduplicate: ${s.duplicatePages} pages\nnormal: ${s.normalPages} pages\n`
        + `normal bytes: ${kb(s.normalPages * s.pageSize)} kbytes\npage size: ${kb(s.pageSize)} kbytes\n`);
    },
  },
  { names: 'mtree', args: '', help: 'show memory tree', run: (m) => m.out(m.machine.mtree().join('\n') + '\n') },
  {
    names: 'registers', args: '', help: 'show the cpu registers',
    run: (m) => m.out(`\nCPU#0\n${m.machine.cpu().dumpState()}`),
  },
  {
    names: 'roms', args: '', help: 'show roms',
    run: (m) => m.out(m.machine.roms().map((r) => `addr=${hex(r.addr, 16)} size=0x${hex(r.size, 6)} mem=ram name="${r.name}"\n`).join('')),
  },
  { names: 'status', args: '', help: 'show the current VM status (running|paused)', run: (m) => {
      // QEMU's order: running/paused, the single step mode, then why it is paused.
      const s = m.machine.status().replace(/^(running|paused)/, (w) => (m.machine.cpu().singleStep ? `${w} (single step mode)` : w));
      m.out(`VM status: ${s}\n`);
    },
  },
  { names: 'version', args: '', help: 'show the version of QEMU', run: (m) => m.out(`${m.machine.version}\n`) },
];

const COMMANDS: Command[] = [
  { names: 'cont|c', args: '', help: 'resume emulation', run: (m) => m.machine.cont() },
  {
    names: 'gdbserver', args: '[device]', help: 'start gdbserver on given device (default \'tcp::1234\'), stop with \'none\'',
    run: async (m, a) => { m.out(`${await m.machine.gdbserver(a.trim() || 'tcp::1234')}\n`); },
  },
  {
    names: 'help|?', args: '[cmd]', help: 'show the help',
    run: (m, a) => {
      const which = a.trim();
      const list = which === 'info' ? INFO.map((c) => ({ ...c, names: `info ${c.names}` }))
        : COMMANDS.filter((c) => !which || c.names.split('|').includes(which));
      m.out(list.map((c) => `${c.names} ${c.args} -- ${c.help}\n`).join(''));
    },
  },
  {
    names: 'info', args: '[subcommand]', help: 'show various information about the system state',
    run: (m, a) => {
      const [sub, ...rest] = a.trim().split(/\s+/);
      if (!sub) { m.out(INFO.map((c) => `info ${c.names} ${c.args} -- ${c.help}\n`).join('')); return; }
      const c = INFO.find((i) => i.names === sub);
      if (!c) { m.out(`unknown command: 'info ${sub}'\n`); return; }
      return c.run(m, rest.join(' '));
    },
  },
  {
    names: 'log', args: 'item1[,...]', help: 'activate logging of the specified items',
    run: (m, a) => {
      const items = a.trim();
      if (!items) throw new ArgError('log: string expected');
      const err = m.machine.setLog(items);
      if (err !== undefined) {
        m.out('Log items (comma separated):\nnone            remove all logs\n'
          + Object.entries(m.machine.logItems).map(([k, v]) => `${k.padEnd(15)} ${v}\n`).join(''));
      }
    },
  },
  {
    names: 'logfile', args: 'filename', help: 'output logs to \'filename\'',
    run: (m, a) => {
      const f = a.trim();
      if (!f) throw new ArgError('logfile: string expected');
      const err = m.machine.setLogFile(f);
      if (err) m.out(`${err}\n`);
    },
  },
  {
    names: 'memsave', args: 'addr size file', help: 'save to disk virtual memory dump starting at \'addr\' of size \'size\'',
    run: (m, a) => m.save(a, false),
  },
  {
    names: 'pmemsave', args: 'addr size file', help: 'save to disk physical memory dump starting at \'addr\' of size \'size\'',
    run: (m, a) => m.save(a, true),
  },
  {
    names: 'print|p', args: '/fmt expr', help: 'print expression value (use $reg for CPU register access)',
    run: (m, a) => {
      const { format, rest } = parseFormat(a, m);
      const v = m.evaluate(rest);
      m.out(`${formatValue(v, format.format, 8)}\n`);
    },
  },
  {
    names: 'migrate', args: '[-d] uri', help: 'migrate to URI (using -d to not wait for completion)',
    run: (m, a) => {
      // HMP's "-d" flag, then a string argument, quoted or not.
      const r = /^\s*(-d\s+)?(?:"((?:[^"\\]|\\.)*)"|(\S+))?\s*$/.exec(a);
      const uri = r ? (r[2] !== undefined ? r[2].replace(/\\(.)/g, '$1') : r[3]) : undefined;
      if (!uri) throw new ArgError('migrate: string expected');
      const err = m.machine.migrate(uri);
      if (err) m.out(`Error: ${err}\n`);
    },
  },
  { names: 'quit|q', args: '', help: 'quit the emulator', run: (m) => m.machine.quit() },
  {
    names: 'singlestep', args: '[on|off]', help: 'run emulation in singlestep mode or switch to normal mode',
    run: (m, a) => {
      const v = a.trim();
      if (v === '' || v === 'on') m.machine.cpu().singleStep = true;
      else if (v === 'off') m.machine.cpu().singleStep = false;
      else m.out(`unexpected option ${v}\n`);
    },
  },
  { names: 'stop|s', args: '', help: 'stop emulation', run: (m) => m.machine.stop() },
  { names: 'system_powerdown', args: '', help: 'send system power down event', run: (m) => m.machine.powerdown() },
  { names: 'system_reset', args: '', help: 'reset the system', run: async (m) => { await m.machine.reset(); } },
  {
    names: 'x', args: '/fmt addr', help: 'virtual memory dump starting at \'addr\'',
    run: (m, a) => m.dump(a, false, 'x'),
  },
  {
    names: 'xp', args: '/fmt addr', help: 'physical memory dump starting at \'addr\'',
    run: (m, a) => m.dump(a, true, 'xp'),
  },
];

function hex(v: number, digits: number): string { return (v >>> 0).toString(16).padStart(digits, '0'); }

interface Format { count: number; format: string; size: number }

/** `/[count][format][size]` (QEMU's get_monitor_def / the `/fmt` argument type), remembering the last format and size. */
function parseFormat(args: string, m: Monitor): { format: Format; rest: string } {
  const t = args.trimStart();
  // The format and size stay from one command to the next (x, xp and print alike), as QEMU's.
  if (!t.startsWith('/')) return { format: { count: 1, format: m.lastFormat, size: m.lastSize }, rest: t };
  const f = /^\/(\d*)([a-z]*)/.exec(t)!;
  let count = f[1] ? Number(f[1]) : 1, format = m.lastFormat, size = -1;
  for (const c of f[2]) {
    if ('xduoci'.includes(c)) format = c;
    else if (c === 'b') size = 1; else if (c === 'h') size = 2; else if (c === 'w') size = 4; else if (c === 'g') size = 8;
    else throw new ArgError(`invalid char in format: '${c}'`);
  }
  if (size < 0) size = format === 'c' ? 1 : format === 'i' ? 4 : m.lastSize;
  m.lastFormat = format;
  m.lastSize = size;
  if (count < 1) count = 1;
  return { format: { count, format, size }, rest: t.slice(f[0].length) };
}

function formatValue(v: bigint | number, format: string, size: number): string {
  const bits = BigInt(size * 8);
  const u = BigInt.asUintN(Number(bits), BigInt(v));
  switch (format) {
    case 'd': return BigInt.asIntN(Number(bits), u).toString();
    case 'u': return u.toString();
    case 'o': return `0${u.toString(8)}`;
    case 'c': return printable(Number(u & 0xffn));
    default: return `0x${u.toString(16)}`;
  }
}

/** QEMU's monitor_printc. */
function printable(c: number): string {
  const esc: Record<number, string> = { 0x27: "\\'", 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r' };
  if (esc[c]) return `'${esc[c]}'`;
  return c >= 32 && c <= 126 ? `'${String.fromCharCode(c)}'` : `'\\x${hex(c, 2)}'`;
}

export class Monitor<Cpu extends MonitorCpu = MonitorCpu> {
  lastFormat = 'x';
  lastSize = 4;
  private line = '';

  /** `write` takes the monitor's output (\n already made \r\n, as QEMU's monitor_puts does). */
  constructor(readonly machine: MonitorMachine<Cpu>, private readonly write: (s: string) => void, private readonly banner: string) {}

  out(s: string): void { this.write(s.replace(/\r?\n/g, '\r\n')); }

  /** Greet and prompt (a new session). */
  start(): void { this.out(`${this.banner} monitor - type 'help' for more information\n`); this.prompt(); }
  prompt(): void { this.write('(qemu) '); }

  /** Bytes typed, not yet taken: a line's command runs before the next bytes are echoed. */
  private pending: number[] = [];
  private pumping = false;
  private lastWasCr = false;

  /** Bytes typed: echoed as QEMU's readline echoes them; a line runs at Enter. */
  feed(data: Uint8Array): void {
    for (const b of data) this.pending.push(b);
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.pending.length) {
        const b = this.pending.shift()!;
        if (b === 0x0d || b === 0x0a) {
          if (b === 0x0a && this.lastWasCr) { this.lastWasCr = false; continue; }
          this.lastWasCr = b === 0x0d;
          const line = this.line;
          this.line = '';
          this.write('\r\n');
          await this.execute(line);
          this.prompt();
          continue;
        }
        this.lastWasCr = false;
        if (b === 0x7f || b === 0x08) {
          if (this.line.length) { this.line = this.line.slice(0, -1); this.write('\b \b'); }
        } else if (b >= 0x20 && b < 0x7f) {
          this.line += String.fromCharCode(b);
          this.write(String.fromCharCode(b));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Run one command line. */
  async execute(line: string): Promise<void> {
    const t = line.trim();
    if (!t) return;
    const m = /^(\S+?)(?=\s|\/|$)(.*)$/.exec(t)!;
    const name = m[1], args = m[2];
    const cmd = COMMANDS.find((c) => c.names.split('|').includes(name));
    if (!cmd) { this.out(`unknown command: '${name}'\n`); return; }
    try {
      await cmd.run(this as Monitor, args);
    } catch (e) {
      if (!(e instanceof ArgError)) throw e;
      this.out(`${e.message}\nTry "help ${name}" for more information\n`);
    }
  }

  /** `x` and `xp` (QEMU's memory_dump). */
  dump(args: string, physical: boolean, cmd: string): void {
    const { format, rest } = parseFormat(args, this as Monitor);
    let addr = Number(BigInt.asUintN(64, this.evaluate(rest)));
    // The length counts in the size asked for; characters are then shown a byte each (as QEMU).
    let len = format.size * format.count;
    const wsize = format.format === 'c' ? 1 : format.size;
    const lineSize = format.size === 1 ? 8 : 16;
    const digits = format.format === 'o' ? Math.ceil(wsize * 8 / 3) : format.format === 'u' || format.format === 'd' ? Math.ceil(wsize * 8 * 10 / 33) : wsize * 2;
    let text = '';
    while (len > 0) {
      text += physical ? `${hex(Math.floor(addr / 2 ** 32), 8)}${hex(addr, 8)}:` : `${hex(addr, 8)}:`;
      const l = Math.min(len, lineSize);
      const data = physical ? this.machine.readPhys(addr, l) : this.machine.cpu().debugRead(addr, l);
      if (!data) { text += ' Cannot access memory\n'; break; }
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < l; i += wsize) {
        const v = wsize === 1 ? BigInt(view.getUint8(i)) : wsize === 2 ? BigInt(view.getUint16(i, true))
          : wsize === 4 ? BigInt(view.getUint32(i, true)) : view.getBigUint64(i, true);
        text += ' ';
        switch (format.format) {
          case 'o': text += `0${v.toString(8)}`.padStart(digits + 1); break;
          case 'u': text += v.toString().padStart(digits); break;
          // Values below 8 bytes are loaded unsigned, as QEMU's: only a 64-bit one shows a sign.
          case 'd': text += (wsize === 8 ? BigInt.asIntN(64, v) : v).toString().padStart(digits); break;
          case 'c': text += printable(Number(v)); break;
          default: text += `0x${v.toString(16).padStart(digits, '0')}`;
        }
      }
      text += '\n';
      addr += l;
      len -= l;
    }
    this.out(text);
  }

  /** `memsave` / `pmemsave`: addr size filename. */
  async save(args: string, physical: boolean): Promise<void> {
    const m = /^\s*(\S+)\s+(\S+)\s+(?:"([^"]*)"|(\S+))\s*$/.exec(args);
    if (!m) throw new ArgError('filename expected');
    const addr = Number(BigInt.asUintN(32, this.evaluate(m[1]))), size = Number(this.evaluate(m[2]));
    const file = m[3] ?? m[4];
    const data = physical ? this.machine.readPhys(addr, size) : this.machine.cpu().debugRead(addr, size);
    if (!data) { this.out(`Invalid addr 0x${hex(addr, 16)}/size ${size} specified\n`); return; }
    const { writeFileSync } = await import('node:fs');
    try { writeFileSync(file, data); } catch (e) { this.out(`could not open '${file}': ${(e as Error).message}\n`); }
  }

  /** QEMU's monitor expressions: numbers (0x, 0 octal, decimal), $registers, + - * / % & | ^ ~ and parentheses. */
  evaluate(text: string): bigint {
    const s = text.trim();
    if (!s) throw new ArgError('unexpected end of expression');
    let i = 0;
    const skip = (): void => { while (s[i] === ' ') i++; };
    const unary = (): bigint => {
      skip();
      const c = s[i];
      if (c === '+') { i++; return unary(); }
      if (c === '-') { i++; return -unary(); }
      if (c === '~') { i++; return ~unary(); }
      if (c === '(') {
        i++;
        const v = sum();
        skip();
        if (s[i] !== ')') throw new ArgError("')' expected");
        i++;
        return v;
      }
      if (c === '$') {
        const r = /^\$(\w+)/.exec(s.slice(i));
        if (!r) throw new ArgError('unknown register');
        const n = this.machine.arch.registerNames[r[1]];
        const v = n === undefined ? undefined : this.machine.arch.readRegister(this.machine.cpu(), n);
        if (v === undefined) throw new ArgError('unknown register');
        i += r[0].length;
        return BigInt(v >>> 0);
      }
      const num = /^(0x[0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(s.slice(i));
      if (!num) {
        if (i >= s.length) throw new ArgError('unexpected end of expression');
        throw new ArgError(`invalid char '${s[i]}' in expression`);
      }
      i += num[0].length;
      const t = num[0];
      return t.startsWith('0x') ? BigInt(t) : t.length > 1 && t.startsWith('0') ? BigInt(`0o${t.slice(1)}`) : BigInt(t);
    };
    const product = (): bigint => {
      let v = unary();
      for (;;) {
        skip();
        const op = s[i];
        if (op !== '*' && op !== '/' && op !== '%') return v;
        i++;
        const r = unary();
        if (op !== '*' && r === 0n) throw new ArgError('division by zero');
        v = op === '*' ? v * r : op === '/' ? v / r : v % r;
      }
    };
    const sum = (): bigint => {
      let v = product();
      for (;;) {
        skip();
        const op = s[i];
        if (!op || !'+-&|^'.includes(op)) return v;
        i++;
        const r = product();
        v = op === '+' ? v + r : op === '-' ? v - r : op === '&' ? v & r : op === '|' ? v | r : v ^ r;
      }
    };
    const v = sum();
    skip();
    if (i < s.length) throw new ArgError(`invalid char '${s[i]}' in expression`);
    return BigInt.asUintN(64, v);
  }
}
