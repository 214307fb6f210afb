/**
 * MAP_SHARED file mappings. Guest memory is the emulator's own linear memory, so the host
 * kernel cannot share pages with the file; instead the mapping and the file are brought
 * together at every system call while such a mapping exists (guest stores are not visible to
 * the file before the next system call — no other process can look in between without one):
 * before the call, bytes the guest changed go to the file; after it, the file's bytes come
 * back into the mapping (a write() to the file shows in the map). Not shared with forked
 * children: they get a private copy, written back by whoever syncs last.
 *
 * The host I/O here runs around every system call, so it must never throw: a failed write-back
 * is remembered and reported by msync as EIO (Linux reports writeback errors there), a failed
 * read leaves the guest's bytes as they are (on Linux the pages would already be in memory).
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { EIO } from './errno.js';
import { host } from './host.js';
import type { GuestMemory } from './memory.js';

interface SharedMap {
  addr: number;
  /** The whole mapping, including pages past the end of the file. */
  len: number;
  /** The bytes kept in step with the file: [addr, addr + synced), synced <= len. */
  synced: number;
  /**
   * Our own host descriptor of the file: a fresh open (its own file description), so the
   * guest closing its descriptor or changing its flags (O_DIRECT, O_APPEND…) cannot reach it.
   */
  fd: number;
  /** The file was opened for writing: the mapping may have (or gain) PROT_WRITE. */
  writable: boolean;
  offset: number;
  /** The mapping's bytes as last synchronised. */
  shadow: Uint8Array;
  /** A write-back to the file failed since the last msync over this mapping. */
  writeError: boolean;
}

const O_ACCMODE = 3, O_RDWR = 2, F_GETFL = 3;

/** Our own descriptor of the file behind host descriptor `hostFd`, with its access mode. */
function openOwn(hostFd: number): { fd: number; writable: boolean } | undefined {
  const writable = (host.fcntlInt(hostFd, F_GETFL, 0) & O_ACCMODE) === O_RDWR;
  try {
    // Regular files only: reopening a pipe or a terminal has effects of its own.
    if (!fstatSync(hostFd).isFile()) throw new Error('not a regular file');
    return { fd: openSync(`/proc/self/fd/${hostFd}`, writable ? fsConstants.O_RDWR : fsConstants.O_RDONLY), writable };
  } catch {
    // Not reopenable (not a regular file, permissions changed since): share the guest's description.
    const fd = host.dup(hostFd);
    return fd < 0 ? undefined : { fd, writable };
  }
}

export class SharedFileMaps {
  private maps: SharedMap[] = [];

  get active(): boolean { return this.maps.length > 0; }

  /**
   * A new MAP_SHARED mapping [addr, addr + len) of host descriptor `hostFd` at file offset
   * `offset`, whose first `synced` bytes lie inside the file.
   */
  add(mem: GuestMemory, addr: number, len: number, synced: number, hostFd: number, offset: number): void {
    const own = openOwn(hostFd);
    if (!own) return; // out of descriptors: the mapping stays private
    this.maps.push({ addr, len, synced, ...own, offset, shadow: Uint8Array.from(mem.u8.subarray(addr, addr + synced)), writeError: false });
  }

  /** Whether [addr, addr + len) overlaps a shared mapping of a file not opened for writing (mprotect's EACCES). */
  deniesWrite(addr: number, len: number): boolean {
    return this.maps.some((m) => !m.writable && addr < m.addr + m.len && m.addr < addr + len);
  }

  /** Whether the page at `addr` belongs to a shared mapping. */
  covers(addr: number): boolean {
    return this.maps.some((m) => m.addr <= addr && addr < m.addr + m.len);
  }

  /** msync: -EIO once if a write-back into a mapping overlapping [addr, addr + len) failed, else 0. */
  takeWriteError(addr: number, len: number): number {
    let failed = false;
    for (const m of this.maps) {
      if (m.writeError && addr < m.addr + m.len && m.addr < addr + len) { failed = true; m.writeError = false; }
    }
    return failed ? -EIO : 0;
  }

  /** Write guest changes to the files. */
  syncOut(mem: GuestMemory): void {
    for (const m of this.maps) {
      if (!m.writable) continue; // the guest cannot have written to it
      const size = fileSize(m.fd);
      const cur = mem.u8.subarray(m.addr, m.addr + m.synced);
      const limit = Math.min(m.synced, Math.max(0, size - m.offset));
      for (let i = 0; i < limit;) {
        if (cur[i] === m.shadow[i]) { i++; continue; }
        let j = i + 1;
        while (j < limit && cur[j] !== m.shadow[j]) j++;
        try { writeSync(m.fd, cur, i, j - i, m.offset + i); } catch { m.writeError = true; }
        // Taken as written either way: a failed range is not retried at every call.
        m.shadow.set(cur.subarray(i, j), i);
        i = j;
      }
    }
  }

  /** Read the files' current bytes into the mappings. */
  syncIn(mem: GuestMemory): void {
    for (const m of this.maps) {
      const size = fileSize(m.fd);
      const limit = Math.min(m.synced, Math.max(0, size - m.offset));
      const fresh = new Uint8Array(limit);
      let got = 0;
      try {
        while (got < limit) {
          const n = readSync(m.fd, fresh, got, limit - got, m.offset + got);
          if (n <= 0) break;
          got += n;
        }
      } catch {
        // The guest keeps the bytes it has; what was read before the error still comes in.
      }
      const cur = mem.u8.subarray(m.addr, m.addr + got);
      for (let i = 0; i < got; i++) {
        if (fresh[i] !== m.shadow[i]) {
          if (cur[i] !== fresh[i]) { mem.invalidateCode(m.addr + i, 1); cur[i] = fresh[i]; }
          m.shadow[i] = fresh[i];
        }
      }
    }
  }

  /** execve: the address space goes away; write back and forget every mapping. */
  clear(mem: GuestMemory): void {
    this.syncOut(mem);
    for (const m of this.maps) closeQuietly(m.fd);
    this.maps = [];
  }

  /** munmap (or a new mapping over it): write back, then forget [addr, addr + len). */
  unmap(mem: GuestMemory, addr: number, len: number): void {
    if (!this.active) return;
    this.syncOut(mem);
    const kept: SharedMap[] = [];
    for (const m of this.maps) {
      if (addr + len <= m.addr || m.addr + m.len <= addr) { kept.push(m); continue; }
      // Keep the parts outside the range, each with its own descriptor.
      const pieces: [number, number][] = [[m.addr, Math.min(addr, m.addr + m.len)], [Math.max(addr + len, m.addr), m.addr + m.len]];
      for (const [a, b] of pieces) {
        if (b <= a) continue;
        const fd = host.dup(m.fd);
        const from = a - m.addr, synced = Math.max(0, Math.min(b - a, m.synced - from));
        if (fd >= 0) {
          kept.push({ ...m, addr: a, len: b - a, synced, fd, offset: m.offset + from, shadow: m.shadow.slice(from, from + synced) });
        }
      }
      closeQuietly(m.fd);
    }
    this.maps = kept;
  }
}

function fileSize(fd: number): number {
  try { return fstatSync(fd).size; } catch { return 0; }
}

function closeQuietly(fd: number): void {
  try { closeSync(fd); } catch { /* already gone: nothing to release */ }
}
