/**
 * The guest's file descriptors: guest numbers (lowest free first, as Linux allocates them)
 * over host descriptors. The host process has descriptors of its own (Node's event loop, the
 * program file), so guest numbers cannot simply be host numbers; in a forked child emulator
 * they start out equal (fork.ts passes each at its guest number).
 */
import { host } from './host.js';

export interface OpenFile {
  /** The host descriptor (shared by dup'ed guest descriptors; closed with the last one). */
  host: number;
  /** FD_CLOEXEC of this guest descriptor. */
  cloexec: boolean;
  /** The guest path it was opened with, when known (directory reads, /proc/self/fd). */
  path?: string;
  /** getdents64's position in a directory: the index of the next entry. */
  dirPos?: number;
}

export const MAX_FDS = 1024;

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

  /** Install at exactly `fd`, closing what was there (dup2). */
  set(fd: number, file: OpenFile): void {
    if (this.files[fd]) this.close(fd);
    this.files[fd] = file;
  }

  /** Close guest `fd`; the host descriptor closes when no other guest descriptor uses it. */
  close(fd: number): boolean {
    const f = this.files[fd];
    if (!f) return false;
    this.files[fd] = undefined;
    if (!this.files.some((g) => g?.host === f.host)) host.close(f.host);
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
