/**
 * `dynwasm-system-arm`: full-system ARM emulation with qemu-system-arm's command line
 * (the options that make sense here). Today one machine, `-M versatilepb`.
 */
import { UsageError, parseAccel } from './options.js';
import { closeSync, existsSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { MachineError, createVersatilePb, loadVersatilePb, parseRamSize, saveVersatilePb, type VersatilePb } from '../../boards/versatilepb/machine.js';
import { MigrationError } from '../vmstate.js';
import type { MigrationStats } from '../monitor.js';
import { parseMigrationUri, readMigration, writeMigration, type MigrationUri } from './migration.js';
import type { SemihostingHost } from '../../boards/arm/semihosting.js';
import { nodeSemihostingFiles } from '../../boards/arm/semihosting-node.js';
import { cpuCounters, statsLines } from '../stats.js';
import { openSdImage, parseSdDrive, type SdDrive } from './sd-image.js';
import { LOG_ITEMS, Logger, parseLogItems, type LogItem } from '../log.js';
import { GdbStub, parseGdbAddress, type GdbAddress } from '../gdbstub.js';
import { ARM_GDB } from '../arm/gdb.js';
import type { ArmCpu } from '../arm/cpu.js';
import { Monitor } from '../monitor.js';
import { QmpServer, type QmpMachine } from '../qmp.js';
import { createServer, type Socket } from 'node:net';
import { BoardBus } from '../../boards/bus.js';
import { POLL_BLOCKS, SLICE_MS, SYSTEM_HOT_THRESHOLD } from '../system-loop.js';

/** The package's version (package.json is two folders above dist/runtime/cli). */
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const PROG = 'dynwasm-system-arm';

const MACHINES: Record<string, string> = {
  versatilepb: 'ARM Versatile/PB (ARM926EJ-S)',
};

const USAGE = `usage: ${PROG} -M versatilepb -kernel FILE [options]

Full-system ARM emulation; the options follow qemu-system-arm's.

  -M, -machine NAME      the board (-M help lists them): versatilepb
  -kernel FILE           an ELF (loaded at its physical addresses, entered at its entry point in
                         SVC mode) or a raw image such as a zImage (loaded at 0x10000, entered
                         through QEMU's boot stub: r0=0, r1=0x183, r2=0x100 with an ATAG list
                         there, or r2=the dtb with -dtb)
  -append CMDLINE        kernel command line (a raw image's ATAG_CMDLINE or the dtb's
                         /chosen/bootargs; semihosting's command line)
  -initrd FILE           initial RAM disk for a raw image, loaded at half of RAM (at most 128M up)
                         or above the kernel; passed as ATAG_INITRD2 or in the dtb's /chosen
                         (linux,initrd-start/-end). Ignored for an ELF, as qemu does
  -dtb FILE              device tree blob for a raw image, passed in r2 instead of ATAGs (r1 stays
                         0x183), placed after the initrd (4K aligned) with /chosen/bootargs, the
                         initrd's range and a memory@0 node of the RAM size written into it; an
                         ELF gets it at 0 if its segments leave room there
  -sd FILE               an SD card image (raw) in the MMC slot (the PL181 at 0x10005000; a second
                         -sd goes in the one at 0x1000b000). Opened read-write: the guest's
                         writes go to FILE, as with qemu. Its size must be a power of two. Linux:
                         -append "console=ttyAMA0 root=/dev/mmcblk0 rw rootwait" with a dtb that
                         matches qemu's MMC wiring (demo/linux/README.md)
  -drive file=FILE,if=sd[,format=raw][,snapshot=on|off]
                         the same as -sd FILE (other interfaces, formats and options: an error);
                         snapshot=on keeps the guest's writes to this card in memory
  -snapshot              the SD images are opened read-only and the guest's writes to them stay
                         in memory (lost at exit), as qemu's -snapshot
  -m SIZE                RAM size, e.g. 128M (the default), 256, 64M; versatilepb allows 256M at most
  -nographic             UART0 on stdin/stdout. There is no display in this emulator, so UART0
                         goes to stdout with or without it (stdin is read only with -nographic
                         or -serial stdio)
  -serial DEV            the next UART's backend: stdio, null, none, file:PATH
  -semihosting           enable ARM semihosting (SVC 0x123456 / Thumb SVC 0xab in privileged modes)
  -semihosting-config enable=on[,target=native][,arg=WORD]...
                         the same, with the command line SYS_GET_CMDLINE returns
  -accel jit|interp      execution engine: copy-and-patch WebAssembly (jit, the default; "tcg"
                         is an alias) or the micro-op interpreter (interp). jit,chain=off runs
                         every block from JavaScript instead of chaining in WebAssembly;
                         jit,hot=N compiles a block after N interpreted runs (default 200
                         here: a kernel boot runs much code a few hundred times; 0 compiles
                         every block at once)
  -d ITEM[,ITEM]         log items (-d help lists them), to stderr or the -D file
  -D FILE                log file
  -no-reboot             a guest reset (reboot) ends the emulator; without it the board resets
                         and boots the same images again, as QEMU does
  -s                     shorthand for -gdb tcp::1234
  -gdb DEV               wait for gdb connections on DEV: tcp::PORT, tcp:HOST:PORT or
                         unix:PATH,server (gdb-multiarch -ex 'target remote :1234'); a connecting
                         gdb stops the guest
  -S                     do not start the CPU: wait for gdb's continue (or the monitor's cont)
  -monitor DEV           the human monitor (QEMU's HMP, "(qemu) " prompt) on DEV: stdio, none,
                         unix:PATH,server[,wait=off] or tcp:[HOST]:PORT,server[,wait=off]. With
                         -nographic and no -monitor, serial and monitor share stdio (mon:stdio):
                         Ctrl-A c switches between them
  -qmp DEV               QEMU's JSON machine protocol on DEV: unix:PATH,server[,wait=off] or
                         tcp:[HOST]:PORT,server[,wait=off] (greeting, qmp_capabilities,
                         query-status/-version/-cpus-fast/-commands, stop, cont, system_reset,
                         system_powerdown, quit, human-monitor-command; STOP, RESUME, RESET,
                         SHUTDOWN and POWERDOWN events)
  -incoming URI          start from a machine saved by the monitor's migrate (exec:CMD reads
                         CMD's output, file:PATH a file); the rest of the command line must
                         describe the same machine (-M, -m, -sd, -snapshot). Runs at once,
                         or waits for cont with -S
  -singlestep            one guest instruction per translation block (for comparisons with qemu)
  -stats                 on exit, print execution statistics to stderr (not a qemu option)
  -h, -help              this help
  -version               the version

Exit status: the guest's semihosting exit status; 0 for a guest reset with -no-reboot (Linux's
reboot, or panic=N) or Ctrl-A x; 1 for a usage or loading error; 130 on SIGINT. A guest that
halts (Linux's poweroff: this board has no power controller) or panics without panic=N keeps
the emulator running, as qemu does.`;


/** A listening socket device: unix:PATH,server or tcp:HOST:PORT,server, [wait=off]. */
interface SocketDevice { address: GdbAddress; wait: boolean; spec: string }

function socketDevice(option: string, v: string): SocketDevice {
  const a = parseGdbAddress(v);
  const opts = v.split(',').slice(1);
  if (!a || !(v.startsWith('unix:') || v.startsWith('tcp:')) || !opts.some((x) => x === 'server' || x === 'server=on')) {
    throw new UsageError(`-${option} ${v}: unsupported ${option} device (use ${option === 'monitor' ? 'stdio, none, ' : ''}unix:PATH,server or tcp:HOST:PORT,server)`);
  }
  return { address: a, wait: !opts.some((x) => x === 'wait=off' || x === 'nowait'), spec: v };
}

interface Options {
  machine?: string;
  kernel?: string;
  append?: string;
  initrd?: string;
  dtb?: string;
  sd: SdDrive[];
  ram?: number;
  nographic: boolean;
  serial: string[];
  semihosting: boolean;
  semihostingArgs: string[];
  accel: 'jit' | 'interp';
  logItems: Set<LogItem>;
  logFile?: string;
  stats: boolean;
  singleStep: boolean;
  noReboot?: boolean;
  /** -snapshot: the SD images are not written; the guest's writes stay in memory. */
  snapshot: boolean;
  gdb?: GdbAddress;
  startStopped: boolean;
  monitor?: 'stdio' | 'none' | SocketDevice;
  qmp?: SocketDevice;
  chain: boolean;
  hotThreshold?: number;
  incoming?: { uri: MigrationUri; spec: string };
  help?: 'usage' | 'machines' | 'log' | 'version';
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sd: [], nographic: false, serial: [], semihosting: false, semihostingArgs: [], accel: 'jit', logItems: new Set(), stats: false, singleStep: false, snapshot: false, chain: true, startStopped: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (!raw.startsWith('-') || raw === '-') throw new UsageError(`${raw}: unexpected argument (options start with '-')`);
    const name = raw.replace(/^--?/, '');
    const value = (): string => {
      if (i + 1 >= argv.length) throw new UsageError(`-${name}: requires an argument`);
      return argv[++i];
    };
    switch (name) {
      case 'M': case 'machine': {
        const v = value();
        // -machine type=versatilepb,... and versatilepb,key=val: the type is what counts here.
        const first = v.split(',')[0];
        o.machine = first.startsWith('type=') ? first.slice(5) : first;
        if (o.machine === 'help' || o.machine === '?') o.help = 'machines';
        break;
      }
      case 'kernel': o.kernel = value(); break;
      case 'append': o.append = value(); break;
      case 'initrd': o.initrd = value(); break;
      case 'dtb': o.dtb = value(); break;
      case 'sd': { const f = value(); o.sd.push({ file: f, spec: `-sd ${f}` }); break; }
      case 'drive': o.sd.push(parseSdDrive(value())); break;
      case 'm': {
        const v = value();
        const spec = v.split(',')[0].replace(/^size=/, '');
        const size = parseRamSize(spec);
        if (size === undefined) throw new UsageError(`-m ${v}: invalid RAM size`);
        o.ram = size;
        break;
      }
      case 'nographic': o.nographic = true; break;
      case 'serial': {
        const v = value();
        if (!['stdio', 'mon:stdio', 'null', 'none'].includes(v) && !v.startsWith('file:')) {
          throw new UsageError(`-serial ${v}: unsupported serial backend (use stdio, null, none or file:PATH)`);
        }
        o.serial.push(v);
        break;
      }
      case 'semihosting': o.semihosting = true; break;
      case 'semihosting-config': {
        const v = value();
        for (const part of v.split(',')) {
          const [k, val = ''] = part.split('=');
          if (k === 'enable') {
            if (!['on', 'off', 'yes', 'no', 'true', 'false'].includes(val)) throw new UsageError(`-semihosting-config ${v}: enable must be on or off`);
            o.semihosting = ['on', 'yes', 'true'].includes(val);
          } else if (k === 'arg') {
            o.semihostingArgs.push(part.slice(4));
          } else if (k === 'target') {
            if (!['native', 'auto', 'gdb'].includes(val)) throw new UsageError(`-semihosting-config ${v}: unsupported target '${val}'`);
          } else if (k === 'userspace') {
            if (['on', 'yes', 'true'].includes(val)) throw new UsageError(`-semihosting-config ${v}: userspace=on is not supported`);
          } else if (k !== 'chardev') {
            throw new UsageError(`-semihosting-config ${v}: unknown parameter '${k}'`);
          } else {
            throw new UsageError(`-semihosting-config ${v}: chardev is not supported`);
          }
        }
        break;
      }
      case 'accel': {
        const a = parseAccel(value());
        o.accel = a.engine;
        o.chain = a.chain;
        if (a.hotThreshold !== undefined) o.hotThreshold = a.hotThreshold;
        break;
      }
      case 'd': {
        const v = value();
        if (v === 'help') { o.help = 'log'; break; }
        try { o.logItems = parseLogItems(v); } catch (e) { throw new UsageError(`-d ${v}: ${(e as Error).message}`); }
        break;
      }
      case 'D': o.logFile = value(); break;
      case 'no-reboot': o.noReboot = true; break;
      case 'snapshot': o.snapshot = true; break;
      case 's': o.gdb = { port: 1234 }; break;
      case 'gdb': {
        const v = value();
        const a = parseGdbAddress(v);
        if (!a) throw new UsageError(`-gdb ${v}: unsupported gdb device (use tcp::PORT, tcp:HOST:PORT or unix:PATH,server)`);
        o.gdb = a;
        break;
      }
      case 'S': o.startStopped = true; break;
      case 'incoming': {
        const v = value();
        const uri = parseMigrationUri(v);
        if (typeof uri === 'string') throw new UsageError(`-incoming ${v}: ${uri}`);
        o.incoming = { uri, spec: v };
        break;
      }
      case 'monitor': {
        const v = value();
        if (v === 'stdio' || v === 'none' || v === 'null') { o.monitor = v === 'stdio' ? 'stdio' : 'none'; break; }
        o.monitor = socketDevice('monitor', v);
        break;
      }
      case 'qmp': o.qmp = socketDevice('qmp', value()); break;
      case 'stats': o.stats = true; break;
      case 'singlestep': o.singleStep = true; break;
      case 'h': case 'help': o.help = 'usage'; break;
      case 'version': o.help = 'version'; break;
      default: throw new UsageError(`${raw}: unknown option (try '${PROG} -help')`);
    }
  }
  return o;
}

/** stdout, buffered between slices so that guest output and our stderr lines stay in order. */
class Out {
  private chunks: Buffer[] = [];
  private bytes: number[] = [];
  constructor(private readonly fd: number) {}
  byte(b: number): void {
    this.bytes.push(b);
    if (this.bytes.length >= 1 << 16) this.flush();
  }
  data(d: Uint8Array): void {
    this.pack();
    this.chunks.push(Buffer.from(d));
  }
  private pack(): void {
    if (this.bytes.length) { this.chunks.push(Buffer.from(this.bytes)); this.bytes = []; }
  }
  flush(): void {
    this.pack();
    if (!this.chunks.length) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    for (let off = 0; off < all.length;) {
      try {
        off += writeSync(this.fd, all, off, all.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw e;
      }
    }
  }
}

/** QEMU's help for the Ctrl-A escapes of its stdio multiplexer (those this emulator has). */
const ESCAPE_HELP = '\n\rC-a h    print this help\n\rC-a x    exit emulator\n\rC-a C-a  sends C-a\n\r';
const ESCAPE_HELP_MONITOR = '\n\rC-a h    print this help\n\rC-a x    exit emulator\n\rC-a c    switch between console and monitor\n\rC-a C-a  sends C-a\n\r';
const CTRL_A = 0x01;

/**
 * Host stdin, shared by the UART0 receiver and semihosting console reads. With `escapes` it is
 * QEMU's -nographic stdio multiplexer as far as the console goes: Ctrl-A x quits, Ctrl-A h
 * prints help, Ctrl-A Ctrl-A sends Ctrl-A (QEMU handles them on a pipe as on a terminal).
 */
class Input {
  readonly queue: number[] = [];
  ended = false;
  private waiters: (() => void)[] = [];
  private started = false;
  private escape = false;
  /** Where typed bytes go while the monitor has the focus (-monitor stdio: always; mon:stdio: after Ctrl-A c). */
  monitor?: { feed(bytes: Uint8Array): void; focus(on: boolean): void };
  private monitorFocus = false;
  constructor(private readonly escapes?: { quit: () => void; help: () => void }, monitorOnly = false) { this.monitorFocus = monitorOnly; }
  start(onData: () => void): void {
    if (this.started) return;
    this.started = true;
    process.stdin.on('data', (d: Buffer) => {
      const typed: number[] = [];
      for (const b of d) this.take(b, typed);
      if (typed.length) this.monitor?.feed(Uint8Array.from(typed));
      onData();
      this.wake();
    });
    process.stdin.on('end', () => { this.ended = true; this.wake(); });
    process.stdin.on('error', () => { this.ended = true; this.wake(); });
  }
  private take(b: number, typed: number[]): void {
    const sink = this.monitorFocus && this.monitor ? typed : this.queue;
    if (!this.escapes) { sink.push(b); return; }
    if (this.escape) {
      this.escape = false;
      if (b === 0x78 /* x */) this.escapes.quit();
      else if (b === 0x68 /* h */) this.escapes.help();
      else if (b === 0x63 /* c */ && this.monitor) {
        if (typed.length) this.monitor.feed(Uint8Array.from(typed.splice(0)));
        this.monitorFocus = !this.monitorFocus;
        this.monitor.focus(this.monitorFocus);
      } else if (b === CTRL_A) sink.push(b);
      return; // other escapes: ignored, as QEMU ignores unknown ones
    }
    if (b === CTRL_A) this.escape = true; else sink.push(b);
  }
  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
  wait(): Promise<void> { return new Promise((r) => this.waiters.push(r)); }
  stop(): void { if (this.started) process.stdin.pause(); }
}

async function main(argv: string[]): Promise<number> {
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`${PROG}: ${e.message}\n`); return 1; }
    throw e;
  }
  if (o.help === 'usage') { process.stdout.write(USAGE + '\n'); return 0; }
  if (o.help === 'version') { process.stdout.write(`${PROG} version ${VERSION} (dynwasm; qemu-system-arm's command line)\n`); return 0; }
  if (o.help === 'machines') {
    process.stdout.write('Supported machines are:\n' + Object.entries(MACHINES).map(([k, v]) => `${k.padEnd(20)} ${v}\n`).join(''));
    return 0;
  }
  if (o.help === 'log') {
    process.stdout.write('Log items (comma separated):\n' + Object.entries(LOG_ITEMS).map(([k, v]) => `${k.padEnd(10)} ${v}\n`).join(''));
    return 0;
  }
  const fail = (msg: string): number => { process.stderr.write(`${PROG}: ${msg}\n`); return 1; };
  if (o.machine === undefined) return fail('no machine specified, and there is no default (use -M versatilepb; -M help lists machines)');
  if (!(o.machine in MACHINES)) return fail(`-M ${o.machine}: unsupported machine type (use -M help to list supported machines)`);
  if (o.kernel === undefined) return fail('no -kernel given (this machine has no firmware to boot)');

  const load = (what: string, path: string): Uint8Array | string => {
    try {
      // Only a regular file: reading a FIFO or a terminal would wait for good.
      const st = statSync(path);
      if (st.isDirectory()) return `could not load ${what} '${path}': is a directory`;
      if (!st.isFile()) return `could not load ${what} '${path}': not a regular file`;
      return readFileSync(path);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
      return `could not load ${what} '${path}': ${why}`;
    }
  };
  const kernelName = o.kernel;
  const kernel = load('kernel', kernelName);
  if (typeof kernel === 'string') return fail(kernel);
  const initrd = o.initrd === undefined ? undefined : load('initrd', o.initrd);
  if (typeof initrd === 'string') return fail(initrd);
  const dtb = o.dtb === undefined ? undefined : load('dtb', o.dtb);
  if (typeof dtb === 'string') return fail(dtb);
  if (o.sd.length > 2) return fail(`${o.sd[2].spec}: machine type does not support if=sd,bus=0,unit=2 (versatilepb has two MMC slots)`);
  const sd: Exclude<ReturnType<typeof openSdImage>, string>[] = [];
  for (const d of o.sd) {
    const b = openSdImage(d, o.snapshot);
    if (typeof b === 'string') return fail(b);
    sd.push(b);
  }

  const out = new Out(1);
  const flushAll = (): void => { out.flush(); log?.flush(); };
  const stderr = (d: Uint8Array): void => { out.flush(); writeSync(2, d); };

  // Serial backends: -serial in order for UART0..3; -nographic (or nothing) puts UART0 on stdio.
  const serial = [...o.serial];
  if (serial.length === 0) serial.push('stdio');
  const files: number[] = [];
  const uartOutput: ((b: number) => void)[] = [];
  let uart0Stdin = false;
  for (let i = 0; i < Math.min(serial.length, 4); i++) {
    const s = serial[i];
    if (s === 'stdio' || s === 'mon:stdio') {
      uartOutput[i] = (b) => out.byte(b);
      if (i === 0 && (o.nographic || o.serial.length > 0)) uart0Stdin = true;
    } else if (s.startsWith('file:')) {
      let fd: number;
      try { fd = openSync(s.slice(5), 'w'); } catch (e) { return fail(`-serial ${s}: ${(e as Error).message}`); }
      files.push(fd);
      uartOutput[i] = (b) => { writeSync(fd, Uint8Array.of(b)); };
    }
  }

  // A monitor can switch logging on at run time (log, logfile): it needs a logger from the start.
  const hasMonitor = o.monitor === 'stdio' || typeof o.monitor === 'object'
    || (o.monitor === undefined && ((o.nographic && o.serial.length === 0) || o.serial[0] === 'mon:stdio'));
  let log: Logger | undefined;
  if (o.logItems.size || o.logFile || hasMonitor) {
    try { log = new Logger(o.logItems, o.logFile); } catch (e) { return fail(`-D ${o.logFile}: ${(e as Error).message}`); }
  }

  // -nographic: stdin is the console, in raw mode on a terminal (restored at exit, whatever the exit).
  // The monitor shares stdio with UART0 (-nographic's mon:stdio, or -serial mon:stdio), has it
  // alone (-monitor stdio), or has a socket of its own.
  const muxedMonitor = o.monitor === undefined && ((o.nographic && o.serial.length === 0) || o.serial[0] === 'mon:stdio');
  const input = new Input(o.nographic || muxedMonitor ? {
    quit: () => { flushAll(); writeSync(1, 'QEMU: Terminated\n\r'); process.exit(0); },
    help: () => writeSync(1, muxedMonitor ? ESCAPE_HELP_MONITOR : ESCAPE_HELP),
  } : undefined, o.monitor === 'stdio');
  if (o.nographic && process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.on('exit', () => { try { process.stdin.setRawMode(false); } catch { /* the terminal is gone */ } });
  }
  let machine: VersatilePb;
  const host: SemihostingHost = {
    stdout: (d) => out.data(d),
    stderr,
    readInput: (max) => {
      if (input.queue.length) return Uint8Array.from(input.queue.splice(0, max));
      if (input.ended) return new Uint8Array(0);
      input.start(() => machine.uarts[0].pollInput());
      return undefined;
    },
    isatty: (fd) => isatty(fd),
    files: nodeSemihostingFiles,
  };
  const create = async (): Promise<VersatilePb | string> => {
    try {
      return await createVersatilePb({
        engine: o.accel, ramSize: o.ram, kernel, kernelName, append: o.append,
        initrd, initrdName: o.initrd, dtb, dtbName: o.dtb, sd,
        semihosting: o.semihosting ? host : undefined, semihostingArgs: o.semihostingArgs, uartOutput, log,
        singleStep: o.singleStep, chain: o.chain, hotThreshold: o.hotThreshold ?? SYSTEM_HOT_THRESHOLD,
      });
    } catch (e) {
      if (e instanceof MachineError) return e.message;
      throw e;
    }
  };
  const created = await create();
  if (typeof created === 'string') return fail(created);
  machine = created;
  let cpu = machine.cpu;
  if (o.incoming) {
    // QEMU's -incoming: the machine the command line describes, then the saved state over it.
    const data = readMigration(o.incoming.uri);
    if (typeof data === 'string') return fail(`-incoming ${o.incoming.spec}: ${data}`);
    try {
      loadVersatilePb(machine, data);
    } catch (e) {
      if (e instanceof MigrationError) return fail(`-incoming ${o.incoming.spec}: ${e.message}`);
      throw e;
    }
  }
  if (uart0Stdin) {
    machine.uarts[0].inputSource = () => input.queue.shift();
    input.start(() => machine.uarts[0].pollInput());
  }

  // Run control: -S and the monitor's stop pause the CPU; gdb holds it on its own (stopped at
  // a breakpoint, say); it runs when neither does.
  let paused: 'prelaunch' | 'paused' | 'postmigrate' | undefined = o.startStopped ? 'prelaunch' : undefined;
  // The virtual clock stands still while the machine is paused, as QEMU's.
  if (paused) machine.clock.stop();
  let migration: MigrationStats | undefined;
  let wakeRun: (() => void)[] = [];
  let qmp: QmpServer<ArmCpu> | undefined;
  const setPaused = (p: typeof paused): void => {
    // QMP's STOP and RESUME events mark the changes between running and paused (not prelaunch's start).
    if (p && !paused) qmp?.event('STOP');
    if (!p && paused) qmp?.event('RESUME');
    paused = p;
    if (p) machine.clock.stop(); else machine.clock.start();
    if (!p) { const w = wakeRun; wakeRun = []; for (const f of w) f(); }
  };
  let gdb: GdbStub<ArmCpu> | undefined;
  const startGdb = async (address: GdbAddress): Promise<string | undefined> => {
    const stub = new GdbStub<ArmCpu>({
      cpu: () => cpu,
      arch: ARM_GDB,
      kill: () => { flushAll(); process.stderr.write('QEMU: Terminated via GDBstub\n'); process.exit(0); },
      // gdb's continue also ends -S's wait and a monitor stop, as QEMU's vm_start.
      resumed: () => setPaused(undefined),
    }, false, PROG);
    try { await stub.listen(address); } catch (e) { return (e as Error).message; }
    gdb = stub;
    return undefined;
  };
  if (o.gdb) {
    const err = await startGdb(o.gdb);
    if (err) return fail(err);
  }

  const [major, minor, micro] = VERSION.split('.').map(Number);
  const monitorMachine: QmpMachine<ArmCpu> = {
    runState: () => (paused === 'prelaunch' || paused === 'postmigrate' ? paused : paused ? 'paused' : gdb?.stopped ? 'debug' : 'running'),
    qemuVersion: { major, minor, micro },
    versionPackage: 'dynwasm',
    target: 'arm',
    cpu: () => cpu,
    arch: ARM_GDB,
    readPhys: (addr, len) => (cpu.isRam(addr, len) ? cpu.ram.slice(addr, addr + len) : undefined),
    status: () => (paused === 'prelaunch' || paused === 'postmigrate' ? `paused (${paused})` : paused ? 'paused' : gdb?.stopped ? 'paused (debug)' : 'running'),
    stop: () => { if (!paused) setPaused('paused'); },
    cont: () => { setPaused(undefined); gdb?.resumeFromMonitor(); },
    reset: async () => {
      if (o.noReboot) { qmp?.event('SHUTDOWN', { guest: false, reason: 'host-qmp-system-reset' }); flushAll(); process.exit(0); }
      qmp?.event('RESET', { guest: false, reason: 'host-qmp-system-reset' });
      // QEMU's qemu_system_reset: the board starts again from the same images, paused or not.
      const again = await create();
      if (typeof again === 'string') { process.stderr.write(`${PROG}: ${again}\n`); process.exit(1); }
      machine = again;
      cpu = machine.cpu;
      if (uart0Stdin) machine.uarts[0].inputSource = () => input.queue.shift();
      // A reset while paused leaves the machine as before its first start (QEMU's prelaunch).
      if (paused) { paused = 'prelaunch'; machine.clock.stop(); }
    },
    // versatilepb has no power button: the event, and nothing else happens, as in QEMU.
    powerdown: () => { qmp?.event('POWERDOWN'); },
    quit: () => { qmp?.event('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' }); flushAll(); setImmediate(() => process.exit(0)); },
    version: `${VERSION} (dynwasm)`,
    roms: () => machine.loaded.map((r) => ({
      addr: r.start, size: r.end - r.start, name: r.what.startsWith('segment') ? `${kernelName} ELF program header ${r.what}` : r.what,
    })),
    mtree: () => {
      const h = (v: number): string => v.toString(16).padStart(16, '0');
      const lines = ['address-space: memory', `  ${h(0)}-${'f'.repeat(16)} (prio 0, i/o): system`,
        `    ${h(0)}-${h(cpu.opts.ramSize - 1)} (prio 0, ram): versatile.ram`];
      const bus = cpu.bus instanceof BoardBus ? cpu.bus.regions() : [];
      for (const r of bus) lines.push(`    ${h(r.base)}-${h(r.base + r.size - 1)} (prio 0, i/o): ${r.name}`);
      return [...lines, ''];
    },
    jitInfo: () => statsLines(cpuCounters(cpu), performance.now() - t0),
    setLog: (items) => {
      if (items === 'none') { log!.items.clear(); return undefined; }
      try {
        const set = parseLogItems(items);
        log!.items.clear();
        for (const i of set) log!.items.add(i);
        return undefined;
      } catch (e) { return (e as Error).message; }
    },
    logItems: LOG_ITEMS,
    setLogFile: (path) => { try { log!.setFile(path); return undefined; } catch (e) { return `could not open '${path}': ${(e as Error).message}`; } },
    gdbserver: async (device) => {
      if (device === 'none') { gdb?.close(); gdb = undefined; return 'Disabled gdbserver'; }
      const a = parseGdbAddress(device);
      if (!a || gdb) return `Could not open gdbserver on device '${device}'`;
      const err = await startGdb(a);
      return err ? `Could not open gdbserver on device '${device}'` : `Waiting for gdb connection on device '${device}'`;
    },
    threadId: process.pid,
    migrate: (spec) => {
      if (paused === 'postmigrate') return "Can't migrate the vm that was paused due to previous migration";
      const uri = parseMigrationUri(spec);
      if (typeof uri === 'string') return uri;
      const start = performance.now();
      // The CPU is between blocks (the monitor runs between slices); what the guest printed goes out first.
      out.flush();
      const saved = saveVersatilePb(machine);
      const err = writeMigration(uri, saved.stream);
      migration = {
        status: err ? 'failed' : 'completed', totalTimeMs: performance.now() - start, transferred: saved.stream.length,
        ramTotal: cpu.opts.ramSize, pageSize: 4096, normalPages: saved.savedPages, duplicatePages: saved.ramPages - saved.savedPages,
      };
      if (err) return err;
      setPaused('postmigrate');
      return undefined;
    },
    migration: () => migration,
  };
  const banner = `dynwasm ${VERSION}`;
  /** Listen on a socket device; with wait (QEMU's default), the machine starts once a client came. */
  const listenOn = async (option: string, spec: SocketDevice, onClient: (sock: Socket) => void): Promise<string | undefined> => {
    const server = createServer(onClient);
    const err = await new Promise<string | undefined>((resolve) => {
      server.once('error', (e) => resolve(`-${option} ${spec.spec}: ${(e as Error).message}`));
      if ('path' in spec.address) {
        if (existsSync(spec.address.path)) { try { unlinkSync(spec.address.path); } catch { /* listen reports it */ } }
        server.listen(spec.address.path, () => resolve(undefined));
      } else server.listen(spec.address.port, spec.address.host ?? '0.0.0.0', () => resolve(undefined));
    });
    if (err) return err;
    server.unref();
    if (spec.wait) {
      process.stderr.write(`${PROG}: waiting for connection on: ${spec.spec}\n`);
      await new Promise<void>((resolve) => server.once('connection', () => resolve()));
    }
    return undefined;
  };
  if (o.qmp) {
    const server = qmp = new QmpServer(monitorMachine);
    const err = await listenOn('qmp', o.qmp, (sock) => server.accept(sock));
    if (err) return fail(err);
  }
  const monitorOut = (s: string): void => { out.flush(); writeSync(1, s); };
  if (o.monitor === 'stdio') {
    const mon = new Monitor(monitorMachine, monitorOut, banner);
    input.monitor = { feed: (d) => mon.feed(d), focus: () => undefined };
    mon.start();
    input.start(() => undefined);
  } else if (muxedMonitor) {
    const mon = new Monitor(monitorMachine, monitorOut, banner);
    let greeted = false;
    input.monitor = {
      feed: (d) => mon.feed(d),
      // As QEMU's mux events: a new line when the console takes over, the prompt when the monitor does.
      focus: (on) => { if (!on) { if (greeted) mon.out('\n'); return; } if (greeted) mon.prompt(); else { greeted = true; mon.start(); } },
    };
    if (!uart0Stdin) input.start(() => undefined);
  } else if (o.monitor !== undefined && o.monitor !== 'none') {
    const err = await listenOn('monitor', o.monitor, (sock) => {
      const mon = new Monitor(monitorMachine, (s) => { sock.write(s); }, banner);
      sock.on('data', (d) => mon.feed(d));
      sock.on('error', () => sock.destroy());
      mon.start();
    });
    if (err) return fail(err);
  }

  process.on('SIGINT', () => {
    flushAll();
    process.exit(130);
  });

  const t0 = performance.now();
  try {
    for (;;) {
      if (paused) {
        // Nothing may be left to wake us (-S with neither gdb nor a monitor): wait, as QEMU does, until killed.
        const keepAlive = setInterval(() => undefined, 1 << 30);
        while (paused) await new Promise<void>((resolve) => wakeRun.push(resolve));
        clearInterval(keepAlive);
      }
      if (gdb) await gdb.beforeRun();
      if (paused) continue;
      const sliceEnd = performance.now() + SLICE_MS;
      do {
        const r = cpu.run(POLL_BLOCKS);
        gdb?.afterRun(r);
        machine.poll();
      } while (!cpu.halted && !cpu.waiting && !gdb?.wantsStop && performance.now() < sliceEnd);
      out.flush();
      if (cpu.waiting && !cpu.halted) {
        // Wait for interrupt: sleep instead of spinning; the timers are polled after it.
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      if (cpu.halted) {
        const sh = machine.semihosting;
        if (sh?.waitingForInput) {
          if (!input.queue.length && !input.ended) await input.wait();
          sh.waitingForInput = false;
          cpu.halted = false;
          continue;
        }
        if (machine.resetRequested && !o.noReboot) {
          // A system reset: the board starts again from the same images (QEMU's qemu_system_reset).
          const again = await create();
          if (typeof again === 'string') return fail(again);
          machine = again;
          cpu = machine.cpu;
          if (uart0Stdin) machine.uarts[0].inputSource = () => input.queue.shift();
          continue;
        }
        break;
      }
      await new Promise(setImmediate);
    }
  } finally {
    flushAll();
    if (gdb) { await gdb.processEnded({ exitCode: cpu.exitCode }); gdb.close(); }
    input.stop();
    machine.semihosting?.close();
    for (const fd of files) closeSync(fd);
    log?.close();
  }
  const wallMs = performance.now() - t0;

  if (o.stats) printStats(machine, wallMs);
  if (machine.semihosting?.fatal) return fail(machine.semihosting.fatal);
  return cpu.exitCode;
}

function printStats(m: VersatilePb, wallMs: number): void {
  writeSync(2, statsLines(cpuCounters(m.cpu), wallMs).map((l) => `${PROG}: stats: ${l}\n`).join(''));
}

try {
  const code = await main(process.argv.slice(2));
  process.exit(code);
} catch (e) {
  try { process.stderr.write(`${PROG}: ${(e as Error)?.message ?? String(e)} (internal error)\n`); } catch { /* nothing left to say it on */ }
  if (process.env.DYNWASM_DEBUG) console.error(e);
  process.exit(70);
}
