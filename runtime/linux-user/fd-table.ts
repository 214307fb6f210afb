/**
 * The guest's file descriptors: guest numbers (lowest free first, as Linux allocates them)
 * over host descriptors. The host process has descriptors of its own (Node's event loop, the
 * program file), so guest numbers cannot simply be host numbers; in a forked child emulator
 * they start out equal (fork.ts passes each at its guest number).
 *
 * Every guest descriptor owns its own host descriptor (dup'ed guest descriptors get dup'ed host
 * descriptors, which share the open file description as they do on Linux). Host descriptors
 * are close-on-exec on the host; the guest's FD_CLOEXEC is `cloexec` here.
 */
import { closeSync, openSync } from 'node:fs';
import { host } from './host.js';

/**
 * Close a host descriptor. The host's standard descriptors stay open for Node (its exit
 * flushes stdout, and warnings go to stderr): /dev/null takes their place, which still drops
 * the guest's reference to the file (a pipe's reader sees its end).
 */
function closeHost(fd: number): void {
  if (fd > 2) { host.close(fd); return; }
  const nul = openSync('/dev/null', 'r+');
  host.dup3(nul, fd, 0);
  closeSync(nul);
}

/** A directory being read with getdents: its entries, read once, and the index of the next. */
export interface DirState {
  entries?: DirEntry[];
  pos: number;
  /** The entries of a directory the emulator makes up (/proc/self/fd), instead of the host's. */
  source?: () => DirEntry[];
}

export interface DirEntry {
  ino: bigint;
  type: number;
  /** The name's bytes (no NUL). */
  name: Uint8Array;
}

export interface OpenFile {
  /** The host descriptor (closed with the last guest descriptor that uses it). */
  host: number;
  /** FD_CLOEXEC of this guest descriptor. */
  cloexec: boolean;
  /** The guest path it was opened with, when known (directory reads, /proc/self/fd). */
  path?: string;
  /** getdents64's position in a directory: the index of the next entry. */
  dirPos?: number;
  /** Directory reading state, shared by dup'ed descriptors as their file offset is. */
  dir?: DirState;
  /**
   * Opened with O_LARGEFILE: F_GETFL shows it only then, as a 32-bit kernel does (the x86-64
   * host sets it on every file).
   */
  largefile?: boolean;
}

export const MAX_FDS = 1024;

const F_DUPFD_CLOEXEC = 1030;

export class FdTable {
  private readonly files: (OpenFile | undefined)[] = [];

  /** Descriptors 0-2 over the host's own standard descriptors. */
  static standard(): FdTable {
    const t = new FdTable();
    for (let fd = 0; fd < 3; fd++) t.files[fd] = { host: fd, cloexec: false };
    return t;
  }

  get(fd: number): OpenFile | undefined { return fd >= 0 ? this.files[fd] : undefined; }

  /** Install at the lowest free number >= min; -1 if the table is full (EMFILE). */
  add(file: OpenFile, min = 0): number {
    for (let fd = min; fd < MAX_FDS; fd++) if (!this.files[fd]) { this.files[fd] = file; return fd; }
    return -1;
  }

  /** The lowest free number >= min, or -1 (EMFILE). */
  lowestFree(min = 0): number {
    for (let fd = min; fd < MAX_FDS; fd++) if (!this.files[fd]) return fd;
    return -1;
  }

  /** Install at exactly `fd`, closing what was there (dup2). */
  set(fd: number, file: OpenFile): void {
    if (this.files[fd]) this.close(fd);
    this.files[fd] = file;
  }

  /**
   * A new guest descriptor for the same open file as `fd` (dup, F_DUPFD, dup2/dup3 with `at`):
   * the lowest free number >= min, or exactly `at`. Returns the number or -errno.
   */
  dup(fd: number, opts: { min?: number; at?: number; cloexec?: boolean }): number {
    const f = this.files[fd];
    if (!f) return -9; // EBADF
    const to = opts.at ?? this.lowestFree(opts.min ?? 0);
    if (to < 0) return -24; // EMFILE
    const h = host.fcntlInt(f.host, F_DUPFD_CLOEXEC, 0);
    if (h < 0) return h;
    const copy: OpenFile = { host: h, cloexec: opts.cloexec ?? false, path: f.path, dir: f.dir, largefile: f.largefile };
    if (opts.at !== undefined) this.set(to, copy);
    else this.files[to] = copy;
    return to;
  }

  /** Close guest `fd`; the host descriptor closes when no other guest descriptor uses it. */
  close(fd: number): boolean {
    const f = this.files[fd];
    if (!f) return false;
    this.files[fd] = undefined;
    if (!this.files.some((g) => g?.host === f.host)) closeHost(f.host);
    return true;
  }

  /** execve: close the descriptors marked close-on-exec. */
  closeOnExec(): void {
    this.files.forEach((f, fd) => { if (f?.cloexec) this.close(fd); });
  }

  entries(): [number, OpenFile][] {
    const out: [number, OpenFile][] = [];
    this.files.forEach((f, fd) => { if (f) out.push([fd, f]); });
    return out;
  }
}
