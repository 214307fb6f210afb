/**
 * MAP_SHARED file mappings. Guest memory is the emulator's own linear memory, so the host
 * kernel cannot share pages with the file; instead the mapping and the file are brought
 * together at every system call while such a mapping exists (guest stores are not visible to
 * the file before the next system call — no other process can look in between without one):
 * before the call, bytes the guest changed go to the file; after it, the file's bytes come
 * back into the mapping (a write() to the file shows in the map). Not shared with forked
 * children: they get a private copy, written back by whoever syncs last.
 */
import { closeSync, fstatSync, readSync, writeSync } from 'node:fs';
import { host } from './host.js';
import type { GuestMemory } from './memory.js';

interface SharedMap {
  addr: number;
  len: number;
  /** Our own duplicate of the host descriptor (the guest may close its descriptor). */
  fd: number;
  offset: number;
  /** The mapping's bytes as last synchronised. */
  shadow: Uint8Array;
}

export class SharedFileMaps {
  private maps: SharedMap[] = [];

  get active(): boolean { return this.maps.length > 0; }

  /** A new MAP_SHARED mapping of host descriptor `hostFd` at file offset `offset`. */
  add(mem: GuestMemory, addr: number, len: number, hostFd: number, offset: number): void {
    const fd = host.dup(hostFd);
    if (fd < 0) return; // out of descriptors: the mapping stays private
    this.maps.push({ addr, len, fd, offset, shadow: Uint8Array.from(mem.u8.subarray(addr, addr + len)) });
  }

  /** Write guest changes to the files. */
  syncOut(mem: GuestMemory): void {
    for (const m of this.maps) {
      const size = fileSize(m.fd);
      const cur = mem.u8.subarray(m.addr, m.addr + m.len);
      const limit = Math.min(m.len, Math.max(0, size - m.offset));
      for (let i = 0; i < limit;) {
        if (cur[i] === m.shadow[i]) { i++; continue; }
        let j = i + 1;
        while (j < limit && cur[j] !== m.shadow[j]) j++;
        writeSync(m.fd, cur, i, j - i, m.offset + i);
        m.shadow.set(cur.subarray(i, j), i);
        i = j;
      }
    }
  }

  /** Read the files' current bytes into the mappings. */
  syncIn(mem: GuestMemory): void {
    for (const m of this.maps) {
      const size = fileSize(m.fd);
      const limit = Math.min(m.len, Math.max(0, size - m.offset));
      const fresh = new Uint8Array(limit);
      let got = 0;
      while (got < limit) {
        const n = readSync(m.fd, fresh, got, limit - got, m.offset + got);
        if (n <= 0) break;
        got += n;
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
    for (const m of this.maps) closeSync(m.fd);
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
        if (fd >= 0) kept.push({ addr: a, len: b - a, fd, offset: m.offset + (a - m.addr), shadow: m.shadow.slice(a - m.addr, b - m.addr) });
      }
      closeSync(m.fd);
    }
    this.maps = kept;
  }
}

function fileSize(fd: number): number {
  try { return fstatSync(fd).size; } catch { return 0; }
}
