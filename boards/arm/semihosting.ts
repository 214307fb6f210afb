/**
 * ARM semihosting (the "Angel" SVC interface), as QEMU 7.2 implements it for 32-bit A-profile
 * system emulation (semihosting/arm-compat-semi.c): `SVC 0x123456` in ARM state or `SVC 0xab`
 * in Thumb state, in a privileged mode only (from User mode it is an ordinary SWI). r0 holds
 * the operation, r1 its parameter (usually a pointer to a parameter block); the result goes to
 * r0 and execution continues after the SVC.
 *
 * Behaviours taken from QEMU (checked by running probes under qemu-system-arm -M versatilepb):
 * - handles are small integers from 1 up, lowest free first; ":tt" opened with mode < 4 is
 *   stdin, 4..7 stdout, 8..11 stderr; ":semihosting-features" is a 5-byte read-only file;
 * - SYS_WRITE/SYS_READ return the number of bytes NOT transferred; a bad handle transfers
 *   nothing and (unlike the other calls) leaves SYS_ERRNO alone;
 * - SYS_WRITE0/SYS_WRITEC write to the "semihosting console", which is host stderr;
 * - SYS_EXIT: r1 == ADP_Stopped_ApplicationExit (0x20026) exits 0, any other reason 1;
 *   SYS_EXIT_EXTENDED: block {reason, subcode}: ApplicationExit exits with subcode & 0xff,
 *   any other reason 1;
 * - SYS_HEAPINFO: heap from the end of the loaded image to the end of RAM, stack base = RAM end;
 * - SYS_GET_CMDLINE: the kernel file name (and -append), or the -semihosting-config arg= words.
 */
import { latin1Bytes, monotonicNs } from '../../runtime/host.js';
import { CPSR_MODE, MODE_USR, R0, THUMB } from '../../ops/arm/state.js';
import type { ArmCpu } from '../../runtime/arm/cpu.js';

export const SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05,
  SYS_READ = 0x06, SYS_READC = 0x07, SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0a, SYS_FLEN = 0x0c,
  SYS_TMPNAM = 0x0d, SYS_REMOVE = 0x0e, SYS_RENAME = 0x0f, SYS_CLOCK = 0x10, SYS_TIME = 0x11, SYS_SYSTEM = 0x12,
  SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16, SYS_EXIT = 0x18, SYS_SYNCCACHE = 0x19,
  SYS_EXIT_EXTENDED = 0x20, SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31;
export const ADP_Stopped_ApplicationExit = 0x20026;

const EBADF = 9, EFAULT = 14, EINVAL = 22, ENOTTY = 25, ESPIPE = 29, E2BIG = 7, EACCES = 13, ENOSYS = 38;
const FEATURES = Uint8Array.from([0x53, 0x48, 0x46, 0x42, 0x03]); // "SHFB", EXIT_EXTENDED | STDOUT_STDERR
const OPEN_FLAGS = ['r', 'r', 'r+', 'r+', 'w', 'w', 'w+', 'w+', 'a', 'a', 'a+', 'a+'];

type Handle =
  | { kind: 'stdin' }
  | { kind: 'stdout' }
  | { kind: 'stderr' }
  | { kind: 'features'; pos: number }
  | { kind: 'file'; fd: number; pos: number; append: boolean };

/** What the host side offers: console streams and input. */
export interface SemihostingHost {
  /** Semihosting stdout (":tt" opened for writing). */
  stdout(data: Uint8Array): void;
  /** Host stderr: ":tt" opened for append, and the console (SYS_WRITE0, SYS_WRITEC). */
  stderr(data: Uint8Array): void;
  /**
   * Up to `max` bytes of console input: an empty array at end of input, undefined if none has
   * arrived yet (the call is then retried once input comes: see Semihosting.waitingForInput).
   */
  readInput(max: number): Uint8Array | undefined;
  /** Whether the console streams are terminals (SYS_ISTTY); none is without it. */
  isatty?(fd: 0 | 1 | 2): boolean;
  /**
   * The host's files (SYS_OPEN of a name other than ":tt", SYS_REMOVE, SYS_RENAME, SYS_FLEN of
   * the console) and CPU time (SYS_CLOCK). Without it, opening a file fails with ENOENT and
   * SYS_CLOCK returns 0 (a browser page). The CLI passes Node's: semihosting-node.ts.
   */
  files?: SemihostingFiles;
}

/**
 * Host file operations in the shape of Node's synchronous `fs` calls: each throws on failure,
 * and `errno` turns what was thrown into the guest's errno value.
 */
export interface SemihostingFiles {
  /** `flags`: an fopen mode ('r', 'r+', 'w', 'w+', 'a', 'a+'); files are created 0644. */
  open(name: string, flags: string): number;
  /** Close a descriptor open() returned. */
  close(fd: number): void;
  /** Write at `position` (null: at the end, for append), returning the bytes written. */
  write(fd: number, data: Uint8Array, position: number | null): number;
  /** Read up to `length` bytes at `position` into `buf`, returning the bytes read. */
  read(fd: number, buf: Uint8Array, length: number, position: number): number;
  /** The size of an open file (0, 1, 2: the host's console streams). */
  size(fd: number): number;
  /** Delete the file `name`. */
  unlink(name: string): void;
  /** Rename the file `from` to `to`. */
  rename(from: string, to: string): void;
  /** The errno value of an error one of the calls above threw (EINVAL if it has none). */
  errno(e: unknown): number;
  /** Host CPU time used, in microseconds (SYS_CLOCK). */
  cpuTimeUs(): number;
}

const ENOENT = 2;
/** No host files (a browser): nothing opens, and the console streams have no size. */
const NO_FILES: SemihostingFiles = {
  open: () => { throw new Error('no host files'); },
  close: () => undefined,
  write: () => 0,
  read: () => 0,
  size: () => 0,
  unlink: () => { throw new Error('no host files'); },
  rename: () => { throw new Error('no host files'); },
  errno: () => ENOENT,
  cpuTimeUs: () => 0,
};

export interface SemihostingOptions {
  host: SemihostingHost;
  /** SYS_GET_CMDLINE. */
  cmdline: string;
  /** SYS_HEAPINFO: heap base and limit (the stack base is the limit, the stack limit the base). */
  heapBase: number;
  heapLimit: number;
}

export class Semihosting {
  private readonly handles = new Map<number, Handle>();
  private errno = 0;
  private readonly t0 = monotonicNs();
  private readonly files: SemihostingFiles;
  /** Set when a read found no input yet: the SVC will be re-executed; the machine should wait. */
  waitingForInput = false;
  /** Set when the guest made a call QEMU does not support (QEMU aborts); the message says which. */
  fatal?: string;

  constructor(readonly opts: SemihostingOptions) { this.files = opts.host.files ?? NO_FILES; }

  /** The ArmCpuOptions.onSwi hook. */
  readonly onSwi = (cpu: ArmCpu, imm: number): boolean => {
    const thumb = cpu.env[THUMB] !== 0;
    if (imm !== (thumb ? 0xab : 0x123456)) return false;
    if ((cpu.cpsr & CPSR_MODE) === MODE_USR) return false;
    const r = this.call(cpu, cpu.env[0] >>> 0, cpu.env[1] >>> 0);
    if (r === 'retry') {
      // Re-execute the SVC when input arrives; stop the loop meanwhile.
      cpu.pc = ((cpu.pc - (thumb ? 2 : 4)) >>> 0) | (thumb ? 1 : 0);
      this.waitingForInput = true;
      cpu.halted = true;
      return true;
    }
    if (r !== undefined) cpu.env[R0] = r | 0;
    return true;
  };

  private allocHandle(h: Handle): number {
    let n = 1;
    while (this.handles.has(n)) n++;
    this.handles.set(n, h);
    return n;
  }

  private fail(err: number): number { this.errno = err; return -1; }

  private hostErrno(e: unknown): number { return this.files.errno(e); }

  /** Perform one call; the new r0, undefined to leave it, or 'retry' to wait for input. */
  call(cpu: ArmCpu, op: number, arg: number): number | undefined | 'retry' {
    const arg32 = (i: number): number | undefined => (cpu.isRam(arg + i * 4, 4) ? cpu.readU32(arg + i * 4) : undefined);
    const args = (n: number): number[] | undefined => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = arg32(i);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    };
    const guestBytes = (addr: number, len: number): Uint8Array | undefined =>
      (len === 0 ? new Uint8Array(0) : cpu.isRam(addr, len) ? cpu.ram.slice(addr, addr + len) : undefined);
    const guestString = (addr: number): string | undefined => (cpu.isRam(addr) ? cpu.readCString(addr) : undefined);
    const host = this.opts.host;

    switch (op) {
      case SYS_OPEN: {
        const a = args(3);
        if (!a) return this.fail(EFAULT);
        const name = guestString(a[0]);
        if (name === undefined) return this.fail(EFAULT);
        const mode = a[1];
        if (mode >= 12) return this.fail(EINVAL);
        if (name === ':tt') return this.allocHandle({ kind: mode < 4 ? 'stdin' : mode < 8 ? 'stdout' : 'stderr' });
        if (name === ':semihosting-features') {
          if (mode > 1) return this.fail(EACCES);
          return this.allocHandle({ kind: 'features', pos: 0 });
        }
        try {
          const fd = this.files.open(name, OPEN_FLAGS[mode]);
          return this.allocHandle({ kind: 'file', fd, pos: 0, append: mode >= 8 });
        } catch (e) {
          return this.fail(this.hostErrno(e));
        }
      }
      case SYS_CLOSE: {
        const a = args(1);
        if (!a) return this.fail(EFAULT);
        const h = this.handles.get(a[0]);
        if (!h) return this.fail(EBADF);
        this.handles.delete(a[0]);
        if (h.kind === 'file') {
          try { this.files.close(h.fd); } catch (e) { return this.fail(this.hostErrno(e)); }
        }
        return 0;
      }
      case SYS_WRITEC: {
        const b = guestBytes(arg, 1);
        if (b) host.stderr(b);
        return 0xdeadbeef;
      }
      case SYS_WRITE0: {
        const s = guestString(arg);
        if (s !== undefined) host.stderr(latin1Bytes(s));
        return 0xdeadbeef;
      }
      case SYS_WRITE: {
        const a = args(3);
        if (!a) return this.fail(EFAULT);
        const [hn, buf, len] = a;
        const h = this.handles.get(hn);
        const data = guestBytes(buf, len);
        if (!h || !data) return len; // nothing written; QEMU leaves errno alone here
        switch (h.kind) {
          case 'stdout': host.stdout(data); return 0;
          case 'stderr': host.stderr(data); return 0;
          case 'file':
            try {
              const n = this.files.write(h.fd, data, h.append ? null : h.pos);
              h.pos = h.append ? this.files.size(h.fd) : h.pos + n;
              return len - n;
            } catch (e) {
              this.errno = this.hostErrno(e);
              return len;
            }
          default: return len;
        }
      }
      case SYS_READ: {
        const a = args(3);
        if (!a) return this.fail(EFAULT);
        const [hn, buf, len] = a;
        const h = this.handles.get(hn);
        if (!h || (len > 0 && !cpu.isRam(buf, len))) return len;
        let got: Uint8Array;
        switch (h.kind) {
          case 'stdin': {
            const r = host.readInput(len);
            if (r === undefined) return 'retry';
            got = r;
            break;
          }
          case 'features':
            got = FEATURES.subarray(h.pos, h.pos + len);
            h.pos += got.length;
            break;
          case 'file': {
            const tmp = new Uint8Array(len);
            try {
              const n = this.files.read(h.fd, tmp, len, h.pos);
              h.pos += n;
              got = tmp.subarray(0, n);
            } catch (e) {
              this.errno = this.hostErrno(e);
              return len;
            }
            break;
          }
          default: return len;
        }
        if (got.length) cpu.writeBytes(buf, got);
        return len - got.length;
      }
      case SYS_READC: {
        const r = host.readInput(1);
        if (r === undefined) return 'retry';
        return r.length ? r[0] : -1;
      }
      case SYS_ISERROR: {
        const a = args(1);
        if (!a) return this.fail(EFAULT);
        return (a[0] | 0) < 0 ? 1 : 0;
      }
      case SYS_ISTTY: {
        const a = args(1);
        if (!a) return this.fail(EFAULT);
        const h = this.handles.get(a[0]);
        if (!h) return this.fail(EBADF);
        const fd = h.kind === 'stdin' ? 0 : h.kind === 'stdout' ? 1 : h.kind === 'stderr' ? 2 : undefined;
        if (fd !== undefined && host.isatty?.(fd as 0 | 1 | 2)) return 1;
        this.errno = ENOTTY;
        return 0;
      }
      case SYS_SEEK: {
        const a = args(2);
        if (!a) return this.fail(EFAULT);
        const h = this.handles.get(a[0]);
        if (!h) return this.fail(EBADF);
        if (h.kind === 'file' || h.kind === 'features') { h.pos = a[1]; return 0; }
        return this.fail(ESPIPE);
      }
      case SYS_FLEN: {
        const a = args(1);
        if (!a) return this.fail(EFAULT);
        const h = this.handles.get(a[0]);
        if (!h) return this.fail(EBADF);
        if (h.kind === 'features') return FEATURES.length;
        if (h.kind === 'file') {
          try { return this.files.size(h.fd); } catch (e) { return this.fail(this.hostErrno(e)); }
        }
        try { return this.files.size(h.kind === 'stdin' ? 0 : h.kind === 'stdout' ? 1 : 2); } catch { return 0; }
      }
      case SYS_REMOVE: {
        const a = args(2);
        if (!a) return this.fail(EFAULT);
        const name = guestString(a[0]);
        if (name === undefined) return this.fail(EFAULT);
        try { this.files.unlink(name); return 0; } catch (e) { return this.fail(this.hostErrno(e)); }
      }
      case SYS_RENAME: {
        const a = args(4);
        if (!a) return this.fail(EFAULT);
        const from = guestString(a[0]), to = guestString(a[2]);
        if (from === undefined || to === undefined) return this.fail(EFAULT);
        try { this.files.rename(from, to); return 0; } catch (e) { return this.fail(this.hostErrno(e)); }
      }
      case SYS_CLOCK: { // clock() / (CLOCKS_PER_SEC / 100): host CPU time in centiseconds
        return Math.floor(this.files.cpuTimeUs() / 10000);
      }
      case SYS_TIME: return Math.floor(Date.now() / 1000);
      case SYS_ERRNO: return this.errno;
      case SYS_GET_CMDLINE: {
        const a = args(2);
        if (!a) return this.fail(EFAULT);
        const bytes = latin1Bytes(this.opts.cmdline + '\0');
        if (bytes.length > a[1]) return this.fail(E2BIG);
        if (!cpu.isRam(a[0], bytes.length)) return this.fail(EFAULT);
        cpu.writeU32(arg + 4, bytes.length - 1);
        cpu.writeBytes(a[0], bytes);
        return 0;
      }
      case SYS_HEAPINFO: {
        const a = args(1);
        if (!a || !cpu.isRam(a[0], 16)) return this.fail(EFAULT);
        const { heapBase, heapLimit } = this.opts;
        [heapBase, heapLimit, heapLimit, heapBase].forEach((v, i) => cpu.writeU32(a[0] + i * 4, v));
        return 0;
      }
      case SYS_EXIT:
        return this.exit(cpu, arg === ADP_Stopped_ApplicationExit ? 0 : 1);
      case SYS_EXIT_EXTENDED: {
        const a = args(2);
        if (!a) return this.fail(EFAULT);
        return this.exit(cpu, a[0] === ADP_Stopped_ApplicationExit ? a[1] & 0xff : 1);
      }
      case SYS_ELAPSED: {
        if (!cpu.isRam(arg, 8)) return this.fail(EFAULT);
        const ns = monotonicNs() - this.t0;
        cpu.writeU32(arg, Number(ns & 0xffffffffn));
        cpu.writeU32(arg + 4, Number((ns >> 32n) & 0xffffffffn));
        return 0;
      }
      case SYS_TICKFREQ: return 1000000000;
      case SYS_TMPNAM: case SYS_SYSTEM:
        return this.fail(ENOSYS);
      default:
        // QEMU aborts on an unknown call (cpu_abort); we stop the machine with a message.
        this.fatal = `unsupported semihosting call 0x${op.toString(16)}`;
        cpu.halted = true;
        cpu.exitCode = 1;
        return undefined;
    }
  }

  private exit(cpu: ArmCpu, code: number): undefined {
    cpu.halted = true;
    cpu.exitCode = code;
    return undefined;
  }

  /** Close host files (at machine exit). */
  close(): void {
    for (const h of this.handles.values()) if (h.kind === 'file') try { this.files.close(h.fd); } catch { /* already gone */ }
    this.handles.clear();
  }
}
