/**
 * The ARM926EJ-S MMU (ARMv5, ARM ARM chapter B4): the page-table walk that fills the TLB.
 * First level: fault, section (1 MiB), coarse or fine second-level table; second level: fault,
 * large (64 KiB), small (4 KiB) and tiny (1 KiB) pages with their four subpage AP fields; the
 * 16 domains (no access, client, manager); AP with SCTLR.S and .R. No execute-never in ARMv5:
 * whatever may be read may be executed. The FCSE PID relocates addresses below 32 MiB first.
 */
import { CP15_DACR, CP15_PID, CP15_SCTLR, CP15_TTBR } from '../../ops/arm/state.js';

/** Fault status codes (FSR[3:0]) of the ARMv5 short descriptors. */
export const FSR_ALIGNMENT = 0x1, FSR_EXTERNAL = 0x8;
const FSR_TRANSLATION_SECTION = 0x5, FSR_TRANSLATION_PAGE = 0x7;
const FSR_DOMAIN_SECTION = 0x9, FSR_DOMAIN_PAGE = 0xb;
const FSR_PERMISSION_SECTION = 0xd, FSR_PERMISSION_PAGE = 0xf;
const FSR_EXTERNAL_TRANSLATION_L1 = 0xc, FSR_EXTERNAL_TRANSLATION_L2 = 0xe;

const SCTLR_S = 1 << 8, SCTLR_R = 1 << 9;
/** Walk.prot: PROT_R | PROT_W, the domain in bits [11:8], PAGE_MAPPING for a second-level mapping (not a section). */
export const PROT_R = 1, PROT_W = 2;
const PAGE_MAPPING = 0x2000;

/** A translation: the physical address of the access and what the mode may do there, or a fault (FSR with the domain). */
export type Walk =
  | {
    fault: false; phys: number; prot: number;
    /** The mapping covers the whole 4 KiB page uniformly. */ wholePage: boolean;
    /** The mapping is larger than a page (a section or a large page). */ large: boolean;
  }
  | { fault: true; fsr: number };

/** Reads a physical word of a page table; undefined if nothing is there (an external abort). */
export type PhysRead = (addr: number) => number | undefined;

/** Access permissions of an AP field for a user or privileged access (ARM ARM B4.4.1, table B4-1). */
function apProt(ap: number, user: boolean, sctlr: number): number {
  switch (ap) {
    case 0: {
      const sr = sctlr & (SCTLR_S | SCTLR_R);
      if (sr === SCTLR_S) return user ? 0 : PROT_R;
      if (sr === SCTLR_R) return PROT_R;
      return 0;
    }
    case 1: return user ? 0 : PROT_R | PROT_W;
    case 2: return user ? PROT_R : PROT_R | PROT_W;
    default: return PROT_R | PROT_W;
  }
}

/** The modified virtual address: the FCSE PID replaces bits [31:25] of addresses below 32 MiB. */
export function fcseMva(env: Int32Array, va: number): number {
  return (va >>> 0) < 0x02000000 ? (va | (env[CP15_PID] & 0xfe000000)) >>> 0 : va >>> 0;
}

/**
 * Translate `va` for a user or privileged access. A permission check is the caller's: this
 * returns what is allowed; a translation or domain fault comes back as a fault.
 */
export function walk(env: Int32Array, read: PhysRead, va: number, user: boolean): Walk {
  const mva = fcseMva(env, va);
  const sctlr = env[CP15_SCTLR];
  const l1Addr = ((env[CP15_TTBR] & 0xffffc000) | ((mva >>> 20) << 2)) >>> 0;
  const l1 = read(l1Addr);
  if (l1 === undefined) return { fault: true, fsr: FSR_EXTERNAL_TRANSLATION_L1 };
  const type = l1 & 3;
  const domain = (l1 >>> 5) & 15;
  const domainType = (env[CP15_DACR] >>> (2 * domain)) & 3;
  if (type === 0) return { fault: true, fsr: FSR_TRANSLATION_SECTION | (domain << 4) };
  if (type === 2) {
    // Section.
    if (domainType === 0 || domainType === 2) return { fault: true, fsr: FSR_DOMAIN_SECTION | (domain << 4) };
    const prot = domainType === 3 ? PROT_R | PROT_W : apProt((l1 >>> 10) & 3, user, sctlr);
    const phys = ((l1 & 0xfff00000) | (mva & 0x000fffff)) >>> 0;
    return { fault: false, phys, prot: prot | (domain << 8), wholePage: true, large: true };
  }
  // Coarse (1) or fine (3) second-level table.
  const l2Addr = type === 1
    ? ((l1 & 0xfffffc00) | (((mva >>> 12) & 0xff) << 2)) >>> 0
    : ((l1 & 0xfffff000) | (((mva >>> 10) & 0x3ff) << 2)) >>> 0;
  const l2 = read(l2Addr);
  if (l2 === undefined) return { fault: true, fsr: FSR_EXTERNAL_TRANSLATION_L2 | (domain << 4) };
  let phys: number, ap: number, wholePage = true;
  switch (l2 & 3) {
    case 0: return { fault: true, fsr: FSR_TRANSLATION_PAGE | (domain << 4) };
    case 1: // large page: 64 KiB, subpages of 16 KiB
      phys = ((l2 & 0xffff0000) | (mva & 0xffff)) >>> 0;
      ap = (l2 >>> (4 + ((mva >>> 13) & 6))) & 3;
      break;
    case 2: // small page: 4 KiB, subpages of 1 KiB
      phys = ((l2 & 0xfffff000) | (mva & 0xfff)) >>> 0;
      ap = (l2 >>> (4 + ((mva >>> 9) & 6))) & 3;
      wholePage = ((l2 >>> 4) & 0xff) === (((l2 >>> 4) & 3) * 0x55);
      break;
    default: // tiny page (1 KiB) in a fine table; in a coarse table unpredictable: a translation fault, as QEMU does
      if (type === 1) return { fault: true, fsr: FSR_TRANSLATION_PAGE | (domain << 4) };
      phys = ((l2 & 0xfffffc00) | (mva & 0x3ff)) >>> 0;
      ap = (l2 >>> 4) & 3;
      wholePage = false;
      break;
  }
  if (domainType === 0 || domainType === 2) return { fault: true, fsr: FSR_DOMAIN_PAGE | (domain << 4) };
  const prot = domainType === 3 ? PROT_R | PROT_W : apProt(ap, user, sctlr);
  return { fault: false, phys, prot: prot | (domain << 8) | PAGE_MAPPING, wholePage, large: (l2 & 3) === 1 };
}

/** The FSR of a permission fault on a walk's result (section or page, with its domain). */
export function permissionFsr(w: Walk & { fault: false }): number {
  const domain = (w.prot >>> 8) & 15;
  return (w.prot & PAGE_MAPPING ? FSR_PERMISSION_PAGE : FSR_PERMISSION_SECTION) | (domain << 4);
}
