/**
 * File and descriptor system calls: open/close, reads and writes (straight between the host
 * kernel and guest memory), seeking, descriptor duplication and fcntl, pipes, sendfile, and the
 * calls on paths (links, renames, directories, permissions, times, the working directory).
 * Stat and directory reading are in stat.ts, terminals in terminal.ts, poll/select in poll.ts.
 */
import { fstatSync } from 'node:fs';
import { posix } from 'node:path';
import { EBADF, EFAULT, EINVAL, EMFILE, ENOENT, ENOTDIR, EOVERFLOW, EPIPE, ERANGE } from '../errno.js';
import { host } from '../host.js';
import { MAX_FDS, type DirEntry, type DirState, type OpenFile } from '../fd-table.js';
import type { LinuxProcess } from '../process.js';
import type { SyscallDef, SyscallTable } from '../syscall.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory.js';
import { hostFiles } from '../host-files.js';
import { interruptibleWrite, waitFd } from './blocking.js';
import {
  HOST_OPEN_FLAGS, AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, O_ACCMODE, O_CLOEXEC, O_CREAT,
  O_TRUNC, O_WRONLY, cPath, nodeErrno, oflagsToGuest, oflagsToHost, readGuestPath, resolve, resolveAt,
  type HostAt,
} from './fs-common.js';

const SIGPIPE = 13, SI_USER = 0;
const POLLIN = 1, POLLOUT = 4;
const SEEK_SET = 0, SEEK_CUR = 1;
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7,
  F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11, F_GETLK64 = 12, F_SETLK64 = 13, F_SETLKW64 = 14,
  F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_SETLEASE = 1024, F_GETLEASE = 1025, F_NOTIFY = 1026,
  F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032, F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
const FD_CLOEXEC = 1;
const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;

/** A 64-bit value from a register pair (low word first, as both the ARM EABI and i386 pass it). */
export const pair = (lo: number, hi: number): bigint => (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);

/** A write's result: EPIPE also sends SIGPIPE, as the kernel does. */
function wrote(p: LinuxProcess, r: number): number {
  if (r === -EPIPE) p.signals.queue({ signo: SIGPIPE, code: SI_USER, pid: p.pid, uid: process.getuid?.() ?? 0 });
  return r;
}

// ---- /proc/self files that describe the guest, not the emulator ----

function procSelfFile(p: LinuxProcess, guestPath: string): Uint8Array | undefined {
  const m = /^\/proc\/(self|thread-self|\d+)\/(cmdline|maps)$/.exec(guestPath);
  if (!m || !(m[1] === 'self' || m[1] === 'thread-self' || Number(m[1]) === p.pid)) return undefined;
  if (m[2] === 'cmdline') return Buffer.from(p.argv.map((a) => `${a}\0`).join(''), 'utf8');
  const hex8 = (v: number): string => v.toString(16).padStart(8, '0');
  let out = '';
  for (const run of p.mem.mappedRuns()) {
    const prot = run.prot;
    const perms = `${prot & PROT_READ ? 'r' : '-'}${prot & PROT_WRITE ? 'w' : '-'}${prot & PROT_EXEC ? 'x' : '-'}p`;
    const end = run.addr + run.len;
    const name = end === p.mem.stackTop ? '[stack]' : '';
    out += `${hex8(run.addr)}-${hex8(end)} ${perms} 00000000 00:00 0${name ? ' '.repeat(10) + name : ''}\n`;
  }
  out += 'ffff0000-ffff1000 r-xp 00000000 00:00 0          [vectors]\n';
  return Buffer.from(out, 'latin1');
}

/** Is this /proc/self/fd (whose entries must be the guest's descriptors)? */
function procFdDir(p: LinuxProcess, guestPath: string): boolean {
  const m = /^\/proc\/(self|thread-self|\d+)\/fd\/?$/.exec(guestPath);
  return m !== null && (m[1] === 'self' || m[1] === 'thread-self' || Number(m[1]) === p.pid);
}

/** /proc/self/fd's entries: the guest's descriptors, as symbolic links. */
function guestFdEntries(p: LinuxProcess): DirEntry[] {
  const DT_DIR = 4, DT_LNK = 10;
  const out: DirEntry[] = [
    { ino: 1n, type: DT_DIR, name: Buffer.from('.') }, { ino: 1n, type: DT_DIR, name: Buffer.from('..') },
  ];
  for (const [fd] of p.fds.entries()) out.push({ ino: BigInt(1000 + fd), type: DT_LNK, name: Buffer.from(String(fd)) });
  return out;
}

/** A host descriptor reading `data` (a memfd), for the /proc files above. */
function memfdWith(data: Uint8Array): number {
  const fd = hostFiles.memfdCreate('dynwasm-proc', 1 /* MFD_CLOEXEC */);
  if (fd < 0) return fd;
  for (let off = 0; off < data.length;) {
    const n = host.write(fd, data.subarray(off));
    if (n <= 0) break;
    off += n;
  }
  host.lseek(fd, 0n, SEEK_SET);
  return fd;
}

// ---- open ----

function doOpen(p: LinuxProcess, dirfd: number, pathAddr: number, flags: number, mode: number): number {
  const at = resolveAt(p, dirfd, pathAddr);
  if (typeof at === 'number') return at;
  const slot = p.fds.lowestFree();
  if (slot < 0) return -EMFILE;
  let h: number;
  const fake = at.path[0] === 0x2f ? procSelfFile(p, at.guest) : undefined;
  if (fake && (flags & O_ACCMODE) === 0) h = memfdWith(fake);
  else h = hostFiles.openat(at.dirfd, at.path, oflagsToHost(p.target.openFlags, flags) | O_CLOEXEC, mode & 0o7777);
  if (h < 0) return h;
  const dir: DirState = { pos: 0 };
  if (at.path[0] === 0x2f && procFdDir(p, at.guest)) dir.source = () => guestFdEntries(p);
  return p.fds.add({
    host: h, cloexec: (flags & O_CLOEXEC) !== 0, path: guestAbsolute(p, dirfd, at.guest), dir,
    largefile: (flags & p.target.openFlags.largefile) !== 0,
  }, slot);
}

/** The absolute guest path of a path opened relative to dirfd, when it can be known. */
function guestAbsolute(p: LinuxProcess, dirfd: number, path: string): string | undefined {
  if (path.startsWith('/')) return path;
  const base = dirfd === AT_FDCWD ? process.cwd() : p.fds.get(dirfd)?.path;
  return base === undefined ? undefined : posix.join(base, path);
}

// ---- reads and writes ----

function readIov(p: LinuxProcess, iov: number, cnt: number): [number, number][] | number {
  if (cnt < 0 || cnt > 1024) return -EINVAL;
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < cnt; i++) {
    const base = p.mem.u32(iov + 8 * i), len = p.mem.u32(iov + 8 * i + 4);
    if (len > 0x7fffffff || (total += len) > 0x7fffffff) return -EINVAL;
    out.push([base, len]);
  }
  return out;
}

/**
 * readv/writev/preadv/pwritev as a loop over the vectors; stops at the first short transfer.
 * `off` is the file position for the p- variants.
 */
function vectored(p: LinuxProcess, fd: number, iov: number, cnt: number, write: boolean, off?: bigint): number {
  const f = p.fds.get(fd);
  if (!f) return -EBADF;
  const vecs = readIov(p, iov, cnt);
  if (typeof vecs === 'number') return vecs;
  // Check every buffer first: a bad one is EFAULT before anything is transferred.
  const views = vecs.map(([base, len]) => (write ? p.mem.readable(base, len) : p.mem.writable(base, len)));
  if (write && off === undefined) {
    const size = views.reduce((n, v) => n + v.length, 0);
    return wrote(p, interruptibleWrite(p, f.host, [fd, iov, cnt], size, (from, n) => transfer(f.host, views, from, n, true)));
  }
  if (off === undefined && views.some((v) => v.length)) {
    const w = waitFd(p, f.host, POLLIN);
    if (w !== undefined) return w;
  }
  const r = transfer(f.host, views, 0, Infinity, write, off);
  return r < 0 && write ? wrote(p, r) : r;
}

/**
 * Bytes [from, from + n) of the vectors `views` read or written as a loop over the vectors,
 * stopping at the first short transfer; at file position `off` for the p- variants.
 */
function transfer(fd: number, views: Uint8Array[], from: number, n: number, write: boolean, off?: bigint): number {
  let total = 0, start = 0;
  for (const view of views) {
    const begin = from + total - start;
    start += view.length;
    if (begin >= view.length) continue;
    const v = view.subarray(begin, begin + Math.min(view.length - begin, n - total));
    if (v.length === 0) break;
    const at = off === undefined ? undefined : off + BigInt(total);
    const r = write
      ? at === undefined ? host.write(fd, v) : host.pwrite(fd, v, at)
      : at === undefined ? host.read(fd, v) : host.pread(fd, v, at);
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < v.length) break;
  }
  return total;
}

// ---- fcntl ----

/** Record locks: struct flock (32-bit offsets, 16 bytes) or flock64 (32 bytes, the same layout as x86-64's struct flock). */
function lock(p: LinuxProcess, f: OpenFile, cmd: number, arg: number, wide: boolean): number {
  const hostCmd = cmd === F_GETLK64 ? F_GETLK : cmd === F_SETLK64 ? F_SETLK : cmd === F_SETLKW64 ? F_SETLKW : cmd;
  const buf = Buffer.alloc(32);
  const m = p.mem;
  if (wide) {
    buf.set(m.readable(arg, 32));
  } else {
    buf.writeInt16LE(m.u16(arg) << 16 >> 16, 0);
    buf.writeInt16LE(m.u16(arg + 2) << 16 >> 16, 2);
    buf.writeBigInt64LE(BigInt(m.i32(arg + 4)), 8);
    buf.writeBigInt64LE(BigInt(m.i32(arg + 8)), 16);
    buf.writeInt32LE(m.i32(arg + 12), 24);
  }
  const r = hostFiles.fcntlPtr(f.host, hostCmd, buf);
  if (r < 0) return r;
  if (hostCmd === F_GETLK || hostCmd === F_OFD_GETLK) {
    if (wide) {
      m.writable(arg, 32).set(buf);
    } else {
      const start = buf.readBigInt64LE(8), len = buf.readBigInt64LE(16);
      if (start > 0x7fffffffn || len > 0x7fffffffn) return -EOVERFLOW;
      m.setU16(arg, buf.readInt16LE(0));
      m.setU16(arg + 2, buf.readInt16LE(2));
      m.setU32(arg + 4, Number(start));
      m.setU32(arg + 8, Number(len));
      m.setU32(arg + 12, buf.readInt32LE(24));
    }
  }
  return r;
}

function fcntl(p: LinuxProcess, fd: number, cmd: number, arg: number, wide: boolean): number {
  const f = p.fds.get(fd);
  if (!f) return -EBADF;
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
      if (arg < 0 || arg >= MAX_FDS) return -EINVAL;
      return p.fds.dup(fd, { min: arg, cloexec: cmd === F_DUPFD_CLOEXEC });
    case F_GETFD: return f.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD: f.cloexec = (arg & FD_CLOEXEC) !== 0; return 0;
    case F_GETFL: {
      const r = host.fcntlInt(f.host, F_GETFL, 0);
      const guest = p.target.openFlags;
      return r < 0 ? r : oflagsToGuest(guest, r & ~HOST_OPEN_FLAGS.largefile) | (f.largefile ? guest.largefile : 0);
    }
    case F_SETFL: return host.fcntlInt(f.host, F_SETFL, oflagsToHost(p.target.openFlags, arg) & ~O_CLOEXEC);
    case F_GETLK: case F_SETLK: case F_SETLKW: return lock(p, f, cmd, arg >>> 0, false);
    // struct flock64 only through fcntl64; the OFD locks take the structure of the call.
    case F_GETLK64: case F_SETLK64: case F_SETLKW64: return wide ? lock(p, f, cmd, arg >>> 0, true) : -EINVAL;
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: return lock(p, f, cmd, arg >>> 0, wide);
    case F_GETOWN: case F_SETOWN: case F_GETSIG: case F_SETSIG: case F_SETLEASE: case F_GETLEASE: case F_NOTIFY:
    case F_SETPIPE_SZ: case F_GETPIPE_SZ: case F_ADD_SEALS: case F_GET_SEALS:
      return hostFiles.fcntlInt(f.host, cmd, arg);
    default:
      return -EINVAL;
  }
}

// ---- paths ----

/** Run `op` on a resolved path (or return the resolution's error). */
function onPath(p: LinuxProcess, dirfd: number, addr: number, op: (at: HostAt) => number, emptyOk = false): number {
  const at = resolveAt(p, dirfd, addr, emptyOk);
  return typeof at === 'number' ? at : op(at);
}

function onTwoPaths(p: LinuxProcess, d1: number, a1: number, d2: number, a2: number, op: (x: HostAt, y: HostAt) => number, emptyOk = false): number {
  const x = resolveAt(p, d1, a1, emptyOk);
  if (typeof x === 'number') return x;
  const y = resolveAt(p, d2, a2);
  return typeof y === 'number' ? y : op(x, y);
}

/** How many bytes from `addr` (at most `len`) the guest could access with `need`. */
function accessiblePrefix(p: LinuxProcess, addr: number, len: number, need: number): number {
  let ok = 0;
  while (ok < len && p.mem.accessible(addr + ok, 1, need)) ok = Math.min(len, (Math.floor((addr + ok) / 4096) + 1) * 4096 - addr);
  return ok;
}

/** A regular file read at or past its end: Linux returns 0 there before copying anything. */
function atEndOfFile(hostFd: number): boolean {
  try {
    const st = fstatSync(hostFd);
    return st.isFile() && host.lseek(hostFd, 0n, 1 /* SEEK_CUR */) >= BigInt(st.size);
  } catch {
    return false;
  }
}

function readlinkAt(p: LinuxProcess, dirfd: number, pathAddr: number, buf: number, size: number): number {
  if (size <= 0) return -EINVAL;
  const bytes = readGuestPath(p, pathAddr);
  if (typeof bytes === 'number') return bytes;
  const s = Buffer.from(bytes).toString('utf8');
  if (/^\/proc\/(self|thread-self|\d+)\/exe$/.test(s)) {
    const who = s.split('/')[2];
    if (who === 'self' || who === 'thread-self' || Number(who) === p.pid) {
      const exe = Buffer.from(p.exePath, 'utf8');
      const n = Math.min(exe.length, size);
      p.mem.writable(buf, n).set(exe.subarray(0, n));
      return n;
    }
  }
  // Into a host buffer first: the kernel copies only the link's bytes (truncated to `size`), so
  // a guest buffer that is shorter than `size` but long enough for them is fine.
  return onPath(p, dirfd, pathAddr, (at) => {
    const link = new Uint8Array(Math.min(size, 65536));
    const n = hostFiles.readlinkat(at.dirfd, at.path, link);
    if (n > 0) p.mem.writable(buf, n).set(link.subarray(0, n));
    return n;
  }, true);
}

/** Two guest timespecs (8 or 16 bytes each) -> two x86-64 timespecs, or null for "now". */
function timespecs(p: LinuxProcess, addr: number, wide: boolean): Buffer | null | number {
  if (!addr) return null;
  const out = Buffer.alloc(32);
  for (let i = 0; i < 2; i++) {
    const at = addr + i * (wide ? 16 : 8);
    const sec = wide ? p.mem.i64(at) : BigInt(p.mem.i32(at));
    const nsec = wide ? Number(BigInt.asIntN(32, p.mem.i64(at + 8))) : p.mem.i32(at + 4);
    if (nsec !== UTIME_NOW && nsec !== UTIME_OMIT && (nsec < 0 || nsec >= 1e9)) return -EINVAL;
    out.writeBigInt64LE(sec, 16 * i);
    out.writeBigInt64LE(BigInt(nsec), 16 * i + 8);
  }
  return out;
}

function utimensat(p: LinuxProcess, dirfd: number, path: number, times: number, flags: number, wide: boolean): number {
  const ts = timespecs(p, times >>> 0, wide);
  if (typeof ts === 'number') return ts;
  if (!path) {
    // utimensat(fd, NULL, …) is futimens(fd) (glibc's utimensat refuses a NULL path).
    if (dirfd === AT_FDCWD) return -EFAULT;
    const f = p.fds.get(dirfd);
    return f ? hostFiles.futimens(f.host, ts) : -EBADF;
  }
  return onPath(p, dirfd, path, (at) => hostFiles.utimensat(at.dirfd, at.path, ts, flags), (flags & AT_EMPTY_PATH) !== 0);
}

/** utimes/futimesat: struct timeval[2] (32-bit), NULL for now. */
function utimes(p: LinuxProcess, dirfd: number, path: number, tv: number): number {
  let ts: Buffer | null = null;
  if (tv) {
    ts = Buffer.alloc(32);
    for (let i = 0; i < 2; i++) {
      const usec = p.mem.i32(tv + 8 * i + 4);
      if (usec < 0 || usec >= 1e6) return -EINVAL;
      ts.writeBigInt64LE(BigInt(p.mem.i32(tv + 8 * i)), 16 * i);
      ts.writeBigInt64LE(BigInt(usec * 1000), 16 * i + 8);
    }
  }
  return onPath(p, dirfd, path, (at) => hostFiles.utimensat(at.dirfd, at.path, ts, 0));
}

/** 16-bit uid/gid (chown, lchown, fchown): 0xffff is -1 ("unchanged"). */
const id16 = (v: number): number => ((v & 0xffff) === 0xffff ? -1 : v & 0xffff);

/** A call on an open descriptor (the first argument): EBADF for one that is not open. */
export function fdCall(op: (f: OpenFile, ...a: number[]) => number, args: string[] = ['fd']): SyscallDef {
  return { args, run: (p, fd, ...a) => { const f = p.fds.get(fd); return f ? op(f, ...a) : -EBADF; } };
}

function chdirTo(hostPath: string): number {
  try {
    process.chdir(hostPath);
    return 0;
  } catch (e) {
    return nodeErrno(e);
  }
}

function mknodat(p: LinuxProcess, dirfd: number, path: number, mode: number, dev: number): number {
  // dev is the kernel's new_encode_dev form, which glibc's makedev agrees with below 4G.
  return onPath(p, dirfd, path, (at) => hostFiles.mknodat(at.dirfd, at.path, mode >>> 0, BigInt(dev >>> 0)));
}

function llseek(f: OpenFile, off: bigint, whence: number): bigint {
  if (whence < 0 || whence > 4) return BigInt(-EINVAL);
  const dir = f.dir;
  if (dir?.entries) {
    // A directory being read: its position is the index of its next entry (getdents in stat.ts).
    if (whence !== SEEK_SET && whence !== SEEK_CUR) return BigInt(-EINVAL);
    const pos = whence === SEEK_SET ? off : BigInt(dir.pos) + off;
    if (pos < 0n) return BigInt(-EINVAL);
    dir.pos = f.dirPos = Number(pos);
    if (pos === 0n) dir.entries = undefined; // rewinddir sees the directory afresh
    return pos;
  }
  const r = host.lseek(f.host, off, whence);
  if (r >= 0n && dir && whence === SEEK_SET) dir.pos = f.dirPos = Number(off);
  return r;
}

export const fileSyscalls: SyscallTable = {
  open: { args: ['s', 'oflags', 'o'], run: (p, path, flags, mode) => doOpen(p, AT_FDCWD, path, flags, mode) },
  openat: { args: ['at_dirfd', 's', 'oflags', 'o'], run: (p, dirfd, path, flags, mode) => doOpen(p, dirfd, path, flags, mode) },
  creat: { args: ['s', 'o'], run: (p, path, mode) => doOpen(p, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode) },
  close: { args: ['fd'], run: (p, fd) => (p.fds.close(fd) ? 0 : -EBADF) },
  close_range: {
    args: ['u', 'u', 'x'],
    run(p, first, last, flags) {
      first >>>= 0; last >>>= 0;
      if (first > last || flags & ~6) return -EINVAL;
      for (const [fd, f] of p.fds.entries()) {
        if (fd < first || fd > last) continue;
        if (flags & 4 /* CLOSE_RANGE_CLOEXEC */) f.cloexec = true; else p.fds.close(fd);
      }
      return 0;
    },
  },

  read: {
    args: ['fd', 'p', 'u'],
    run(p, fd, buf, count) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      let len = Math.min(count >>> 0, 0x7ffff000);
      if (!p.mem.accessible(buf >>> 0, len, PROT_WRITE)) {
        // The descriptor's own errors come before the buffer's (vfs_read): EBADF if not open for
        // reading, EISDIR; a read of 0 bytes asks the host for them without consuming anything.
        const r = host.read(f.host, new Uint8Array(0));
        if (r < 0) return r;
        // access_ok: the whole range must lie in user space.
        if ((buf >>> 0) + (count >>> 0) > p.mem.taskSize) return -EFAULT;
        // Then the kernel copies until the first bad byte: a short read, or EFAULT if none fit.
        len = accessiblePrefix(p, buf >>> 0, len, PROT_WRITE);
        if (len === 0) return atEndOfFile(f.host) ? 0 : -EFAULT;
      }
      const view = p.mem.writable(buf >>> 0, len);
      return (view.length ? waitFd(p, f.host, POLLIN) : undefined) ?? host.read(f.host, view);
    },
  },
  write: {
    args: ['fd', 'p', 'u'],
    run(p, fd, buf, count) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      let len = Math.min(count >>> 0, 0x7ffff000);
      if (!p.mem.accessible(buf >>> 0, len, PROT_READ)) {
        // A descriptor not open for writing is EBADF before the buffer is looked at (vfs_write);
        // then the bytes up to the first bad one are written (EFAULT if there are none).
        if ((host.fcntlInt(f.host, F_GETFL, 0) & O_ACCMODE) === 0 /* O_RDONLY */) return -EBADF;
        if ((buf >>> 0) + (count >>> 0) > p.mem.taskSize) return -EFAULT; // access_ok
        len = accessiblePrefix(p, buf >>> 0, len, PROT_READ);
        if (len === 0) return -EFAULT;
      }
      const view = p.mem.readable(buf >>> 0, len);
      return wrote(p, interruptibleWrite(p, f.host, [fd, buf, count], view.length, (from, n) => host.write(f.host, view.subarray(from, from + n))));
    },
  },
  readv: { args: ['fd', 'p', 'd'], run: (p, fd, iov, cnt) => vectored(p, fd, iov >>> 0, cnt, false) },
  writev: { args: ['fd', 'p', 'd'], run: (p, fd, iov, cnt) => vectored(p, fd, iov >>> 0, cnt, true) },
  // pread64(fd, buf, count, pad, lo, hi): EABI passes 64-bit arguments in even register pairs.
  pread64: {
    args: ['fd', 'p', 'u', 'x', 'u', 'u'],
    pairPad: 3,
    run(p, fd, buf, count, _pad, lo, hi) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      const off = pair(lo, hi);
      if (off < 0n) return -EINVAL;
      return host.pread(f.host, p.mem.writable(buf >>> 0, count >>> 0), off);
    },
  },
  pwrite64: {
    args: ['fd', 'p', 'u', 'x', 'u', 'u'],
    pairPad: 3,
    run(p, fd, buf, count, _pad, lo, hi) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      const off = pair(lo, hi);
      if (off < 0n) return -EINVAL;
      return wrote(p, host.pwrite(f.host, p.mem.readable(buf >>> 0, count >>> 0), off));
    },
  },
  // preadv(fd, iov, cnt, pos_l, pos_h): the position split by hand, no register pair.
  preadv: {
    args: ['fd', 'p', 'd', 'u', 'u'],
    run(p, fd, iov, cnt, lo, hi) { const off = pair(lo, hi); return off < 0n ? -EINVAL : vectored(p, fd, iov >>> 0, cnt, false, off); },
  },
  pwritev: {
    args: ['fd', 'p', 'd', 'u', 'u'],
    run(p, fd, iov, cnt, lo, hi) { const off = pair(lo, hi); return off < 0n ? -EINVAL : vectored(p, fd, iov >>> 0, cnt, true, off); },
  },
  preadv2: {
    args: ['fd', 'p', 'd', 'u', 'u', 'x'],
    run(p, fd, iov, cnt, lo, hi, flags) {
      if (flags) return -95; // EOPNOTSUPP
      const off = pair(lo, hi);
      return vectored(p, fd, iov >>> 0, cnt, false, off === -1n ? undefined : off);
    },
  },
  pwritev2: {
    args: ['fd', 'p', 'd', 'u', 'u', 'x'],
    run(p, fd, iov, cnt, lo, hi, flags) {
      if (flags) return -95; // EOPNOTSUPP
      const off = pair(lo, hi);
      return vectored(p, fd, iov >>> 0, cnt, true, off === -1n ? undefined : off);
    },
  },
  lseek: {
    args: ['fd', 'd', 'whence'],
    run(p, fd, off, whence) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      const r = llseek(f, BigInt(off | 0), whence);
      if (r < 0n) return Number(r);
      return r > 0x7fffffffn ? -EOVERFLOW : Number(r);
    },
  },
  _llseek: {
    args: ['fd', 'u', 'u', 'p', 'whence'],
    run(p, fd, hi, lo, result, whence) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      const r = llseek(f, pair(lo, hi), whence);
      if (r < 0n) return Number(r);
      p.mem.setU64(result, r);
      return 0;
    },
  },

  dup: { args: ['fd'], run: (p, fd) => p.fds.dup(fd, {}) },
  dup2: {
    args: ['fd', 'fd'],
    run(p, fd, to) {
      if (!p.fds.get(fd)) return -EBADF;
      if (fd === to) return fd;
      if (to < 0 || to >= MAX_FDS) return -EBADF;
      return p.fds.dup(fd, { at: to });
    },
  },
  dup3: {
    args: ['fd', 'fd', 'd'],
    run(p, fd, to, flags) {
      if (flags & ~O_CLOEXEC) return -EINVAL;
      if (!p.fds.get(fd)) return -EBADF;
      if (fd === to) return -EINVAL;
      if (to < 0 || to >= MAX_FDS) return -EBADF;
      return p.fds.dup(fd, { at: to, cloexec: (flags & O_CLOEXEC) !== 0 });
    },
  },
  fcntl: { args: ['fd', 'fcntl_cmd', 'x'], run: (p, fd, cmd, arg) => fcntl(p, fd, cmd, arg, false) },
  fcntl64: { args: ['fd', 'fcntl_cmd', 'x'], run: (p, fd, cmd, arg) => fcntl(p, fd, cmd, arg, true) },
  flock: fdCall((f, op) => hostFiles.flock(f.host, op), ['fd', 'x']),
  fsync: fdCall((f) => hostFiles.fsync(f.host)),
  fdatasync: fdCall((f) => hostFiles.fdatasync(f.host)),
  syncfs: fdCall((f) => hostFiles.syncfs(f.host)),
  sync: { args: [], run: () => { hostFiles.sync(); return 0; } },
  ftruncate: fdCall((f, len) => hostFiles.ftruncate(f.host, BigInt(len | 0)), ['fd', 'd']),
  ftruncate64: { ...fdCall((f, _pad, lo, hi) => hostFiles.ftruncate(f.host, pair(lo, hi)), ['fd', 'x', 'u', 'u']), pairPad: 1 },
  truncate: { args: ['s', 'd'], run: (p, path, len) => onPath(p, AT_FDCWD, path, (at) => hostFiles.truncate(at.path, BigInt(len | 0))) },
  truncate64: {
    args: ['s', 'x', 'u', 'u'],
    pairPad: 1,
    run: (p, path, _pad, lo, hi) => onPath(p, AT_FDCWD, path, (at) => hostFiles.truncate(at.path, pair(lo, hi))),
  },
  // fallocate(fd, mode, offset, len): the offset in the third and fourth argument, len in the fifth and sixth.
  fallocate: fdCall((f, mode, olo, ohi, llo, lhi) => hostFiles.fallocate(f.host, mode, pair(olo, ohi), pair(llo, lhi)), ['fd', 'x', 'u', 'u', 'u', 'u']),

  pipe: { args: ['p'], run: (p, fds) => pipe(p, fds, 0) },
  pipe2: { args: ['p', 'oflags'], run: (p, fds, flags) => pipe(p, fds, flags) },

  sendfile: { args: ['fd', 'fd', 'p', 'u'], run: (p, out, inp, off, count) => sendfile(p, out, inp, off >>> 0, count >>> 0, false) },
  sendfile64: { args: ['fd', 'fd', 'p', 'u'], run: (p, out, inp, off, count) => sendfile(p, out, inp, off >>> 0, count >>> 0, true) },

  copy_file_range: {
    args: ['fd', 'p', 'fd', 'p', 'u', 'x'],
    run(p, fdIn, offIn, fdOut, offOut, len, flags) {
      const a = p.fds.get(fdIn), b = p.fds.get(fdOut);
      if (!a || !b) return -EBADF;
      const offs = [offIn >>> 0, offOut >>> 0].map((o) => (o ? Buffer.from(p.mem.readable(o, 8)) : null));
      const r = hostFiles.copyFileRange(a.host, offs[0], b.host, offs[1], Math.min(len >>> 0, 0x7ffff000), flags);
      if (r > 0) [offIn >>> 0, offOut >>> 0].forEach((o, i) => { if (o) p.mem.writable(o, 8).set(offs[i]!); });
      return r;
    },
  },
  memfd_create: {
    args: ['s', 'x'],
    run(p, name, flags) {
      const bytes = readGuestPath(p, name);
      if (typeof bytes === 'number') return bytes;
      const slot = p.fds.lowestFree();
      if (slot < 0) return -EMFILE;
      const h = hostFiles.memfdCreate(cPath(bytes), flags | 1 /* MFD_CLOEXEC */);
      return h < 0 ? h : p.fds.add({ host: h, cloexec: (flags & 1) !== 0, path: `/memfd:${Buffer.from(bytes).toString()}` }, slot);
    },
  },

  // ---- paths ----
  readlink: { args: ['s', 'p', 'u'], run: (p, path, buf, size) => readlinkAt(p, AT_FDCWD, path, buf >>> 0, size | 0) },
  readlinkat: { args: ['at_dirfd', 's', 'p', 'u'], run: (p, dirfd, path, buf, size) => readlinkAt(p, dirfd, path, buf >>> 0, size | 0) },
  access: { args: ['s', 'access_mode'], run: (p, path, mode) => onPath(p, AT_FDCWD, path, (at) => hostFiles.faccessat(at.dirfd, at.path, mode, 0)) },
  faccessat: {
    args: ['at_dirfd', 's', 'access_mode'],
    run: (p, dirfd, path, mode) => onPath(p, dirfd, path, (at) => hostFiles.faccessat(at.dirfd, at.path, mode, 0)),
  },
  faccessat2: {
    args: ['at_dirfd', 's', 'access_mode', 'at_flags'],
    run: (p, dirfd, path, mode, flags) =>
      onPath(p, dirfd, path, (at) => hostFiles.faccessat(at.dirfd, at.path, mode, flags), (flags & AT_EMPTY_PATH) !== 0),
  },
  unlink: { args: ['s'], run: (p, path) => onPath(p, AT_FDCWD, path, (at) => hostFiles.unlinkat(at.dirfd, at.path, 0)) },
  unlinkat: {
    args: ['at_dirfd', 's', 'at_flags'],
    run: (p, dirfd, path, flags) => (flags & ~AT_REMOVEDIR ? -EINVAL : onPath(p, dirfd, path, (at) => hostFiles.unlinkat(at.dirfd, at.path, flags))),
  },
  rmdir: { args: ['s'], run: (p, path) => onPath(p, AT_FDCWD, path, (at) => hostFiles.unlinkat(at.dirfd, at.path, AT_REMOVEDIR)) },
  mkdir: { args: ['s', 'o'], run: (p, path, mode) => onPath(p, AT_FDCWD, path, (at) => hostFiles.mkdirat(at.dirfd, at.path, mode & 0o7777)) },
  mkdirat: {
    args: ['at_dirfd', 's', 'o'],
    run: (p, dirfd, path, mode) => onPath(p, dirfd, path, (at) => hostFiles.mkdirat(at.dirfd, at.path, mode & 0o7777)),
  },
  mknod: { args: ['s', 'o', 'x'], run: (p, path, mode, dev) => mknodat(p, AT_FDCWD, path, mode, dev) },
  mknodat: { args: ['at_dirfd', 's', 'o', 'x'], run: (p, dirfd, path, mode, dev) => mknodat(p, dirfd, path, mode, dev) },
  rename: {
    args: ['s', 's'],
    run: (p, a, b) => onTwoPaths(p, AT_FDCWD, a, AT_FDCWD, b, (x, y) => hostFiles.renameat2(x.dirfd, x.path, y.dirfd, y.path, 0)),
  },
  renameat: {
    args: ['at_dirfd', 's', 'at_dirfd', 's'],
    run: (p, d1, a, d2, b) => onTwoPaths(p, d1, a, d2, b, (x, y) => hostFiles.renameat2(x.dirfd, x.path, y.dirfd, y.path, 0)),
  },
  renameat2: {
    args: ['at_dirfd', 's', 'at_dirfd', 's', 'x'],
    run: (p, d1, a, d2, b, flags) => onTwoPaths(p, d1, a, d2, b, (x, y) => hostFiles.renameat2(x.dirfd, x.path, y.dirfd, y.path, flags)),
  },
  link: {
    args: ['s', 's'],
    run: (p, a, b) => onTwoPaths(p, AT_FDCWD, a, AT_FDCWD, b, (x, y) => hostFiles.linkat(x.dirfd, x.path, y.dirfd, y.path, 0)),
  },
  linkat: {
    args: ['at_dirfd', 's', 'at_dirfd', 's', 'at_flags'],
    run: (p, d1, a, d2, b, flags) => {
      if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
      return onTwoPaths(p, d1, a, d2, b, (x, y) => hostFiles.linkat(x.dirfd, x.path, y.dirfd, y.path, flags), (flags & AT_EMPTY_PATH) !== 0);
    },
  },
  symlink: { args: ['s', 's'], run: (p, target, path) => symlinkAt(p, target, AT_FDCWD, path) },
  symlinkat: { args: ['s', 'at_dirfd', 's'], run: (p, target, dirfd, path) => symlinkAt(p, target, dirfd, path) },
  chmod: { args: ['s', 'o'], run: (p, path, mode) => onPath(p, AT_FDCWD, path, (at) => hostFiles.fchmodat(at.dirfd, at.path, mode & 0o7777, 0)) },
  fchmod: fdCall((f, mode) => hostFiles.fchmod(f.host, mode & 0o7777), ['fd', 'o']),
  fchmodat: {
    args: ['at_dirfd', 's', 'o'],
    run: (p, dirfd, path, mode) => onPath(p, dirfd, path, (at) => hostFiles.fchmodat(at.dirfd, at.path, mode & 0o7777, 0)),
  },
  chown32: { args: ['s', 'd', 'd'], run: (p, path, u, g) => onPath(p, AT_FDCWD, path, (at) => hostFiles.fchownat(at.dirfd, at.path, u, g, 0)) },
  lchown32: {
    args: ['s', 'd', 'd'],
    run: (p, path, u, g) => onPath(p, AT_FDCWD, path, (at) => hostFiles.fchownat(at.dirfd, at.path, u, g, AT_SYMLINK_NOFOLLOW)),
  },
  fchown32: fdCall((f, u, g) => hostFiles.fchown(f.host, u, g), ['fd', 'd', 'd']),
  chown: {
    args: ['s', 'd', 'd'],
    run: (p, path, u, g) => onPath(p, AT_FDCWD, path, (at) => hostFiles.fchownat(at.dirfd, at.path, id16(u), id16(g), 0)),
  },
  lchown: {
    args: ['s', 'd', 'd'],
    run: (p, path, u, g) => onPath(p, AT_FDCWD, path, (at) => hostFiles.fchownat(at.dirfd, at.path, id16(u), id16(g), AT_SYMLINK_NOFOLLOW)),
  },
  fchown: fdCall((f, u, g) => hostFiles.fchown(f.host, id16(u), id16(g)), ['fd', 'd', 'd']),
  fchownat: {
    args: ['at_dirfd', 's', 'd', 'd', 'at_flags'],
    run: (p, dirfd, path, u, g, flags) =>
      onPath(p, dirfd, path, (at) => hostFiles.fchownat(at.dirfd, at.path, u, g, flags), (flags & AT_EMPTY_PATH) !== 0),
  },
  utimensat: { args: ['at_dirfd', 's', 'p', 'at_flags'], run: (p, dirfd, path, times, flags) => utimensat(p, dirfd, path, times, flags, false) },
  utimensat_time64: {
    args: ['at_dirfd', 's', 'p', 'at_flags'],
    run: (p, dirfd, path, times, flags) => utimensat(p, dirfd, path, times, flags, true),
  },
  utimes: { args: ['s', 'p'], run: (p, path, tv) => utimes(p, AT_FDCWD, path, tv >>> 0) },
  futimesat: { args: ['at_dirfd', 's', 'p'], run: (p, dirfd, path, tv) => utimes(p, dirfd, path, tv >>> 0) },

  chdir: {
    args: ['s'],
    run(p, path) {
      const at = resolve(p, path);
      if (typeof at === 'number') return at;
      return chdirTo(at.path.subarray(0, at.path.length - 1).toString('utf8'));
    },
  },
  fchdir: {
    args: ['fd'],
    run(p, fd) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      // Through the host descriptor's /proc link, which chdir follows to the directory itself.
      const r = chdirTo(`/proc/self/fd/${f.host}`);
      return r === -ENOENT ? -ENOTDIR : r;
    },
  },
  getcwd: {
    args: ['p', 'u'],
    run(p, buf, size) {
      let cwd: Buffer;
      try { cwd = Buffer.from(`${process.cwd()}\0`, 'utf8'); } catch (e) { return nodeErrno(e); }
      if ((size >>> 0) < cwd.length) return -ERANGE;
      p.mem.writable(buf >>> 0, cwd.length).set(cwd);
      return cwd.length;
    },
  },
  umask: { args: ['o'], run: (_p, mask) => process.umask(mask & 0o777) },
};

function symlinkAt(p: LinuxProcess, targetAddr: number, dirfd: number, path: number): number {
  // The link's contents are the guest's bytes, not a host path.
  const target = readGuestPath(p, targetAddr);
  if (typeof target === 'number') return target;
  if (target.length === 0) return -ENOENT;
  const t = cPath(target);
  return onPath(p, dirfd, path, (at) => hostFiles.symlinkat(t, at.dirfd, at.path));
}

function pipe(p: LinuxProcess, fdsAddr: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | 0x800 /* O_NONBLOCK */ | p.target.openFlags.direct | 0x80 /* O_NOTIFICATION_PIPE */)) return -EINVAL;
  p.mem.writable(fdsAddr >>> 0, 8); // EFAULT before anything is created
  const a = p.fds.lowestFree();
  const b = a < 0 ? -1 : p.fds.lowestFree(a + 1);
  if (b < 0) return -EMFILE;
  const r = host.pipe2(oflagsToHost(p.target.openFlags, flags) | O_CLOEXEC);
  if (typeof r === 'number') return r;
  const cloexec = (flags & O_CLOEXEC) !== 0;
  p.fds.add({ host: r[0], cloexec }, a);
  p.fds.add({ host: r[1], cloexec }, b);
  p.mem.setU32(fdsAddr, a);
  p.mem.setU32(fdsAddr + 4, b);
  return 0;
}

function sendfile(p: LinuxProcess, outFd: number, inFd: number, offAddr: number, count: number, wide: boolean): number {
  const out = p.fds.get(outFd), inp = p.fds.get(inFd);
  if (!out || !inp) return -EBADF;
  let off: Buffer | null = null;
  if (offAddr) {
    off = Buffer.alloc(8);
    off.writeBigInt64LE(wide ? p.mem.i64(offAddr) : BigInt(p.mem.i32(offAddr)));
    if (off.readBigInt64LE() < 0n) return -EINVAL;
  }
  // Into a pipe, Linux waits for room (a signal interrupts that) and then fills it once.
  const r = waitFd(p, out.host, POLLOUT) ?? hostFiles.sendfile(out.host, inp.host, off, Math.min(count, 0x7ffff000));
  if (off) {
    const v = off.readBigInt64LE();
    if (wide) p.mem.setU64(offAddr, v);
    else p.mem.setU32(offAddr, Number(v & 0xffffffffn));
  }
  return wrote(p, r);
}

