/**
 * The software TLB's run-time side (the memory ops' fast path is in ops/<target>/memory.ts; the
 * entry format in ops/core.ts). One 32-bit entry per 4 KiB virtual page and MMU index, in
 * linear memory above everything a guest can reach. Entries are filled lazily by the exec loop's
 * slow path, which asks the target (CpuExec.tlbFill). A list of the filled entries makes a
 * flush cost what was filled, not 4 MiB (v86's valid_tlb_entries), and lets a page that gains
 * translated code find every entry that maps it.
 */
import {
  NB_MMU_MODES, PAGE_MASK, PAGE_SHIFT, TLB_BASE, TLB_CODE, TLB_ENTRIES, TLB_INVALID, TLB_LARGE,
} from '../ops/core.js';

/** Kinds of access, for TLB fills and faults. */
export const ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_FETCH = 2;
export type Access = typeof ACCESS_READ | typeof ACCESS_WRITE | typeof ACCESS_FETCH;

/** Filled entries remembered per MMU index; past that a flush clears the whole table. */
const FILLED_CAPACITY = 1 << 16;

export class SoftTlb {
  /** The entries of each MMU index, as the ops see them. */
  readonly entries: Int32Array[] = [];
  private readonly filled: Int32Array[] = [];
  private readonly filledCount: number[] = [];
  /** Per MMU index, whether a virtual page is in its filled list already (each page once). */
  private readonly listed: Uint8Array[] = [];
  /** Host pages holding translated code: every entry that maps one has TLB_CODE. */
  private readonly codePages = new Uint8Array(TLB_ENTRIES);
  /**
   * Per MMU index, the code fetches' own cache of translations: host page address | 1 of each
   * virtual page the exec loop looked code up in (0: not cached). JavaScript only; flushed with
   * the entries. Fetch permission may differ from read permission, so it is kept apart.
   */
  private readonly fetchPages: Int32Array[] = [];
  private readonly fetchFilled: Int32Array[] = [];
  private readonly fetchCount: number[] = [];
  fills = 0;
  flushes = 0;
  /** The region (address and mask) that holds every page filled from a larger mapping, if any. */
  private hasLarge = false;
  private largeAddr = 0;
  private largeMask = 0;

  constructor(memory: WebAssembly.Memory) {
    for (let i = 0; i < NB_MMU_MODES; i++) {
      const entries = new Int32Array(memory.buffer, TLB_BASE + 4 * TLB_ENTRIES * i, TLB_ENTRIES);
      entries.fill(TLB_INVALID);
      this.entries.push(entries);
      this.filled.push(new Int32Array(FILLED_CAPACITY));
      this.filledCount.push(0);
      this.listed.push(new Uint8Array(TLB_ENTRIES));
      this.fetchPages.push(new Int32Array(TLB_ENTRIES));
      this.fetchFilled.push(new Int32Array(FILLED_CAPACITY));
      this.fetchCount.push(0);
    }
  }

  /** The host page address cached for fetching code from `vaddr` in `mmuIdx`, or undefined. */
  fetchHost(mmuIdx: number, vaddr: number): number | undefined {
    const e = this.fetchPages[mmuIdx][vaddr >>> PAGE_SHIFT];
    return e === 0 ? undefined : (e & PAGE_MASK) >>> 0;
  }

  /** Cache a code fetch's translation of the page of `vaddr` (host page address, 4 KiB aligned). */
  setFetch(mmuIdx: number, vaddr: number, hostPage: number): void {
    if (this.fetchCount[mmuIdx] === FILLED_CAPACITY) this.flushFetch(mmuIdx);
    const vpage = vaddr >>> PAGE_SHIFT, pages = this.fetchPages[mmuIdx];
    if (pages[vpage] === 0) this.fetchFilled[mmuIdx][this.fetchCount[mmuIdx]++] = vpage;
    pages[vpage] = hostPage | 1;
  }

  private flushFetch(mmuIdx: number): void {
    const pages = this.fetchPages[mmuIdx], filled = this.fetchFilled[mmuIdx], n = this.fetchCount[mmuIdx];
    for (let i = 0; i < n; i++) pages[filled[i]] = 0;
    this.fetchCount[mmuIdx] = 0;
  }

  /**
   * Map virtual page of `vaddr` for `mmuIdx` to host page `hostPage` (an address, 4 KiB
   * aligned) with `flags` (TLB_READONLY, TLB_DEVICE). Returns the entry.
   */
  set(mmuIdx: number, vaddr: number, hostPage: number, flags: number): number {
    const vpage = vaddr >>> PAGE_SHIFT;
    if (flags & TLB_LARGE) this.noteLarge(vaddr);
    const entries = this.entries[mmuIdx];
    if (!this.listed[mmuIdx][vpage]) {
      if (this.filledCount[mmuIdx] === FILLED_CAPACITY) this.flushIndex(mmuIdx);
      this.filled[mmuIdx][this.filledCount[mmuIdx]++] = vpage;
      this.listed[mmuIdx][vpage] = 1;
    }
    const code = this.codePages[hostPage >>> PAGE_SHIFT] ? TLB_CODE : 0;
    const e = ((hostPage ^ (vpage << PAGE_SHIFT)) & PAGE_MASK) | (flags & ~(TLB_INVALID | TLB_LARGE)) | code;
    entries[vpage] = e;
    this.fills++;
    return e;
  }

  /** The host address an entry gives for `vaddr`. */
  static host(entry: number, vaddr: number): number { return ((entry & PAGE_MASK) ^ vaddr) >>> 0; }

  /**
   * Grow the large-mapping region to cover the MiB of `vaddr` (one region for all, as QEMU
   * keeps): a data fill or a code fetch translated it through a mapping larger than a page.
   */
  noteLarge(vaddr: number): void {
    const mib = 0xfff00000 | 0;
    if (!this.hasLarge) { this.hasLarge = true; this.largeMask = mib; this.largeAddr = vaddr & mib; return; }
    let mask = this.largeMask & mib;
    while (((this.largeAddr ^ vaddr) & mask) !== 0) mask <<= 1;
    this.largeMask = mask;
    this.largeAddr &= mask;
  }

  /** Whether invalidating the page of `vaddr` must flush everything (it may lie in a larger mapping). */
  inLargeMapping(vaddr: number): boolean {
    return this.hasLarge && ((vaddr & this.largeMask) === this.largeAddr);
  }

  /** Forget every entry of every MMU index (a new address space: TTBR write, MMU switch). */
  flushAll(): void {
    for (let i = 0; i < NB_MMU_MODES; i++) { this.flushIndex(i); this.flushFetch(i); }
    this.hasLarge = false;
    this.flushes++;
  }

  private flushIndex(mmuIdx: number): void {
    const entries = this.entries[mmuIdx], filled = this.filled[mmuIdx];
    const n = this.filledCount[mmuIdx], listed = this.listed[mmuIdx];
    for (let i = 0; i < n; i++) { entries[filled[i]] = TLB_INVALID; listed[filled[i]] = 0; }
    this.filledCount[mmuIdx] = 0;
  }

  /** Forget the entries of virtual page `vpage` in every MMU index (its mapping changed). */
  flushPage(vpage: number): void {
    // The filled lists may keep the page: harmless.
    for (let i = 0; i < NB_MMU_MODES; i++) { this.entries[i][vpage] = TLB_INVALID; this.fetchPages[i][vpage] = 0; }
  }

  /** Host page `hostPage` (a page number) now holds translated code, or no longer does. */
  setCode(hostPage: number, code: boolean): void {
    if ((this.codePages[hostPage] !== 0) === code) return;
    this.codePages[hostPage] = code ? 1 : 0;
    for (let i = 0; i < NB_MMU_MODES; i++) {
      const entries = this.entries[i], filled = this.filled[i], n = this.filledCount[i];
      for (let j = 0; j < n; j++) {
        const vpage = filled[j], e = entries[vpage];
        if ((e & TLB_INVALID) || (((e ^ (vpage << PAGE_SHIFT)) >>> PAGE_SHIFT) !== hostPage)) continue;
        entries[vpage] = code ? e | TLB_CODE : e & ~TLB_CODE;
      }
    }
  }

  hasCode(hostPage: number): boolean { return this.codePages[hostPage] !== 0; }
}
