/**
 * The gdb stub: GDB's remote serial protocol over TCP or a Unix socket (QEMU's gdbstub), for
 * both emulators. It names no guest CPU: the target supplies its register layout and target
 * description (GdbArch, e.g. runtime/arm/gdb.ts), the machine the CPU it runs (GdbMachine).
 *
 * The machine's run loop owns the CPU; it asks the stub before each slice (beforeRun: wait
 * while gdb holds the CPU, single-step for it) and tells it how a slice ended (afterRun: a
 * breakpoint or watchpoint stop is reported). gdb's packets arrive through Node's event loop,
 * which turns between slices; Ctrl-C (a 0x03 byte) stops the guest after the current slice.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { closeSync, existsSync, openSync, readSync, unlinkSync } from 'node:fs';
import type { DebugStop, RunResult, WatchType } from './exec.js';

/** What the stub needs of a CPU (CpuExec has it all). */
export interface GdbCpu {
  insertBreakpoint(pc: number): void;
  removeBreakpoint(pc: number): boolean;
  insertWatchpoint(addr: number, len: number, type: WatchType): void;
  removeWatchpoint(addr: number, len: number, type: WatchType): boolean;
  removeAllDebugPoints(): void;
  stepInstruction(): RunResult;
  debugStop?: DebugStop;
  debugRead(vaddr: number, len: number): Uint8Array | undefined;
  debugWrite(vaddr: number, data: Uint8Array): boolean;
}

/** A target's registers as gdb sees them (QEMU's gdb_read_register and its gdb-xml files). */
export interface GdbArch<Cpu = GdbCpu> {
  /** The target description's files: `target.xml` and those it includes. */
  readonly xml: Readonly<Record<string, string>>;
  /** The registers of the `g` packet, by gdb register number, in order. */
  readonly gRegisters: readonly number[];
  /** Bytes per register (little-endian in the packets). */
  readonly registerBytes: number;
  /** gdb's number of the pc (for `c ADDR`, `s ADDR`). */
  readonly pcRegister: number;
  /** A register's value, or undefined if there is no register `n`. */
  readRegister(cpu: Cpu, n: number): number | undefined;
  /** Write a register; false if there is no register `n`. */
  writeRegister(cpu: Cpu, n: number, value: number): boolean;
  /**
   * Registers wider than registerBytes (x87's 80-bit st0–st7, SSE's 128-bit xmm), by gdb
   * number: their size in bytes. They are read and written as little-endian bytes.
   */
  readonly wideRegisters?: Readonly<Record<number, number>>;
  readWide?(cpu: Cpu, n: number): Uint8Array;
  /** False if the register cannot be written. */
  writeWide?(cpu: Cpu, n: number, bytes: Uint8Array): boolean;
}

/** A Linux user-mode process, for its packets (qXfer:auxv, qXfer:exec-file, the exit report). */
export interface GdbProcess {
  readonly pid: number;
  auxv(): Uint8Array;
  execFile(): string;
}

/** The machine the stub debugs. */
export interface GdbMachine<Cpu extends GdbCpu = GdbCpu> {
  /** The current CPU (user mode: execve replaces it). */
  cpu(): Cpu;
  readonly arch: GdbArch<Cpu>;
  readonly process?: GdbProcess;
  /** gdb's kill (`k`, `vKill`): end the emulator. */
  kill(): void;
  /** gdb resumed the guest (c, s, vCont): system mode's -S or monitor pause ends too. */
  resumed?(): void;
}

/** A listening address: QEMU's `tcp::PORT`, `tcp:HOST:PORT`, a bare port, or `unix:PATH[,server]`. */
export { parseGdbAddress, type GdbAddress } from './gdb-address.js';
import type { GdbAddress } from './gdb-address.js';

/** gdb's signal numbers in stop replies. */
const GDB_SIGNAL_INT = 2, GDB_SIGNAL_TRAP = 5;
/** QEMU's maximum packet size (PacketSize=1000, hex). */
const PACKET_SIZE = 0x1000;

const hex8 = (b: number): string => b.toString(16).padStart(2, '0');
const toHex = (data: Uint8Array): string => Buffer.from(data).toString('hex');
const hexString = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

export class GdbStub<Cpu extends GdbCpu = GdbCpu> {
  private server?: Server;
  private socket?: Socket;
  private input = Buffer.alloc(0);
  private ack = true;
  /** The guest is held for gdb (stopped at a breakpoint, after a step, at start, or interrupted). */
  private held: boolean;
  /** What gdb last asked the guest to do. */
  private action: 'continue' | 'step' = 'continue';
  private interruptRequested = false;
  private lastStop?: string;
  /** gdb asked for the multiprocess extension: thread ids are p<pid>.<tid> (QEMU's pid 1, thread 1). */
  private multiprocess = false;
  private wakers: (() => void)[] = [];
  /** The signal gdb's last C, S or vCont;C/S asked for (user mode delivers it; 0: none). */
  private resumeSignal = 0;
  /** Set once the guest process has ended (user mode): the stub answers W/X and is done. */
  private ended = false;

  /**
   * `startHeld`: the guest waits for gdb's first continue (QEMU's -S; qemu-arm -g always).
   * `label`: the emulator's name, for its messages.
   */
  constructor(readonly machine: GdbMachine<Cpu>, startHeld: boolean, private readonly label: string) {
    this.held = startHeld;
  }

  /** Start listening; rejects with a one-line message if the address cannot be used. */
  listen(address: GdbAddress): Promise<void> {
    const server = this.server = createServer((s) => this.accept(s));
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        const where = 'path' in address ? address.path : `tcp::${address.port}`;
        reject(new Error(`gdbstub: couldn't create chardev '${where}': ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`));
      });
      if ('path' in address) {
        if (existsSync(address.path)) { try { unlinkSync(address.path); } catch { /* listen reports it */ } }
        server.listen(address.path, () => resolve());
      } else {
        server.listen(address.port, address.host ?? '0.0.0.0', () => resolve());
      }
    });
  }

  close(): void {
    this.socket?.destroy();
    this.server?.close();
    this.server?.unref();
  }

  /** Whether a gdb is connected. */
  get connected(): boolean { return this.socket !== undefined; }

  /** Whether the guest is held for gdb now. */
  get stopped(): boolean { return this.held; }

  private accept(socket: Socket): void {
    if (this.socket) { socket.destroy(); return; } // one debugger at a time, as QEMU
    this.socket = socket;
    this.ack = true;
    socket.setNoDelay(true);
    // A debugger that connects stops the guest (QEMU's vm_stop on the connection).
    if (!this.held) { this.held = true; this.interruptRequested = false; }
    socket.on('data', (d) => this.receive(d));
    const gone = (): void => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.input = Buffer.alloc(0);
      // The debugger vanished: its breakpoints go and the guest runs on.
      this.machine.cpu().removeAllDebugPoints();
      this.resume('continue');
    };
    socket.on('close', gone);
    socket.on('error', gone);
    this.wake();
  }

  // --- the run loop's side --------------------------------------------------------------------
  /**
   * Called by the machine's loop before it runs the CPU: waits while gdb holds the guest, and
   * single-steps for gdb; returns when the CPU may run freely.
   */
  async beforeRun(): Promise<void> {
    for (;;) {
      if (this.ended) return;
      if (!this.held && this.interruptRequested) this.stop(this.stopReply(GDB_SIGNAL_INT));
      if (!this.held) {
        if (this.action !== 'step') return;
        const cpu = this.machine.cpu();
        const r = cpu.stepInstruction();
        if (r.reason === 'halt') return; // the machine ended in this instruction
        this.report(cpu.debugStop ?? { kind: 'step' });
        continue;
      }
      await new Promise<void>((resolve) => this.wakers.push(resolve));
    }
  }

  /** Called with the result of the CPU's run: a debug stop is reported to gdb and holds the guest. */
  afterRun(result: RunResult): void {
    if (result.reason === 'debug') this.report(this.machine.cpu().debugStop ?? { kind: 'breakpoint' });
    else if (this.interruptRequested && !this.held) this.stop(this.stopReply(GDB_SIGNAL_INT));
  }

  /** A debugger is connected (user mode: signals stop for it). */
  get attached(): boolean { return this.socket !== undefined && !this.ended; }

  /**
   * User mode: the guest is about to take a signal (gdb's number): gdb gets the stop, and the
   * signal it continues with comes back (gdb's number; 0: none), as QEMU's gdb_handlesig. If gdb
   * goes away meanwhile, the signal is taken.
   */
  async signalStop(signal: number): Promise<number> {
    this.resumeSignal = 0;
    this.stop(this.stopReply(signal));
    while (this.held && !this.ended && this.socket) await new Promise<void>((resolve) => this.wakers.push(resolve));
    return this.socket ? this.resumeSignal : signal;
  }

  /** Whether the CPU should leave its slice early (gdb holds it or wants it stopped). */
  get wantsStop(): boolean { return this.held || this.interruptRequested || this.action === 'step'; }

  /** The guest ended (user mode: the process; system mode: semihosting's exit); tell gdb (W exit status, X signal) and wait until it is sent. */
  async processEnded(end: { exitCode: number } | { signal: number }): Promise<void> {
    this.ended = true;
    this.held = false;
    this.wake();
    const s = this.socket;
    if (!s) return;
    // QEMU's gdb_exit names no process, even with the multiprocess extension.
    const reply = 'exitCode' in end ? `W${hex8(end.exitCode & 0xff)}` : `X${hex8(end.signal)}`;
    await new Promise<void>((resolve) => s.write(this.frame(reply), () => resolve()));
    s.end();
  }

  /** The monitor's cont: the guest runs even if gdb held it (gdb gets its stop reply at the next stop). */
  resumeFromMonitor(): void { if (this.held) this.resume('continue'); }

  private report(stop: DebugStop): void {
    let r = this.stopReply(GDB_SIGNAL_TRAP);
    if (stop.kind === 'watchpoint') r += `${stop.type === 'read' ? 'r' : stop.type === 'access' ? 'a' : ''}watch:${(stop.addr >>> 0).toString(16)};`;
    this.stop(r);
  }

  /** The thread, as QEMU writes it. */
  private get threadId(): string { return this.multiprocess ? 'p01.01' : '01'; }

  private stopReply(signal: number): string { return `T${hex8(signal)}thread:${this.threadId};`; }

  private stop(reply: string): void {
    this.held = true;
    this.interruptRequested = false;
    this.action = 'continue';
    this.lastStop = reply;
    this.send(reply);
  }

  private resume(action: 'continue' | 'step'): void {
    this.action = action;
    this.held = false;
    this.wake();
  }

  private wake(): void { const w = this.wakers; this.wakers = []; for (const f of w) f(); }

  // --- the protocol ---------------------------------------------------------------------------
  private receive(data: Buffer): void {
    this.input = Buffer.concat([this.input, data]);
    for (;;) {
      const buf = this.input;
      if (buf.length === 0) return;
      const c = buf[0];
      if (c === 0x03) {
        this.input = buf.subarray(1);
        if (!this.held) this.interruptRequested = true;
        continue;
      }
      if (c !== 0x24 /* $ */) { this.input = buf.subarray(1); continue; } // acks and noise
      const end = buf.indexOf(0x23 /* # */, 1);
      if (end < 0 || buf.length < end + 3) return; // incomplete
      const body = buf.subarray(1, end);
      const sum = parseInt(buf.subarray(end + 1, end + 3).toString('latin1'), 16);
      this.input = buf.subarray(end + 3);
      let computed = 0;
      for (const b of body) computed = (computed + b) & 0xff;
      if (this.ack) {
        if (computed !== sum) { this.socket?.write('-'); continue; }
        this.socket?.write('+');
      }
      const reply = this.handle(body);
      if (reply !== undefined) this.send(reply);
    }
  }

  private frame(reply: string | Buffer): Buffer {
    const body = typeof reply === 'string' ? Buffer.from(reply, 'latin1') : reply;
    let sum = 0;
    for (const b of body) sum = (sum + b) & 0xff;
    return Buffer.concat([Buffer.from('$'), body, Buffer.from(`#${hex8(sum)}`)]);
  }

  private send(reply: string | Buffer): void {
    this.socket?.write(this.frame(reply));
  }

  /** Handle one packet; the reply, or undefined when the reply comes later (a stop). */
  private handle(packet: Buffer): string | Buffer | undefined {
    const p = packet.toString('latin1');
    const cpu = this.machine.cpu();
    const arch = this.machine.arch;
    switch (p[0]) {
      case '?': return this.lastStop ?? this.stopReply(GDB_SIGNAL_TRAP);
      case 'g': return arch.gRegisters.map((n) => this.readReg(cpu, n) ?? '00'.repeat(this.regSize(n))).join('');
      case 'G': {
        let at = 1;
        for (const n of arch.gRegisters) {
          const w = this.regSize(n) * 2, h = p.slice(at, at + w);
          at += w;
          if (h.length === w) this.writeReg(cpu, n, h);
        }
        return 'OK';
      }
      case 'p': return this.readReg(cpu, parseInt(p.slice(1), 16)) ?? 'E14';
      case 'P': {
        const [n, v] = p.slice(1).split('=');
        return this.writeReg(cpu, parseInt(n, 16), v) ? 'OK' : 'E14';
      }
      case 'm': {
        const [addr, len] = p.slice(1).split(',').map((x) => parseInt(x, 16));
        if (Number.isNaN(addr) || Number.isNaN(len)) return 'E22';
        const data = cpu.debugRead(addr, Math.min(len, PACKET_SIZE / 2));
        return data ? toHex(data) : 'E14';
      }
      case 'M': {
        const m = /^M([0-9a-fA-F]+),([0-9a-fA-F]+):([0-9a-fA-F]*)$/.exec(p);
        if (!m) return 'E22';
        return cpu.debugWrite(parseInt(m[1], 16), Buffer.from(m[3], 'hex')) ? 'OK' : 'E14';
      }
      case 'X': {
        const colon = packet.indexOf(0x3a);
        const m = /^X([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(packet.subarray(0, colon).toString('latin1'));
        if (colon < 0 || !m) return 'E22';
        const data = unescapeBinary(packet.subarray(colon + 1));
        if (data.length !== parseInt(m[2], 16)) return 'E22';
        return cpu.debugWrite(parseInt(m[1], 16), data) ? 'OK' : 'E14';
      }
      case 'c': case 's': case 'C': case 'S': {
        // An address to resume at (c ADDR / s ADDR); the signal of C/S goes to a user-mode guest
        // stopped at a signal (signalStop) and is dropped otherwise, as QEMU's system mode does.
        const addr = p[0] === 'c' || p[0] === 's' ? p.slice(1) : p.split(';')[1];
        this.resumeSignal = p[0] === 'C' || p[0] === 'S' ? parseInt(p.slice(1).split(';')[0], 16) || 0 : 0;
        if (addr) arch.writeRegister(cpu, arch.pcRegister, parseInt(addr, 16));
        this.machine.resumed?.();
        this.resume(p[0] === 's' || p[0] === 'S' ? 'step' : 'continue');
        return undefined;
      }
      case 'v': return this.handleV(p);
      case 'Z': case 'z': return this.handleBreakpoint(p);
      case 'H': return 'OK';
      case 'T': return 'OK';
      case 'k': this.machine.kill(); return undefined;
      case 'D':
        cpu.removeAllDebugPoints();
        this.send('OK');
        this.resume('continue');
        this.socket?.end();
        return undefined;
      case 'q': case 'Q': return this.handleQuery(p);
      default: return '';
    }
  }

  private handleV(p: string): string | Buffer | undefined {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) {
      // The first action that applies to our one thread (any thread id, or none).
      for (const a of p.slice(6).split(';')) {
        const kind = a[0];
        this.resumeSignal = kind === 'C' || kind === 'S' ? parseInt(a.slice(1).split(':')[0], 16) || 0 : 0;
        if (kind === 'c' || kind === 'C') { this.machine.resumed?.(); this.resume('continue'); return undefined; }
        if (kind === 's' || kind === 'S') { this.machine.resumed?.(); this.resume('step'); return undefined; }
      }
      return 'E22';
    }
    if (p.startsWith('vKill')) { this.send('OK'); this.machine.kill(); return undefined; }
    if (p.startsWith('vFile:') && this.machine.process) return this.handleFile(p.slice(6));
    return ''; // vMustReplyEmpty and the rest: not supported
  }

  /** Host I/O for user mode (gdb reads the program named by qXfer:exec-file): the guest's files are the host's. */
  private readonly files = new Set<number>();
  private handleFile(p: string): string | Buffer {
    const [op, argText = ''] = p.split(':');
    const args = argText.split(',');
    const errno = (e: unknown): string => `F-1,${(-((e as NodeJS.ErrnoException).errno ?? -5)).toString(16)}`;
    try {
      switch (op) {
        case 'setfs': return 'F0';
        case 'open': {
          // Read-only: what gdb opens is the program and its libraries.
          if ((parseInt(args[1], 16) & 3) !== 0) return 'F-1,d'; // EACCES
          const fd = openSync(Buffer.from(args[0], 'hex').toString('utf8'), 'r');
          this.files.add(fd);
          return `F${fd.toString(16)}`;
        }
        case 'pread': {
          const fd = parseInt(args[0], 16), count = Math.min(parseInt(args[1], 16), PACKET_SIZE / 2), off = parseInt(args[2], 16);
          if (!this.files.has(fd)) return 'F-1,9'; // EBADF
          const buf = Buffer.alloc(count);
          const n = readSync(fd, buf, 0, count, off);
          return Buffer.concat([Buffer.from(`F${n.toString(16)};`), escapeBinary(buf.subarray(0, n))]);
        }
        case 'close': {
          const fd = parseInt(args[0], 16);
          if (!this.files.delete(fd)) return 'F-1,9';
          closeSync(fd);
          return 'F0';
        }
        default: return '';
      }
    } catch (e) {
      return errno(e);
    }
  }

  private handleBreakpoint(p: string): string {
    const m = /^([Zz])([0-4]),([0-9a-fA-F]+),([0-9a-fA-F]+)/.exec(p);
    if (!m) return 'E22';
    const insert = m[1] === 'Z', type = Number(m[2]), addr = parseInt(m[3], 16), len = parseInt(m[4], 16);
    const cpu = this.machine.cpu();
    if (type <= 1) {
      // Software and hardware breakpoints are the same thing here, as in QEMU's TCG.
      if (insert) cpu.insertBreakpoint(addr); else cpu.removeBreakpoint(addr);
      return 'OK';
    }
    const watch: WatchType = type === 2 ? 'write' : type === 3 ? 'read' : 'access';
    if (insert) { cpu.insertWatchpoint(addr, len, watch); return 'OK'; }
    return cpu.removeWatchpoint(addr, len, watch) ? 'OK' : 'E22';
  }

  private handleQuery(p: string): string | Buffer | undefined {
    const proc = this.machine.process;
    if (p.startsWith('qSupported')) {
      this.multiprocess = p.includes('multiprocess+');
      let r = `PacketSize=${PACKET_SIZE.toString(16)};qXfer:features:read+;vContSupported+;QStartNoAckMode+`;
      if (this.multiprocess) r += ';multiprocess+';
      if (proc) r += ';qXfer:auxv:read+;qXfer:exec-file:read+';
      return r;
    }
    if (p === 'QStartNoAckMode') { this.send('OK'); this.ack = false; return undefined; }
    if (p === 'qC') return `QC${this.threadId}`;
    if (p === 'qfThreadInfo') return `m${this.threadId}`;
    if (p === 'qsThreadInfo') return 'l';
    if (p === 'qAttached' || p.startsWith('qAttached:')) return '1';
    if (p.startsWith('qThreadExtraInfo,')) return hexString(`CPU#0 [${this.held ? 'halted ' : 'running'}]`);
    if (p === 'qOffsets' && proc) return 'Text=0;Data=0;Bss=0';
    const xfer = /^qXfer:([a-z-]+):read:([^:]*):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
    if (xfer) {
      const [, object, annex] = xfer;
      const off = parseInt(xfer[3], 16), len = parseInt(xfer[4], 16);
      let data: Uint8Array | undefined;
      if (object === 'features') {
        const x = this.machine.arch.xml[annex];
        if (x === undefined) return 'E00';
        data = Buffer.from(x, 'utf8');
      } else if (object === 'auxv' && proc) data = proc.auxv();
      else if (object === 'exec-file' && proc) data = Buffer.from(proc.execFile(), 'utf8');
      else return '';
      const part = data.subarray(off, off + len);
      return Buffer.concat([Buffer.from(off + len < data.length ? 'm' : 'l'), escapeBinary(part)]);
    }
    return '';
  }

  private regSize(n: number): number { return this.machine.arch.wideRegisters?.[n] ?? this.machine.arch.registerBytes; }

  /** Register n in the packets' hex (little-endian), or undefined if there is none. */
  private readReg(cpu: Cpu, n: number): string | undefined {
    const arch = this.machine.arch;
    if (arch.wideRegisters?.[n] !== undefined) return toHex(arch.readWide!(cpu, n));
    const v = arch.readRegister(cpu, n);
    return v === undefined ? undefined : this.regHex(v);
  }

  private writeReg(cpu: Cpu, n: number, h: string): boolean {
    const arch = this.machine.arch, size = arch.wideRegisters?.[n];
    if (size === undefined) return arch.writeRegister(cpu, n, this.parseReg(h));
    if (h.length !== size * 2) return false;
    return arch.writeWide!(cpu, n, Uint8Array.from(Buffer.from(h, 'hex')));
  }

  private regHex(v: number): string {
    let out = '';
    for (let i = 0; i < this.machine.arch.registerBytes; i++) out += hex8((v >>> (8 * i)) & 0xff);
    return out;
  }

  private parseReg(h: string): number {
    let v = 0;
    for (let i = h.length / 2 - 1; i >= 0; i--) v = (v * 256 + parseInt(h.slice(2 * i, 2 * i + 2), 16)) >>> 0;
    return v;
  }
}

/** The protocol's binary escapes: `}` then the byte XOR 0x20, for `#`, `$`, `}` and `*`. */
function escapeBinary(data: Uint8Array): Buffer {
  const out: number[] = [];
  for (const b of data) {
    if (b === 0x23 || b === 0x24 || b === 0x7d || b === 0x2a) out.push(0x7d, b ^ 0x20);
    else out.push(b);
  }
  return Buffer.from(out);
}

function unescapeBinary(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) out.push(data[i] === 0x7d ? data[++i] ^ 0x20 : data[i]);
  return Uint8Array.from(out);
}
