/** Memory system calls: brk, mmap2, munmap, mprotect, mremap, madvise. */
import { closeSync, constants as fsConstants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { host } from '../host.js';
import { PAGE_SIZE } from '../../../ops/core.js';
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM, EPERM } from '../errno.js';
import { PROT_EXEC, PROT_NONE_MAPPED, PROT_READ, PROT_WRITE, STACK_SIZE, pageUp, type GuestMemory } from '../memory.js';
import type { LinuxProcess } from '../process.js';
import type { SyscallTable } from '../syscall.js';

const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
const F_GETFL = 3, O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2;

function guestProt(prot: number): number {
  const p = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
  return p === 0 ? PROT_NONE_MAPPED : p;
}

/** Is [addr, addr + len) inside user space? (Page 0 too: MAP_FIXED may map it where the host allows.) */
const inUserSpace = (mem: GuestMemory, addr: number, len: number): boolean => addr + len <= mem.taskSize;

let lowLimit: { minAddr: number; rawio: boolean } | undefined;

/**
 * The host's vm.mmap_min_addr (qemu-arm reads it too), and whether we hold CAP_SYS_RAWIO, which
 * lets a process map below it (the kernel's cap_mmap_addr).
 */
function mmapLowLimit(): { minAddr: number; rawio: boolean } {
  if (lowLimit) return lowLimit;
  let minAddr = 65536; // Debian's default, if /proc cannot tell
  try { minAddr = Number(readFileSync('/proc/sys/vm/mmap_min_addr', 'utf8').trim()) || 0; } catch { /* keep the default */ }
  let rawio = false;
  try {
    const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    rawio = capEff !== undefined && (BigInt(`0x${capEff}`) & (1n << 17n /* CAP_SYS_RAWIO */)) !== 0n;
  } catch { /* no capabilities known: assume none */ }
  return (lowLimit = { minAddr, rawio });
}

/** security_mmap_addr: a fixed mapping below vm.mmap_min_addr needs CAP_SYS_RAWIO. */
function lowAddressRefused(addr: number): boolean {
  const { minAddr, rawio } = mmapLowLimit();
  return addr < minAddr && !rawio;
}

/** /dev/zero's device number (1, 5). */
const DEV_ZERO = (1 << 8) | 5;

/**
 * What mapping host descriptor `fd` gives: a file's pages, none (directories, pipes, sockets,
 * terminals, /dev/null… have no mmap: ENODEV), or zeros (/dev/zero maps anonymous memory).
 */
function mappable(fd: number): 'file' | 'none' | 'zero' {
  let st;
  try { st = fstatSync(fd); } catch { return 'file'; }
  if (st.isFile() || st.isBlockDevice()) return 'file';
  return st.isCharacterDevice() && st.rdev === DEV_ZERO ? 'zero' : 'none';
}

/** Replace whatever is at [at, at + size) by zero pages with `prot`. */
function mapZeros(p: LinuxProcess, at: number, size: number, prot: number): number {
  p.sharedMaps.unmap(p.mem, at, size);
  p.mem.map(at, size, guestProt(prot));
  return at | 0;
}

function doMmap(p: LinuxProcess, addr: number, len: number, prot: number, flags: number, fd: number, pgoff: number): number {
  addr >>>= 0; len >>>= 0;
  if (len === 0) return -EINVAL;
  if ((flags & (MAP_SHARED | MAP_PRIVATE)) === 0) return -EINVAL;
  const size = pageUp(len);
  const mem = p.mem;
  let at: number | undefined;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr + size > mem.taskSize) return -ENOMEM;
    if (addr % PAGE_SIZE) return -EINVAL;
    if (lowAddressRefused(addr)) return -EPERM;
    if (flags & MAP_FIXED_NOREPLACE) {
      for (let a = addr; a < addr + size; a += PAGE_SIZE) if (mem.isMapped(a / PAGE_SIZE)) return -EEXIST;
    }
    at = addr;
  } else {
    // A hint is honoured when the space is free, as Linux does; one below vm.mmap_min_addr is
    // first raised to it (round_hint_to_min), and an unaligned one rounded down.
    let hint = addr - (addr % PAGE_SIZE);
    const { minAddr } = mmapLowLimit();
    if (hint && hint < minAddr) hint = pageUp(minAddr);
    if (hint && inUserSpace(mem, hint, size) && mem.findFree(size, hint) === hint) at = hint;
    else at = mem.findFree(size, mem.mmapBase) ?? mem.findFree(size, Math.max(PAGE_SIZE * 16, pageUp(minAddr)));
    if (at === undefined) return -ENOMEM;
  }
  let data: Uint8Array | undefined;
  let fileHost = -1, fileBytes = 0;
  if (!(flags & MAP_ANONYMOUS)) {
    const f = p.fds.get(fd);
    if (!f) return -EBADF;
    const accessMode = host.fcntlInt(f.host, F_GETFL, 0) & O_ACCMODE;
    if (accessMode === O_WRONLY || (flags & MAP_SHARED && prot & PROT_WRITE && accessMode !== O_RDWR)) return -EACCES;
    const kind = mappable(f.host);
    if (kind === 'none') return -ENODEV;
    if (kind === 'zero') return mapZeros(p, at, size, prot);
    try { fileBytes = Math.max(0, fstatSync(f.host).size - pgoff * PAGE_SIZE); } catch { fileBytes = 0; }
    fileHost = f.host;
    // The file's bytes; a MAP_SHARED mapping is kept in step with the file (shared-maps.ts).
    // Only the pages the file covers: the rest stay untouched (a huge mapping of a small file
    // must not commit host memory; those pages raise SIGBUS anyway).
    data = new Uint8Array(Math.min(size, pageUp(fileBytes)));
    // Read through a descriptor of our own: the guest's may have O_DIRECT, whose alignment rules
    // a host buffer does not meet (Linux maps such a file all the same).
    // Regular files only: reopening a pipe or a terminal has effects of its own.
    let own: number | undefined;
    try { own = fstatSync(f.host).isFile() ? openSync(`/proc/self/fd/${f.host}`, fsConstants.O_RDONLY) : undefined; } catch { own = undefined; }
    try {
      let off = 0;
      const pos = pgoff * PAGE_SIZE;
      while (off < data.length) {
        const n = readSync(own ?? f.host, data, off, data.length - off, pos + off);
        if (n <= 0) break;
        off += n;
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return err.code === 'EISDIR' ? -ENODEV : err.code === 'EBADF' ? -EACCES : err.errno ?? -EINVAL;
    } finally {
      if (own !== undefined) closeSync(own);
    }
  }
  mapZeros(p, at, size, prot);
  if (data) {
    mem.poke(at, data);
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
        if (newEnd > mem.stackTop - STACK_SIZE || mem.findFree(newEnd - oldEnd, oldEnd) !== oldEnd) return mem.brk | 0;
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
      if (addr % PAGE_SIZE || len === 0 || !inUserSpace(p.mem, addr, pageUp(len))) return -EINVAL;
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
      if (!inUserSpace(p.mem, addr, size)) return -ENOMEM;
      for (let a = addr; a < addr + size; a += PAGE_SIZE) if (!p.mem.isMapped(a / PAGE_SIZE)) return -ENOMEM;
      // A shared mapping of a file not opened for writing cannot become writable (no VM_MAYWRITE).
      if (prot & PROT_WRITE && p.sharedMaps.deniesWrite(addr, size)) return -EACCES;
      p.mem.setProt(addr, size, guestProt(prot));
      return 0;
    },
  },
  mremap: {
    args: ['p', 'u', 'u', 'x', 'p'], hexResult: true,
    run: (p, oldAddr, oldLen, newLen, flags, newAddr) => mremap(p, oldAddr >>> 0, oldLen >>> 0, newLen >>> 0, flags >>> 0, newAddr >>> 0),
  },
  madvise: { args: ['p', 'u', 'd'], run: (p, addr, len, advice) => madvise(p, addr >>> 0, len >>> 0, advice) },
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

/**
 * Whether [addr, addr + len) could be one mapping (a VMA) in Linux: inside user space (the kuser
 * page at 0xffff0000 is the kernel's gate area, not a VMA), every page mapped with the same
 * permissions. 0, or the errno of mremap's vma_to_resize.
 */
function oneMapping(p: LinuxProcess, addr: number, len: number): number {
  const mem = p.mem;
  if (addr >= mem.taskSize || !mem.isMapped(addr / PAGE_SIZE)) return EFAULT;
  const prot = mem.prot[addr / PAGE_SIZE];
  for (let a = addr; a < addr + len; a += PAGE_SIZE) if (a >= mem.taskSize || mem.prot[a / PAGE_SIZE] !== prot) return EFAULT;
  return 0;
}

/** Move [oldAddr, oldAddr + oldLen) to a new mapping of newLen at `to` (move_vma); DONTUNMAP leaves the old range mapped, empty. */
function moveMapping(p: LinuxProcess, oldAddr: number, oldLen: number, newLen: number, to: number, keepOld: boolean): number {
  const mem = p.mem;
  const prot = mem.prot[oldAddr / PAGE_SIZE];
  const bytes = Uint8Array.from(mem.u8.subarray(oldAddr, oldAddr + Math.min(oldLen, newLen)));
  p.sharedMaps.unmap(mem, oldAddr, oldLen);
  if (keepOld) mem.map(oldAddr, oldLen, prot); else mem.unmap(oldAddr, oldLen);
  p.sharedMaps.unmap(mem, to, newLen);
  mem.map(to, newLen, prot);
  mem.poke(to, bytes);
  return to | 0;
}

/** mremap, in the order of the kernel's checks (mm/mremap.c). */
function mremap(p: LinuxProcess, oldAddr: number, oldLen: number, newLen: number, flags: number, newAddr: number): number {
  const mem = p.mem;
  if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) return -EINVAL;
  if (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  if (flags & MREMAP_DONTUNMAP && (!(flags & MREMAP_MAYMOVE) || oldLen !== newLen)) return -EINVAL;
  if (oldAddr % PAGE_SIZE) return -EINVAL;
  // PAGE_ALIGN in 32 bits: a length within a page of 4 GiB wraps to 0.
  oldLen = pageUp(oldLen) % 2 ** 32; newLen = pageUp(newLen) % 2 ** 32;
  if (newLen === 0) return -EINVAL;
  if (oldAddr >= mem.taskSize || !mem.isMapped(oldAddr / PAGE_SIZE)) return -EFAULT;

  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
    // mremap_to
    if (flags & MREMAP_FIXED) {
      if (newAddr % PAGE_SIZE) return -EINVAL;
      if (newLen > mem.taskSize || newAddr > mem.taskSize - newLen) return -EINVAL;
      if (oldAddr + oldLen > newAddr && newAddr + newLen > oldAddr) return -EINVAL; // overlap
      // The target is unmapped first, as in Linux (even if a later check fails).
      p.sharedMaps.unmap(mem, newAddr, newLen);
      mem.unmap(newAddr, newLen);
    }
    if (oldLen > newLen) {
      p.sharedMaps.unmap(mem, oldAddr + newLen, oldLen - newLen);
      mem.unmap(oldAddr + newLen, oldLen - newLen);
      oldLen = newLen;
    }
    if (oldLen === 0) return -EINVAL; // the "duplicate a shared mapping" case: private mappings only here
    const err = oneMapping(p, oldAddr, oldLen);
    if (err) return -err;
    let to: number | undefined = newAddr;
    if (flags & MREMAP_FIXED) {
      if (lowAddressRefused(newAddr)) return -EPERM;
    } else {
      to = mem.findFree(newLen, mem.mmapBase);
      if (to === undefined) return -ENOMEM;
    }
    return moveMapping(p, oldAddr, oldLen, newLen, to, (flags & MREMAP_DONTUNMAP) !== 0);
  }

  // Shrinking is always allowed: unmap the tail.
  if (oldLen >= newLen) {
    if (oldLen > newLen) {
      const end = Math.min(oldAddr + oldLen, mem.taskSize);
      if (end > oldAddr + newLen) { p.sharedMaps.unmap(mem, oldAddr + newLen, end - oldAddr - newLen); mem.unmap(oldAddr + newLen, end - oldAddr - newLen); }
    }
    return oldAddr | 0;
  }
  if (oldLen === 0) return -EINVAL;
  const err = oneMapping(p, oldAddr, oldLen);
  if (err) return -err;
  const prot = mem.prot[oldAddr / PAGE_SIZE];
  // Grow in place when the old range ends its mapping and the space after it is free.
  const end = oldAddr + oldLen;
  const endsMapping = end >= mem.taskSize || mem.prot[end / PAGE_SIZE] !== prot;
  if (endsMapping && end + (newLen - oldLen) <= mem.taskSize && mem.findFree(newLen - oldLen, end) === end) {
    mem.setProt(end, newLen - oldLen, prot);
    return oldAddr | 0;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  const to = mem.findFree(newLen, mem.mmapBase);
  if (to === undefined) return -ENOMEM;
  return moveMapping(p, oldAddr, oldLen, newLen, to, false);
}

const MADV_DONTNEED = 4, MADV_REMOVE = 9, MADV_DONTNEED_LOCKED = 24;
/** The advice values Linux knows on 32-bit ARM (no transparent huge pages, no hwpoison). */
const KNOWN_ADVICE = new Set([0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21, 22, 23, 24]);

/**
 * madvise: checks as do_madvise; MADV_DONTNEED drops the pages, so that private anonymous memory
 * reads as zeros afterwards (allocators count on it). Other advice changes nothing we model.
 */
function madvise(p: LinuxProcess, addr: number, len: number, advice: number): number {
  if (!KNOWN_ADVICE.has(advice)) return -EINVAL;
  if (addr % PAGE_SIZE) return -EINVAL;
  const size = pageUp(len);
  if (addr + size > 2 ** 32) return -EINVAL;
  if (size === 0) return 0;
  const mem = p.mem;
  let hole = false;
  for (let a = addr; a < addr + size; a += PAGE_SIZE) {
    if (a >= mem.taskSize || !mem.isMapped(a / PAGE_SIZE)) { hole = true; continue; }
    if (advice === MADV_REMOVE && !p.sharedMaps.covers(a)) return -EINVAL; // only shared mappings have holes to punch
    if ((advice === MADV_DONTNEED || advice === MADV_DONTNEED_LOCKED) && !p.sharedMaps.covers(a)) {
      // A shared file page would come back from the file unchanged: only private pages are zeroed.
      mem.invalidateCode(a, PAGE_SIZE);
      mem.u8.fill(0, a, a + PAGE_SIZE);
    }
  }
  return hole ? -ENOMEM : 0;
}
