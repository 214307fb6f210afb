/**
 * File status and directory reading: the stat family (the target's struct stat64 and the old
 * struct stat, filled from the host's statx), statx itself (its layout is the same everywhere, so the host
 * writes the guest's buffer), statfs, and getdents/getdents64 with small d_off values (the
 * index of the next entry) that a 32-bit telldir can hold.
 */
import { EBADF, EFAULT, EINVAL, EOVERFLOW } from '../errno.js';
import { host } from '../host.js';
import type { DirEntry, OpenFile } from '../fd-table.js';
import type { LinuxProcess } from '../process.js';
import type { SyscallTable } from '../syscall.js';
import { hostFiles } from '../host-files.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, resolveAt } from './fs-common.js';

const STATX_BASIC_STATS = 0x7ff;
const EMPTY = Buffer.from([0]);

/** The host's statx of a guest path (or descriptor with AT_EMPTY_PATH) into a fresh buffer. */
function hostStatx(p: LinuxProcess, dirfd: number, path: number, flags: number): DataView | number {
  const buf = new Uint8Array(256);
  const at = resolveAt(p, dirfd, path, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof at === 'number') return at;
  const r = hostFiles.statx(at.dirfd, at.path, flags, STATX_BASIC_STATS, buf);
  return r < 0 ? r : new DataView(buf.buffer);
}

function fdStatx(p: LinuxProcess, fd: number): DataView | number {
  const f = p.fds.get(fd);
  if (!f) return -EBADF;
  const buf = new Uint8Array(256);
  const r = hostFiles.statx(f.host, EMPTY, AT_EMPTY_PATH, STATX_BASIC_STATS, buf);
  return r < 0 ? r : new DataView(buf.buffer);
}

/** The kernel's new_encode_dev: what a 32-bit dev_t holds (glibc's major()/minor() decode it). */
const encodeDev = (major: number, minor: number): number =>
  ((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12)) >>> 0;

/** Fields of a struct statx. */
const sx = {
  mode: (v: DataView) => v.getUint16(28, true),
  nlink: (v: DataView) => v.getUint32(16, true),
  uid: (v: DataView) => v.getUint32(20, true),
  gid: (v: DataView) => v.getUint32(24, true),
  ino: (v: DataView) => v.getBigUint64(32, true),
  size: (v: DataView) => v.getBigUint64(40, true),
  blocks: (v: DataView) => v.getBigUint64(48, true),
  blksize: (v: DataView) => v.getUint32(4, true),
  /** atime 64, btime 80, ctime 96, mtime 112: [seconds, nanoseconds]. */
  time: (v: DataView, off: number): [bigint, number] => [v.getBigInt64(off, true), v.getUint32(off + 8, true)],
  dev: (v: DataView) => encodeDev(v.getUint32(136, true), v.getUint32(140, true)),
  rdev: (v: DataView) => encodeDev(v.getUint32(128, true), v.getUint32(132, true)),
};
const ATIME = 64, CTIME = 96, MTIME = 112;

/** struct stat64, laid out as the target's ABI pads it (asm/stat.h; ARM EABI: 104 bytes). */
function putStat64(p: LinuxProcess, addr: number, s: DataView): number {
  const l = p.target.stat64;
  const out = new DataView(new ArrayBuffer(l.size));
  out.setBigUint64(l.dev, BigInt(sx.dev(s)), true);
  out.setUint32(l.shortIno, Number(sx.ino(s) & 0xffffffffn), true);
  out.setUint32(l.mode, sx.mode(s), true);
  out.setUint32(l.nlink, sx.nlink(s), true);
  out.setUint32(l.uid, sx.uid(s), true);
  out.setUint32(l.gid, sx.gid(s), true);
  out.setBigUint64(l.rdev, BigInt(sx.rdev(s)), true);
  out.setBigUint64(l.fileSize, sx.size(s), true);
  out.setUint32(l.blksize, sx.blksize(s), true);
  out.setBigUint64(l.blocks, sx.blocks(s), true);
  [[ATIME, l.atime], [MTIME, l.mtime], [CTIME, l.ctime]].forEach(([t, at]) => {
    const [sec, nsec] = sx.time(s, t);
    out.setUint32(at, Number(BigInt.asUintN(32, sec)), true);
    out.setUint32(at + 4, nsec, true);
  });
  out.setBigUint64(l.ino, sx.ino(s), true);
  p.mem.writable(addr >>> 0, l.size).set(new Uint8Array(out.buffer));
  return 0;
}

/** The old struct stat (64 bytes; 32-bit sizes, 16-bit ids; the same on ARM and i386): what does not fit is EOVERFLOW. */
function putOldStat(p: LinuxProcess, addr: number, s: DataView): number {
  const out = new DataView(new ArrayBuffer(64));
  const ino = sx.ino(s), size = sx.size(s);
  if (ino > 0xffffffffn || size > 0x7fffffffn || sx.nlink(s) > 0xffff) return -EOVERFLOW;
  const id16 = (v: number): number => (v > 0xffff ? 65534 : v);
  out.setUint32(0, sx.dev(s), true);
  out.setUint32(4, Number(ino), true);
  out.setUint16(8, sx.mode(s), true);
  out.setUint16(10, sx.nlink(s), true);
  out.setUint16(12, id16(sx.uid(s)), true);
  out.setUint16(14, id16(sx.gid(s)), true);
  out.setUint32(16, sx.rdev(s), true);
  out.setUint32(20, Number(size), true);
  out.setUint32(24, sx.blksize(s), true);
  out.setUint32(28, Number(sx.blocks(s) & 0xffffffffn), true);
  [ATIME, MTIME, CTIME].forEach((t, i) => {
    const [sec, nsec] = sx.time(s, t);
    out.setUint32(32 + 8 * i, Number(BigInt.asUintN(32, sec)), true);
    out.setUint32(36 + 8 * i, nsec, true);
  });
  p.mem.writable(addr >>> 0, 64).set(new Uint8Array(out.buffer));
  return 0;
}

const stat = (put: typeof putStat64, r: DataView | number, p: LinuxProcess, buf: number): number =>
  (typeof r === 'number' ? r : put(p, buf, r));

// ---- statfs ----

/** Host (x86-64) struct statfs: 120 bytes of longs. */
function hostStatfs(p: LinuxProcess, path: number | undefined, fd?: number): DataView | number {
  const buf = new Uint8Array(120);
  let r: number;
  if (fd !== undefined) {
    const f = p.fds.get(fd);
    if (!f) return -EBADF;
    r = hostFiles.fstatfs(f.host, buf);
  } else {
    const at = resolveAt(p, AT_FDCWD, path!);
    if (typeof at === 'number') return at;
    r = at.dirfd === AT_FDCWD ? hostFiles.statfs(at.path, buf) : -EINVAL;
  }
  return r < 0 ? r : new DataView(buf.buffer);
}

const HF = { type: 0, bsize: 8, blocks: 16, bfree: 24, bavail: 32, files: 40, ffree: 48, fsid: 56, namelen: 64, frsize: 72, flags: 80 };

/** struct statfs64 (84 bytes, packed to 4, on ARM and i386); the target says which sizes the call accepts. */
function putStatfs64(p: LinuxProcess, addr: number, size: number, h: DataView | number): number {
  if (typeof h === 'number') return h;
  if (!p.target.statfs64Sizes.includes(size)) return -EINVAL;
  const out = new DataView(new ArrayBuffer(84));
  const g = (o: number): bigint => h.getBigUint64(o, true);
  out.setUint32(0, Number(g(HF.type) & 0xffffffffn), true);
  out.setUint32(4, Number(g(HF.bsize)), true);
  [HF.blocks, HF.bfree, HF.bavail, HF.files, HF.ffree].forEach((o, i) => out.setBigUint64(8 + 8 * i, g(o), true));
  out.setUint32(48, h.getUint32(HF.fsid, true), true);
  out.setUint32(52, h.getUint32(HF.fsid + 4, true), true);
  out.setUint32(56, Number(g(HF.namelen)), true);
  out.setUint32(60, Number(g(HF.frsize)), true);
  out.setUint32(64, Number(g(HF.flags)), true);
  p.mem.writable(addr >>> 0, 84).set(new Uint8Array(out.buffer));
  return 0;
}

/** struct statfs (64 bytes of 32-bit fields, on ARM and i386). */
function putStatfs(p: LinuxProcess, addr: number, h: DataView | number): number {
  if (typeof h === 'number') return h;
  const g = (o: number): bigint => h.getBigUint64(o, true);
  const big = (v: bigint): boolean => v > 0xffffffffn;
  if ([HF.blocks, HF.bfree, HF.bavail, HF.bsize, HF.frsize].some((o) => big(g(o)))) return -EOVERFLOW;
  for (const o of [HF.files, HF.ffree]) if (g(o) !== 0xffffffffffffffffn && big(g(o))) return -EOVERFLOW;
  const out = new DataView(new ArrayBuffer(64));
  [HF.type, HF.bsize, HF.blocks, HF.bfree, HF.bavail, HF.files, HF.ffree].forEach((o, i) =>
    out.setUint32(4 * i, Number(g(o) & 0xffffffffn), true));
  out.setUint32(28, h.getUint32(HF.fsid, true), true);
  out.setUint32(32, h.getUint32(HF.fsid + 4, true), true);
  out.setUint32(36, Number(g(HF.namelen)), true);
  out.setUint32(40, Number(g(HF.frsize)), true);
  out.setUint32(44, Number(g(HF.flags)), true);
  p.mem.writable(addr >>> 0, 64).set(new Uint8Array(out.buffer));
  return 0;
}

// ---- getdents ----

/** Read the whole directory from the host (once per rewind). */
function loadDir(f: OpenFile): DirEntry[] | number {
  host.lseek(f.host, 0n, 0);
  const buf = new Uint8Array(65536);
  const view = new DataView(buf.buffer);
  const entries: DirEntry[] = [];
  for (;;) {
    const n = hostFiles.getdents64(f.host, buf);
    if (n < 0) return n;
    if (n === 0) return entries;
    for (let off = 0; off < n;) {
      const reclen = view.getUint16(off + 16, true);
      let end = off + 19;
      while (buf[end] !== 0) end++;
      entries.push({ ino: view.getBigUint64(off, true), type: buf[off + 18], name: buf.slice(off + 19, end) });
      off += reclen;
    }
  }
}

/**
 * getdents64 (wide) or getdents: as many records from the directory's position as fit in
 * `count` bytes; d_off is the index of the next entry.
 */
function getdents(p: LinuxProcess, fd: number, bufAddr: number, count: number, wide: boolean): number {
  const f = p.fds.get(fd);
  if (!f) return -EBADF;
  const dir = (f.dir ??= { pos: f.dirPos ?? 0 });
  if (!dir.entries) {
    const e = dir.source ? dir.source() : loadDir(f);
    if (typeof e === 'number') return e;
    dir.entries = e;
  }
  const out = p.mem.writable(bufAddr >>> 0, count >>> 0);
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  let used = 0;
  while (dir.pos < dir.entries.length) {
    const e = dir.entries[dir.pos];
    const nameLen = e.name.length;
    const reclen = wide ? (19 + nameLen + 1 + 7) & ~7 : (10 + nameLen + 2 + 3) & ~3;
    if (used + reclen > out.length) {
      if (used === 0) return -EINVAL;
      break;
    }
    out.fill(0, used, used + reclen);
    if (wide) {
      view.setBigUint64(used, e.ino, true);
      view.setBigInt64(used + 8, BigInt(dir.pos + 1), true);
      view.setUint16(used + 16, reclen, true);
      out[used + 18] = e.type;
      out.set(e.name, used + 19);
    } else {
      if (e.ino > 0xffffffffn) return used > 0 ? used : -EOVERFLOW;
      view.setUint32(used, Number(e.ino), true);
      view.setUint32(used + 4, dir.pos + 1, true);
      view.setUint16(used + 8, reclen, true);
      out.set(e.name, used + 10);
      out[used + reclen - 1] = e.type;
    }
    used += reclen;
    dir.pos++;
  }
  f.dirPos = dir.pos;
  return used;
}

export const statSyscalls: SyscallTable = {
  stat64: { args: ['s', 'p'], run: (p, path, buf) => stat(putStat64, hostStatx(p, AT_FDCWD, path, 0), p, buf) },
  lstat64: { args: ['s', 'p'], run: (p, path, buf) => stat(putStat64, hostStatx(p, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW), p, buf) },
  fstat64: { args: ['fd', 'p'], run: (p, fd, buf) => stat(putStat64, fdStatx(p, fd), p, buf) },
  fstatat64: {
    args: ['at_dirfd', 's', 'p', 'at_flags'],
    run(p, dirfd, path, buf, flags) {
      if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */)) return -EINVAL;
      return stat(putStat64, hostStatx(p, dirfd, path, flags), p, buf);
    },
  },
  stat: { args: ['s', 'p'], run: (p, path, buf) => stat(putOldStat, hostStatx(p, AT_FDCWD, path, 0), p, buf) },
  lstat: { args: ['s', 'p'], run: (p, path, buf) => stat(putOldStat, hostStatx(p, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW), p, buf) },
  fstat: { args: ['fd', 'p'], run: (p, fd, buf) => stat(putOldStat, fdStatx(p, fd), p, buf) },
  statx: {
    args: ['at_dirfd', 's', 'at_flags', 'statx_mask', 'p'],
    run(p, dirfd, path, flags, mask, buf) {
      const at = resolveAt(p, dirfd, path, (flags & AT_EMPTY_PATH) !== 0);
      if (typeof at === 'number') return at;
      if (!buf) return -EFAULT;
      return hostFiles.statx(at.dirfd, at.path, flags, mask >>> 0, p.mem.writable(buf >>> 0, 256));
    },
  },
  statfs: { args: ['s', 'p'], run: (p, path, buf) => putStatfs(p, buf, hostStatfs(p, path)) },
  fstatfs: { args: ['fd', 'p'], run: (p, fd, buf) => putStatfs(p, buf, hostStatfs(p, undefined, fd)) },
  // The size is checked before the path or descriptor (sys_statfs64).
  statfs64: { args: ['s', 'u', 'p'], run: (p, path, size, buf) => (p.target.statfs64Sizes.includes(size) ? putStatfs64(p, buf, size, hostStatfs(p, path)) : -EINVAL) },
  fstatfs64: { args: ['fd', 'u', 'p'], run: (p, fd, size, buf) => (p.target.statfs64Sizes.includes(size) ? putStatfs64(p, buf, size, hostStatfs(p, undefined, fd)) : -EINVAL) },
  getdents64: { args: ['fd', 'p', 'u'], run: (p, fd, buf, count) => getdents(p, fd, buf, count, true) },
  getdents: { args: ['fd', 'p', 'u'], run: (p, fd, buf, count) => getdents(p, fd, buf, count, false) },
};
