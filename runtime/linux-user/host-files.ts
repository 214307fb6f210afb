/**
 * The host's file system calls for the guest's file system calls (the *at family, statx,
 * getdents64, …): host.ts's libc, the file-system part. Paths are NUL-terminated byte
 * buffers (guest path bytes need not be UTF-8); guest buffers are views of guest memory, so
 * the host kernel reads and writes guest memory directly. Each function returns the result or
 * -errno (Linux errno numbers are the same on ARM and x86-64).
 */
import { libcFunctions, sysResult as sys } from './host.js';

const c = libcFunctions({
  openat: 'int openat(int, const uint8_t *, int, uint32_t)',
  statx: 'int statx(int, const uint8_t *, int, uint32_t, void *)',
  getdents64: 'long getdents64(int, void *, size_t)',
  readlinkat: 'long readlinkat(int, const uint8_t *, void *, size_t)',
  faccessat: 'int faccessat(int, const uint8_t *, int, int)',
  unlinkat: 'int unlinkat(int, const uint8_t *, int)',
  mkdirat: 'int mkdirat(int, const uint8_t *, uint32_t)',
  mknodat: 'int mknodat(int, const uint8_t *, uint32_t, uint64_t)',
  renameat2: 'int renameat2(int, const uint8_t *, int, const uint8_t *, uint32_t)',
  linkat: 'int linkat(int, const uint8_t *, int, const uint8_t *, int)',
  symlinkat: 'int symlinkat(const uint8_t *, int, const uint8_t *)',
  fchmodat: 'int fchmodat(int, const uint8_t *, uint32_t, int)',
  fchmod: 'int fchmod(int, uint32_t)',
  fchownat: 'int fchownat(int, const uint8_t *, uint32_t, uint32_t, int)',
  fchown: 'int fchown(int, uint32_t, uint32_t)',
  utimensat: 'int utimensat(int, const uint8_t *, void *, int)',
  futimens: 'int futimens(int, void *)',
  truncate: 'int truncate64(const uint8_t *, int64_t)',
  ftruncate: 'int ftruncate64(int, int64_t)',
  fallocate: 'int fallocate64(int, int, int64_t, int64_t)',
  fsync: 'int fsync(int)',
  fdatasync: 'int fdatasync(int)',
  syncfs: 'int syncfs(int)',
  sync: 'void sync()',
  flock: 'int flock(int, int)',
  statfs: 'int statfs(const uint8_t *, void *)',
  fstatfs: 'int fstatfs(int, void *)',
  fcntlPtr: 'int fcntl(int, int, void *)',
  fcntlInt: 'int fcntl(int, int, int)',
  sendfile: 'long sendfile(int, int, void *, size_t)',
  memfdCreate: 'int memfd_create(const char *, uint32_t)',
  memfdCreateBytes: 'int memfd_create(const uint8_t *, uint32_t)',
  copyFileRange: 'long copy_file_range(int, void *, int, void *, size_t, uint32_t)',
  posixFadvise: 'int posix_fadvise64(int, int64_t, int64_t, int)',
});

export const AT_FDCWD = -100;

export const hostFiles = {
  openat: (dirfd: number, path: Uint8Array, flags: number, mode: number): number => sys(c.openat(dirfd, path, flags, mode)),
  statx: (dirfd: number, path: Uint8Array, flags: number, mask: number, buf: Uint8Array): number =>
    sys(c.statx(dirfd, path, flags, mask, buf)),
  getdents64: (fd: number, buf: Uint8Array): number => sys(c.getdents64(fd, buf, buf.length)),
  readlinkat: (dirfd: number, path: Uint8Array, buf: Uint8Array): number => sys(c.readlinkat(dirfd, path, buf, buf.length)),
  faccessat: (dirfd: number, path: Uint8Array, mode: number, flags: number): number => sys(c.faccessat(dirfd, path, mode, flags)),
  unlinkat: (dirfd: number, path: Uint8Array, flags: number): number => sys(c.unlinkat(dirfd, path, flags)),
  mkdirat: (dirfd: number, path: Uint8Array, mode: number): number => sys(c.mkdirat(dirfd, path, mode)),
  mknodat: (dirfd: number, path: Uint8Array, mode: number, dev: bigint): number => sys(c.mknodat(dirfd, path, mode, dev)),
  renameat2: (olddir: number, oldpath: Uint8Array, newdir: number, newpath: Uint8Array, flags: number): number =>
    sys(c.renameat2(olddir, oldpath, newdir, newpath, flags)),
  linkat: (olddir: number, oldpath: Uint8Array, newdir: number, newpath: Uint8Array, flags: number): number =>
    sys(c.linkat(olddir, oldpath, newdir, newpath, flags)),
  symlinkat: (target: Uint8Array, newdir: number, newpath: Uint8Array): number => sys(c.symlinkat(target, newdir, newpath)),
  fchmodat: (dirfd: number, path: Uint8Array, mode: number, flags: number): number => sys(c.fchmodat(dirfd, path, mode, flags)),
  fchmod: (fd: number, mode: number): number => sys(c.fchmod(fd, mode)),
  fchownat: (dirfd: number, path: Uint8Array, uid: number, gid: number, flags: number): number =>
    sys(c.fchownat(dirfd, path, uid >>> 0, gid >>> 0, flags)),
  fchown: (fd: number, uid: number, gid: number): number => sys(c.fchown(fd, uid >>> 0, gid >>> 0)),
  /** times: two x86-64 struct timespec (32 bytes), or null for now. */
  utimensat: (dirfd: number, path: Uint8Array, times: Uint8Array | null, flags: number): number =>
    sys(c.utimensat(dirfd, path, times, flags)),
  futimens: (fd: number, times: Uint8Array | null): number => sys(c.futimens(fd, times)),
  truncate: (path: Uint8Array, len: bigint): number => sys(c.truncate(path, len)),
  ftruncate: (fd: number, len: bigint): number => sys(c.ftruncate(fd, len)),
  fallocate: (fd: number, mode: number, off: bigint, len: bigint): number => sys(c.fallocate(fd, mode, off, len)),
  fsync: (fd: number): number => sys(c.fsync(fd)),
  fdatasync: (fd: number): number => sys(c.fdatasync(fd)),
  syncfs: (fd: number): number => sys(c.syncfs(fd)),
  sync: (): void => { c.sync(); },
  flock: (fd: number, op: number): number => sys(c.flock(fd, op)),
  /** buf: an x86-64 struct statfs (120 bytes). */
  statfs: (path: Uint8Array, buf: Uint8Array): number => sys(c.statfs(path, buf)),
  fstatfs: (fd: number, buf: Uint8Array): number => sys(c.fstatfs(fd, buf)),
  fcntlPtr: (fd: number, cmd: number, arg: Uint8Array): number => sys(c.fcntlPtr(fd, cmd, arg)),
  fcntlInt: (fd: number, cmd: number, arg: number): number => sys(c.fcntlInt(fd, cmd, arg)),
  /** offset: an 8-byte buffer holding the file offset (updated), or null. */
  sendfile: (out: number, inp: number, offset: Uint8Array | null, count: number): number => sys(c.sendfile(out, inp, offset, count)),
  memfdCreate: (name: string | Uint8Array, flags: number): number =>
    sys(typeof name === 'string' ? c.memfdCreate(name, flags) : c.memfdCreateBytes(name, flags)),
  /** Offsets: 8-byte buffers (updated), or null for the file position. */
  copyFileRange: (fdIn: number, offIn: Uint8Array | null, fdOut: number, offOut: Uint8Array | null, len: number, flags: number): number =>
    sys(c.copyFileRange(fdIn, offIn, fdOut, offOut, len, flags)),
  /** posix_fadvise returns the error number itself. */
  fadvise: (fd: number, off: bigint, len: bigint, advice: number): number => -(c.posixFadvise(fd, off, len, advice) as number),
};
