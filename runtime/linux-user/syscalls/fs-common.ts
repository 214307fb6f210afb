/**
 * What the file system calls share: guest paths to host paths (the -L sysroot, *at directory
 * descriptors, the /proc/self entries that must name the guest rather than the emulator), the
 * guest <-> host (x86-64) open flag translation, and -strace formats for their arguments.
 */
import { EBADF, EFAULT, ENAMETOOLONG, ENOENT } from '../errno.js';
import { PROT_READ } from '../memory.js';
import type { LinuxProcess } from '../process.js';
import type { OpenFile } from '../fd-table.js';
import type { OpenFlagValues } from '../target.js';
import { ARG_FORMATTERS } from '../strace.js';
import { AT_FDCWD } from '../host-files.js';
import { PAGE_SHIFT } from '../../../ops/core.js';

export { AT_FDCWD };

export const PATH_MAX = 4096;

export const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200, AT_SYMLINK_FOLLOW = 0x400,
  AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000, AT_STATX_FORCE_SYNC = 0x2000, AT_STATX_DONT_SYNC = 0x4000;

/** The host's (x86-64, asm-generic) values of the open flags that differ between architectures. */
export const HOST_OPEN_FLAGS: OpenFlagValues = { direct: 0x4000, largefile: 0x8000, directory: 0x10000, nofollow: 0x20000 };
const OPEN_FLAG_KEYS = ['directory', 'nofollow', 'direct', 'largefile'] as const;
export const O_ACCMODE = 3, O_WRONLY = 1, O_CREAT = 0x40, O_TRUNC = 0x200, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
export const O_PATH = 0x200000;

/** Open flags from one architecture's values to another's (the others are the same everywhere). */
function translateOpenFlags(flags: number, from: OpenFlagValues, to: OpenFlagValues): number {
  let out = flags;
  for (const k of OPEN_FLAG_KEYS) out &= ~from[k];
  for (const k of OPEN_FLAG_KEYS) if (flags & from[k]) out |= to[k];
  return out;
}

/** The guest's open flags (the target's values, `guest`) as the host's. */
export function oflagsToHost(guest: OpenFlagValues, flags: number): number { return translateOpenFlags(flags, guest, HOST_OPEN_FLAGS); }

/** The host's open flags as the guest's. */
export function oflagsToGuest(guest: OpenFlagValues, flags: number): number { return translateOpenFlags(flags, HOST_OPEN_FLAGS, guest); }

/** An error thrown by Node's fs or process calls, as -errno. */
export function nodeErrno(e: unknown): number {
  const n = (e as NodeJS.ErrnoException)?.errno;
  if (typeof n === 'number') return n < 0 ? n : -n;
  throw e;
}

/** The open file of guest descriptor `fd`, or undefined (EBADF). */
export const fileOf = (p: LinuxProcess, fd: number): OpenFile | undefined => p.fds.get(fd);

/** Bytes -> a NUL-terminated buffer for libc. */
export function cPath(bytes: Uint8Array | string): Buffer {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const out = Buffer.alloc(b.length + 1);
  out.set(b);
  return out;
}

/** A guest path's bytes (without the NUL), or -EFAULT / -ENAMETOOLONG. */
export function readGuestPath(p: LinuxProcess, addr: number): Uint8Array | number {
  addr >>>= 0;
  if (addr === 0) return -EFAULT;
  const mem = p.mem;
  let end = addr;
  for (;;) {
    if (end - addr >= PATH_MAX) return -ENAMETOOLONG;
    if (end >= 2 ** 32 || !(mem.prot[end >>> PAGE_SHIFT] & PROT_READ)) return -EFAULT;
    if (mem.u8[end] === 0) break;
    end++;
  }
  return mem.u8.subarray(addr, end);
}

/** A host file to a libc *at call: a host directory descriptor and a NUL-terminated path. */
export interface HostAt {
  dirfd: number;
  path: Buffer;
  /** The guest's own spelling of the path (for strace-like uses and /proc special cases). */
  guest: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function utf8(bytes: Uint8Array): string | undefined {
  try { return decoder.decode(bytes); } catch { return undefined; }
}

/**
 * /proc and /dev entries that must name the guest's descriptors or program rather than the
 * emulator's: /proc/self/fd/N (and /dev/fd/N, /dev/stdin…) lead to the host descriptor of
 * guest N, /proc/self/exe to the guest's program. Returns a host path, -errno, or undefined
 * for an ordinary path.
 */
export function procPath(p: LinuxProcess, path: string): string | number | undefined {
  if (!path.startsWith('/proc/') && !path.startsWith('/dev/')) return undefined;
  const self = path.replace(/^\/proc\/(self|thread-self|\d+)(?=\/|$)/, (m, who: string) =>
    (who === 'self' || who === 'thread-self' || Number(who) === p.pid ? '/proc/self' : m));
  if (self === '/proc/self/exe') return p.exeHostPath;
  let m = /^\/(?:proc\/self|dev)\/fd\/(\d+)$/.exec(self);
  const std = ['/dev/stdin', '/dev/stdout', '/dev/stderr'].indexOf(self);
  if (!m && std >= 0) m = ['', String(std)] as unknown as RegExpExecArray;
  if (m) {
    const f = p.fds.get(Number(m[1]));
    return f ? `/proc/self/fd/${f.host}` : -ENOENT;
  }
  return undefined;
}

/**
 * Resolve guest path `addr` relative to guest directory descriptor `dirfd` (AT_FDCWD or a
 * descriptor) for a host *at call. `emptyOk`: an empty path names dirfd itself (AT_EMPTY_PATH).
 */
export function resolveAt(p: LinuxProcess, dirfd: number, addr: number, emptyOk = false): HostAt | number {
  if (addr === 0 && emptyOk) return atDir(p, dirfd, '');
  const bytes = readGuestPath(p, addr);
  if (typeof bytes === 'number') return bytes;
  if (bytes.length === 0) return emptyOk ? atDir(p, dirfd, '') : -ENOENT;
  const s = utf8(bytes);
  if (bytes[0] === 0x2f /* '/' */) {
    if (s === undefined) return { dirfd: AT_FDCWD, path: cPath(bytes), guest: Buffer.from(bytes).toString('latin1') };
    const special = procPath(p, s);
    if (typeof special === 'number') return special;
    return { dirfd: AT_FDCWD, path: cPath(special ?? p.hostPath(s)), guest: s };
  }
  return atDir(p, dirfd, s ?? Buffer.from(bytes).toString('latin1'), bytes);
}

function atDir(p: LinuxProcess, dirfd: number, guest: string, bytes?: Uint8Array): HostAt | number {
  const path = cPath(bytes ?? new Uint8Array(0));
  if (dirfd === AT_FDCWD) return { dirfd: AT_FDCWD, path, guest };
  const f = p.fds.get(dirfd);
  if (!f) return -EBADF;
  return { dirfd: f.host, path, guest };
}

/** Resolve a plain path (no directory descriptor). */
export const resolve = (p: LinuxProcess, addr: number): HostAt | number => resolveAt(p, AT_FDCWD, addr);

// ---- -strace formats ----

function flagNames(v: number, table: [number, string][], zero?: string): string {
  const parts: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) if (bit && (rest & bit) === bit) { parts.push(name); rest &= ~bit >>> 0; }
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.length ? parts.join('|') : zero ?? '0';
}

/** The open flags' names for -strace, in the guest's values. */
const openFlagNames = (o: OpenFlagValues): [number, string][] => [
  [0x400, 'O_APPEND'], [0x40, 'O_CREAT'], [o.directory, 'O_DIRECTORY'], [0x80, 'O_EXCL'],
  [o.largefile, 'O_LARGEFILE'], [0x100, 'O_NOCTTY'], [o.nofollow, 'O_NOFOLLOW'], [0x800, 'O_NONBLOCK'],
  [0x101000, 'O_SYNC'], [0x1000, 'O_DSYNC'], [0x200, 'O_TRUNC'], [o.direct, 'O_DIRECT'], [0x40000, 'O_NOATIME'],
  [0x80000, 'O_CLOEXEC'], [0x200000, 'O_PATH'], [0x400000, '__O_TMPFILE'], [0x2000, 'O_ASYNC'],
];
const AT_FLAGS: [number, string][] = [
  [AT_EMPTY_PATH, 'AT_EMPTY_PATH'], [AT_NO_AUTOMOUNT, 'AT_NO_AUTOMOUNT'], [AT_SYMLINK_NOFOLLOW, 'AT_SYMLINK_NOFOLLOW'],
  [AT_SYMLINK_FOLLOW, 'AT_SYMLINK_FOLLOW'], [AT_REMOVEDIR, 'AT_REMOVEDIR'], [AT_STATX_FORCE_SYNC, 'AT_STATX_FORCE_SYNC'],
  [AT_STATX_DONT_SYNC, 'AT_STATX_DONT_SYNC'],
];
const STATX_MASK: [number, string][] = [
  [0x7ff, 'STATX_BASIC_STATS'], [0x1, 'STATX_TYPE'], [0x2, 'STATX_MODE'], [0x4, 'STATX_NLINK'], [0x8, 'STATX_UID'],
  [0x10, 'STATX_GID'], [0x20, 'STATX_ATIME'], [0x40, 'STATX_MTIME'], [0x80, 'STATX_CTIME'], [0x100, 'STATX_INO'],
  [0x200, 'STATX_SIZE'], [0x400, 'STATX_BLOCKS'], [0x800, 'STATX_BTIME'], [0x1000, 'STATX_MNT_ID'],
  [0x2000, 'STATX_DIOALIGN'],
];
const FCNTL_CMDS: Record<number, string> = {
  0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 5: 'F_GETLK', 6: 'F_SETLK', 7: 'F_SETLKW',
  8: 'F_SETOWN', 9: 'F_GETOWN', 10: 'F_SETSIG', 11: 'F_GETSIG', 12: 'F_GETLK64', 13: 'F_SETLK64', 14: 'F_SETLKW64',
  15: 'F_SETOWN_EX', 16: 'F_GETOWN_EX', 36: 'F_OFD_GETLK', 37: 'F_OFD_SETLK', 38: 'F_OFD_SETLKW',
  1024: 'F_SETLEASE', 1025: 'F_GETLEASE', 1026: 'F_NOTIFY', 1030: 'F_DUPFD_CLOEXEC', 1031: 'F_SETPIPE_SZ',
  1032: 'F_GETPIPE_SZ', 1033: 'F_ADD_SEALS', 1034: 'F_GET_SEALS',
};
export const IOCTL_NAMES: Record<number, string> = {
  0x5401: 'TCGETS', 0x5402: 'TCSETS', 0x5403: 'TCSETSW', 0x5404: 'TCSETSF', 0x5409: 'TCSBRK', 0x540a: 'TCXONC',
  0x540b: 'TCFLSH', 0x540e: 'TIOCSCTTY', 0x540f: 'TIOCGPGRP', 0x5410: 'TIOCSPGRP', 0x5411: 'TIOCOUTQ',
  0x5413: 'TIOCGWINSZ', 0x5414: 'TIOCSWINSZ', 0x541b: 'FIONREAD', 0x5421: 'FIONBIO', 0x5422: 'TIOCNOTTY',
  0x5429: 'TIOCGSID', 0x5450: 'FIONCLEX', 0x5451: 'FIOCLEX', 0x5452: 'FIOASYNC', 0x80045430: 'TIOCGPTN',
  0x40045431: 'TIOCSPTLCK', 0x5441: 'TIOCGPTPEER', 0x5425: 'TCSBRKP', 0x5424: 'TIOCGETD', 0x5423: 'TIOCSETD',
};

Object.assign(ARG_FORMATTERS, {
  at_dirfd: (_p: LinuxProcess, v: number) => ((v | 0) === AT_FDCWD ? 'AT_FDCWD' : String(v | 0)),
  oflags: (p: LinuxProcess, v: number) => {
    const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][v & 3];
    const rest = flagNames(v & ~3, openFlagNames(p.target.openFlags), '');
    return rest ? `${acc}|${rest}` : acc;
  },
  at_flags: (_p: LinuxProcess, v: number) => flagNames(v, AT_FLAGS),
  statx_mask: (_p: LinuxProcess, v: number) => flagNames(v, STATX_MASK),
  fcntl_cmd: (_p: LinuxProcess, v: number) => FCNTL_CMDS[v] ?? String(v),
  ioctl_req: (_p: LinuxProcess, v: number) => IOCTL_NAMES[v >>> 0] ?? `0x${(v >>> 0).toString(16)}`,
  whence: (_p: LinuxProcess, v: number) => ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'][v] ?? String(v),
  access_mode: (_p: LinuxProcess, v: number) => (v === 0 ? 'F_OK' : flagNames(v, [[4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK']])),
});
