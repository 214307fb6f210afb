/** Memory system calls: brk, mmap2, munmap, mprotect, mremap, madvise. */
import { fstatSync, readSync } from 'node:fs';
import { host } from '../host.js';
import { PAGE_SIZE } from '../../../ops/core.js';
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM } from '../errno.js';
import { MMAP_BASE, PROT_EXEC, PROT_NONE_MAPPED, PROT_READ, PROT_WRITE, STACK_SIZE, STACK_TOP, TASK_SIZE, pageUp } from '../memory.js';
import type { LinuxProcess } from '../process.js';
import type { SyscallTable } from '../syscall.js';

const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
const F_GETFL = 3, O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2;

function guestProt(prot: number): number {
  const p = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
  return p === 0 ? PROT_NONE_MAPPED : p;
}

/** Is [addr, addr + len) inside user space? */
const inUserSpace = (addr: number, len: number): boolean => addr >= PAGE_SIZE && addr + len <= TASK_SIZE;

function doMmap(p: LinuxProcess, addr: number, len: number, prot: number, flags: number, fd: number, pgoff: number): number {
  addr >>>= 0; len >>>= 0;
  if (len === 0 || addr % PAGE_SIZE) return -EINVAL;
  if ((flags & (MAP_SHARED | MAP_PRIVATE)) === 0) return -EINVAL;
  const size = pageUp(len);
  const mem = p.mem;
  let at: number | undefined;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (!inUserSpace(addr, size)) return -ENOMEM;
    if (flags & MAP_FIXED_NOREPLACE) {
      for (let a = addr; a < addr + size; a += PAGE_SIZE) if (mem.isMapped(a / PAGE_SIZE)) return -EEXIST;
    }
    at = addr;
  } else {
    // A hint is honoured when the space is free, as Linux does.
    if (addr && inUserSpace(addr, size) && mem.findFree(size, addr) === addr) at = addr;
    else at = mem.findFree(size, MMAP_BASE) ?? mem.findFree(size, PAGE_SIZE * 16);
    if (at === undefined) return -ENOMEM;
  }
  let data: Uint8Array | undefined;
  let fileHost = -1, fileBytes = 0;
  if (!(flags & MAP_ANONYMOUS)) {
    const f = p.fds.get(fd);
    if (!f) return -EBADF;
    const accessMode = host.fcntlInt(f.host, F_GETFL, 0) & O_ACCMODE;
    if (accessMode === O_WRONLY || (flags & MAP_SHARED && prot & PROT_WRITE && accessMode !== O_RDWR)) return -EACCES;
    try { fileBytes = Math.max(0, fstatSync(f.host).size - pgoff * PAGE_SIZE); } catch { fileBytes = 0; }
    fileHost = f.host;
    // The file's bytes; a MAP_SHARED mapping is kept in step with the file (shared-maps.ts).
    data = new Uint8Array(size);
    try {
      let off = 0;
      const pos = pgoff * PAGE_SIZE;
      while (off < size) {
        const n = readSync(f.host, data, off, size - off, pos + off);
        if (n <= 0) break;
        off += n;
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return err.code === 'EISDIR' ? -ENODEV : err.code === 'EBADF' ? -EACCES : err.errno ?? -EINVAL;
    }
  }
  p.sharedMaps.unmap(mem, at, size);
  mem.map(at, size, guestProt(prot));
  if (data) {
    mem.poke(at, data.subarray(0, size));
    // Whole pages past the end of the file raise SIGBUS when touched, as on Linux.
    const valid = pageUp(fileBytes);
    if (valid < size) { mem.setProt(at + valid, size - valid, PROT_NONE_MAPPED); mem.markBeyondFile(at + valid, size - valid); }
    if (flags & MAP_SHARED) p.sharedMaps.add(mem, at, size, Math.min(size, valid), fileHost, pgoff * PAGE_SIZE);
  }
  return at | 0;
}

export const memorySyscalls: SyscallTable = {
  brk: {
    args: ['p'], hexResult: true,
    run(p, addr) {
      const mem = p.mem;
      const want = addr >>> 0;
      if (want < mem.brkStart) return mem.brk | 0;
      const oldEnd = pageUp(mem.brk), newEnd = pageUp(want);
      if (newEnd > oldEnd) {
        if (newEnd > STACK_TOP - STACK_SIZE || mem.findFree(newEnd - oldEnd, oldEnd) !== oldEnd) return mem.brk | 0;
        mem.map(oldEnd, newEnd - oldEnd, PROT_READ | PROT_WRITE);
      } else if (newEnd < oldEnd) {
        mem.unmap(newEnd, oldEnd - newEnd);
      }
      mem.brk = want;
      return want | 0;
    },
  },
  mmap2: {
    args: ['p', 'u', 'mmap_prot', 'mmap_flags', 'd', 'x'], hexResult: true,
    run: (p, addr, len, prot, flags, fd, pgoff) => doMmap(p, addr, len, prot, flags, fd, pgoff >>> 0),
  },
  munmap: {
    args: ['p', 'u'],
    run(p, addr, len) {
      addr >>>= 0; len >>>= 0;
      if (addr % PAGE_SIZE || len === 0 || !inUserSpace(addr, pageUp(len))) return -EINVAL;
      p.sharedMaps.unmap(p.mem, addr, pageUp(len));
      p.mem.unmap(addr, pageUp(len));
      return 0;
    },
  },
  mprotect: {
    args: ['p', 'u', 'mmap_prot'],
    run(p, addr, len, prot) {
      addr >>>= 0; len >>>= 0;
      if (addr % PAGE_SIZE) return -EINVAL;
      const size = pageUp(len);
      if (!inUserSpace(addr, size)) return -ENOMEM;
      for (let a = addr; a < addr + size; a += PAGE_SIZE) if (!p.mem.isMapped(a / PAGE_SIZE)) return -ENOMEM;
      // A shared mapping of a file not opened for writing cannot become writable (no VM_MAYWRITE).
      if (prot & PROT_WRITE && p.sharedMaps.deniesWrite(addr, size)) return -EACCES;
      p.mem.setProt(addr, size, guestProt(prot));
      return 0;
    },
  },
  mremap: {
    args: ['p', 'u', 'u', 'x', 'p'], hexResult: true,
    run(p, oldAddr, oldLen, newLen, flags, newAddr) {
      oldAddr >>>= 0; oldLen = pageUp(oldLen >>> 0); newLen = pageUp(newLen >>> 0);
      if (oldAddr % PAGE_SIZE || newLen === 0) return -EINVAL;
      const mem = p.mem;
      const prot = mem.prot[oldAddr / PAGE_SIZE];
      if (!prot) return -EFAULT;
      if (flags & MREMAP_FIXED) return -EINVAL; // not needed by the C libraries we run
      if (newLen <= oldLen) { if (newLen < oldLen) mem.unmap(oldAddr + newLen, oldLen - newLen); return oldAddr | 0; }
      if (mem.findFree(newLen - oldLen, oldAddr + oldLen) === oldAddr + oldLen) {
        mem.setProt(oldAddr + oldLen, newLen - oldLen, prot);
        return oldAddr | 0;
      }
      if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
      const at = mem.findFree(newLen, MMAP_BASE);
      if (at === undefined) return -ENOMEM;
      const bytes = Uint8Array.from(mem.u8.subarray(oldAddr, oldAddr + oldLen));
      mem.unmap(oldAddr, oldLen);
      mem.map(at, newLen, prot);
      mem.poke(at, bytes);
      void newAddr;
      return at | 0;
    },
  },
  madvise: { args: ['p', 'u', 'd'], run: () => 0 },
  // Shared mappings are written back at every system call (shared-maps.ts), this one included.
  msync: {
    args: ['p', 'u', 'x'],
    run(p, addr, len, flags) {
      if ((addr >>> 0) % PAGE_SIZE || flags & ~7 || (flags & 5) === 5) return -EINVAL;
      for (let a = addr >>> 0; a < (addr >>> 0) + pageUp(len >>> 0); a += PAGE_SIZE) if (!p.mem.isMapped(a / PAGE_SIZE)) return -ENOMEM;
      return p.sharedMaps.takeWriteError(addr >>> 0, pageUp(len >>> 0));
    },
  },
};
