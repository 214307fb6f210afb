/**
 * Flattened device trees (FDT, the `.dtb` format of the devicetree specification, version 17):
 * read a blob into a tree of nodes and properties, change it, write it back. Nothing here is
 * specific to a board or a CPU.
 *
 * Two ways to change one:
 * - `parseFdt` / `writeFdt`: a tree of FdtNode to read and change freely, written back laid out
 *   as dtc does — header, memory reservation map, structure block, strings block. A property
 *   keeps its name's offset in the strings block, a new name reuses any place that already ends
 *   with it (as dtc and libfdt look names up) or is appended, a new property or node goes first
 *   in its node, and a node marked `nop` is written as FDT_NOP tags. A blob dtc made reads and
 *   writes back byte for byte.
 * - `FdtEditor`: libfdt's in-place edits on the bytes, for a result byte for byte what libfdt
 *   (QEMU, U-Boot) makes, stale padding included.
 */

export const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const HEADER_SIZE = 40;

/** A malformed blob or a change that cannot be made; the message says what and where. */
export class FdtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FdtError';
  }
}

export interface FdtProperty {
  name: string;
  value: Uint8Array;
  /** Where the name was in the strings block read (kept when writing); undefined for a new one. */
  nameOffset?: number;
}

/**
 * The strings block: the names as read, then new ones appended in the order they are first
 * used — a name reuses any place that already ends with it (as dtc and libfdt look names up).
 */
export class FdtStrings {
  constructor(public bytes: Uint8Array = new Uint8Array(0)) {}

  /** The offset of `name` in the block, appending it if it is not there. */
  offset(name: string): number {
    const s = new TextEncoder().encode(name + '\0');
    const b = this.bytes;
    outer: for (let i = 0; i + s.length <= b.length; i++) {
      for (let j = 0; j < s.length; j++) if (b[i + j] !== s[j]) continue outer;
      return i;
    }
    const grown = new Uint8Array(b.length + s.length);
    grown.set(b);
    grown.set(s, b.length);
    this.bytes = grown;
    return b.length;
  }

  /** The name at `offset`, if one starts there. */
  at(offset: number): string | undefined {
    if (offset >= this.bytes.length) return undefined;
    const end = this.bytes.indexOf(0, offset);
    return end < 0 ? undefined : new TextDecoder('latin1').decode(this.bytes.subarray(offset, end));
  }
}

export class FdtNode {
  props: FdtProperty[] = [];
  children: FdtNode[] = [];
  /**
   * Written as FDT_NOP tokens of the node's size instead of the node (libfdt's fdt_nop_node):
   * gone for a reader, its bytes still in place.
   */
  nop = false;
  constructor(public name: string, readonly strings: FdtStrings = new FdtStrings()) {}

  prop(name: string): FdtProperty | undefined {
    return this.props.find((p) => p.name === name);
  }

  /** A child by name; "memory" also finds "memory@0" (libfdt's rule for a name without a unit address). */
  child(name: string): FdtNode | undefined {
    return this.children.find((c) => !c.nop && c.name === name) ??
      (name.includes('@') ? undefined : this.children.find((c) => !c.nop && c.name.split('@')[0] === name));
  }

  /** Set a property: an existing one keeps its place, a new one goes first (as libfdt). */
  setProp(name: string, value: Uint8Array): void {
    const p = this.prop(name);
    if (p) p.value = value;
    else this.props.unshift({ name, value, nameOffset: this.strings.offset(name) });
  }

  setString(name: string, value: string): void {
    this.setProp(name, new TextEncoder().encode(value + '\0'));
  }

  /** Big-endian 32-bit cells. */
  setCells(name: string, cells: number[]): void {
    const v = new Uint8Array(cells.length * 4);
    const dv = new DataView(v.buffer);
    cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
    this.setProp(name, v);
  }

  /** The property as big-endian 32-bit cells (undefined if absent or not a whole number of cells). */
  cells(name: string): number[] | undefined {
    const p = this.prop(name);
    if (!p || p.value.length % 4) return undefined;
    const dv = new DataView(p.value.buffer, p.value.byteOffset, p.value.length);
    return Array.from({ length: p.value.length / 4 }, (_, i) => dv.getUint32(i * 4));
  }

  /** The property as a NUL-terminated string (undefined if absent). */
  string(name: string): string | undefined {
    const p = this.prop(name);
    if (!p) return undefined;
    const end = p.value.indexOf(0);
    return new TextDecoder('latin1').decode(p.value.subarray(0, end < 0 ? p.value.length : end));
  }

  /** Add an empty child first among the children (as libfdt's fdt_add_subnode). */
  addChild(name: string): FdtNode {
    const n = new FdtNode(name, this.strings);
    this.children.unshift(n);
    return n;
  }
}

export interface Fdt {
  root: FdtNode;
  /** The memory reservation map: [address, size] pairs (64-bit, as bigint). */
  reservations: [bigint, bigint][];
  bootCpuidPhys: number;
  /** The strings block, shared by the nodes. */
  strings: FdtStrings;
  /** The offset of the memory reservation map in the blob read (kept when writing). */
  rsvmapOffset: number;
}

/** Find a node by absolute path ("/", "/chosen", "/amba/uart@101f1000"). */
export function fdtNode(fdt: Fdt, path: string): FdtNode | undefined {
  let n: FdtNode | undefined = fdt.root;
  for (const part of path.split('/').filter(Boolean)) {
    n = n.child(part);
    if (!n) return undefined;
  }
  return n;
}

export function isFdt(data: Uint8Array): boolean {
  return data.length >= 4 && new DataView(data.buffer, data.byteOffset, 4).getUint32(0) === FDT_MAGIC;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Parse a blob; throws FdtError saying what is wrong with a malformed one. */
export function parseFdt(data: Uint8Array): Fdt {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const word = (o: number): number => dv.getUint32(o);
  const magic = data.length >= 4 ? word(0) : 0;
  if (magic !== FDT_MAGIC) throw new FdtError(`not a device tree blob (magic 0x${magic.toString(16)}, expected 0xd00dfeed)`);
  if (data.length < HEADER_SIZE) throw new FdtError(`truncated device tree blob (${data.length} bytes, shorter than the header)`);
  const totalsize = word(4), offStruct = word(8), offStrings = word(12), offRsvmap = word(16);
  const version = word(20), lastComp = word(24), bootCpuidPhys = word(28), sizeStrings = word(32), sizeStruct = word(36);
  if (totalsize > data.length) throw new FdtError(`truncated device tree blob (header says ${totalsize} bytes, file has ${data.length})`);
  if (lastComp > 17 || version < 16) throw new FdtError(`unsupported device tree version ${version} (compatible with ${lastComp}); 16 and 17 are read`);
  const inBlob = (what: string, off: number, size: number): void => {
    if (off < HEADER_SIZE || off + size > totalsize) throw new FdtError(`${what} at 0x${off.toString(16)}+0x${size.toString(16)} lies outside the blob of ${totalsize} bytes`);
  };
  inBlob('structure block', offStruct, version >= 17 ? sizeStruct : 0);
  inBlob('strings block', offStrings, sizeStrings);
  if (offRsvmap % 8) throw new FdtError(`memory reservation map at 0x${offRsvmap.toString(16)} is not 8-byte aligned`);
  const reservations: [bigint, bigint][] = [];
  for (let o = offRsvmap; ; o += 16) {
    inBlob('memory reservation map', o, 16);
    const addr = dv.getBigUint64(o), size = dv.getBigUint64(o + 8);
    if (addr === 0n && size === 0n) break;
    reservations.push([addr, size]);
  }
  const strings = new FdtStrings(data.slice(offStrings, offStrings + sizeStrings));
  const structEnd = version >= 17 ? offStruct + sizeStruct : totalsize;
  const latin1 = new TextDecoder('latin1');
  const str = (o: number, limit: number, what: string): string => {
    const end = data.indexOf(0, o);
    if (end < 0 || end >= limit) throw new FdtError(`${what} at 0x${o.toString(16)} is not NUL-terminated`);
    return latin1.decode(data.subarray(o, end));
  };

  let off = offStruct;
  const token = (): number => {
    if (off + 4 > structEnd) throw new FdtError(`structure block ends without FDT_END (at 0x${off.toString(16)})`);
    const t = word(off);
    off += 4;
    return t;
  };
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  for (;;) {
    const at = off;
    const t = token();
    if (t === FDT_BEGIN_NODE) {
      const name = str(off, structEnd, 'node name');
      off = align4(off + name.length + 1);
      const n = new FdtNode(name, strings);
      if (stack.length) stack[stack.length - 1].children.push(n);
      else if (root) throw new FdtError(`second root node at 0x${at.toString(16)}`);
      else root = n;
      stack.push(n);
    } else if (t === FDT_END_NODE) {
      if (!stack.length) throw new FdtError(`FDT_END_NODE without a node at 0x${at.toString(16)}`);
      stack.pop();
    } else if (t === FDT_PROP) {
      if (!stack.length) throw new FdtError(`property outside any node at 0x${at.toString(16)}`);
      const len = token(), nameoff = token();
      if (off + len > structEnd) throw new FdtError(`property at 0x${at.toString(16)} runs past the structure block`);
      if (nameoff >= sizeStrings) throw new FdtError(`property at 0x${at.toString(16)} names string 0x${nameoff.toString(16)}, outside the strings block`);
      const name = str(offStrings + nameoff, offStrings + sizeStrings, 'property name');
      stack[stack.length - 1].props.push({ name, value: data.slice(off, off + len), nameOffset: nameoff });
      off = align4(off + len);
    } else if (t === FDT_NOP) {
      continue;
    } else if (t === FDT_END) {
      if (stack.length) throw new FdtError(`FDT_END inside node '${stack[stack.length - 1].name}'`);
      break;
    } else {
      throw new FdtError(`unknown structure token 0x${t.toString(16)} at 0x${at.toString(16)}`);
    }
  }
  if (!root) throw new FdtError('structure block has no root node');
  return { root, reservations, bootCpuidPhys, strings, rsvmapOffset: offRsvmap };
}

export interface FdtWriteOptions {
  /** The blob's total size (free space after the strings block, zero-filled); at least what it needs. */
  totalSize?: number;
}

/** Write the tree as a version 17 blob (see the file's comment for the layout). */
export function writeFdt(fdt: Fdt, opts: FdtWriteOptions = {}): Uint8Array {
  const strings = fdt.strings;
  const enc = new TextEncoder();
  const nameOffset = (p: FdtProperty): number =>
    p.nameOffset !== undefined && strings.at(p.nameOffset) === p.name ? p.nameOffset : (p.nameOffset = strings.offset(p.name));

  const words: number[] = [];
  const bytes = (b: Uint8Array): void => {
    const padded = new Uint8Array(align4(b.length));
    padded.set(b);
    const dv = new DataView(padded.buffer);
    for (let i = 0; i < padded.length; i += 4) words.push(dv.getUint32(i));
  };
  const walk = (n: FdtNode): void => {
    const start = words.length;
    words.push(FDT_BEGIN_NODE);
    bytes(enc.encode(n.name + '\0'));
    for (const p of n.props) {
      words.push(FDT_PROP, p.value.length, nameOffset(p));
      bytes(p.value);
    }
    for (const c of n.children) walk(c);
    words.push(FDT_END_NODE);
    if (n.nop) words.fill(FDT_NOP, start);
  };
  walk(fdt.root);
  words.push(FDT_END);

  const offRsvmap = Math.max(HEADER_SIZE, fdt.rsvmapOffset + 7 & ~7);
  const offStruct = offRsvmap + (fdt.reservations.length + 1) * 16;
  const sizeStruct = words.length * 4;
  const offStrings = offStruct + sizeStruct;
  const needed = offStrings + strings.bytes.length;
  const total = Math.max(needed, opts.totalSize ?? 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  [FDT_MAGIC, total, offStruct, offStrings, offRsvmap, 17, 16, fdt.bootCpuidPhys, strings.bytes.length, sizeStruct]
    .forEach((v, i) => dv.setUint32(i * 4, v >>> 0));
  fdt.reservations.forEach(([a, s], i) => { dv.setBigUint64(offRsvmap + i * 16, a); dv.setBigUint64(offRsvmap + i * 16 + 8, s); });
  words.forEach((w, i) => dv.setUint32(offStruct + i * 4, w >>> 0));
  out.set(strings.bytes, offStrings);
  return out;
}

/**
 * Edits a blob in place the way libfdt's read-write functions do (QEMU changes a -dtb with them),
 * so that the result is byte for byte what they make: the blob is opened into a buffer of
 * `totalSize` bytes (layout kept, free space zero at the end); inserting shifts everything after
 * the point up (memmove), and a hole keeps the bytes that were there — the padding after a new
 * property's value holds such stale bytes, as libfdt leaves it. A new property goes first in
 * its node, a new node first after its parent's properties (and NOPs); a new name is appended to
 * the strings block unless some place there already ends with it. Offsets are byte offsets
 * into the blob (a node's is its FDT_BEGIN_NODE tag).
 */
export class FdtEditor {
  readonly buf: Uint8Array;
  private readonly dv: DataView;

  constructor(blob: Uint8Array, totalSize = blob.length) {
    parseFdt(blob); // a malformed blob fails here, with its reason
    let src = blob;
    const h = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const rsv = h.getUint32(16), st = h.getUint32(8), sizeSt = h.getUint32(36), strs = h.getUint32(12);
    // libfdt reorders blocks that are not rsvmap < struct < strings; our writer's layout is that order.
    if (h.getUint32(20) < 17 || !(rsv >= HEADER_SIZE && rsv <= st && st + sizeSt <= strs)) src = writeFdt(parseFdt(blob));
    const size = Math.max(totalSize, src.length);
    this.buf = new Uint8Array(size);
    this.buf.set(src); // bytes after the header's totalsize too: libfdt opens the blob in place
    this.dv = new DataView(this.buf.buffer);
    this.dv.setUint32(4, size);
    this.dv.setUint32(20, 17);
  }

  private get offStruct(): number { return this.dv.getUint32(8); }
  private get offStrings(): number { return this.dv.getUint32(12); }
  private get sizeStrings(): number { return this.dv.getUint32(32); }
  private get sizeStruct(): number { return this.dv.getUint32(36); }

  /** The tag at `off` and the offset after it (libfdt's fdt_next_tag). */
  private nextTag(off: number): { tag: number; next: number } {
    const tag = this.dv.getUint32(off);
    let next = off + 4;
    if (tag === FDT_BEGIN_NODE) next = align4(this.buf.indexOf(0, next) + 1);
    else if (tag === FDT_PROP) next = align4(next + 8 + this.dv.getUint32(next));
    return { tag, next };
  }

  private nodeName(off: number): string {
    return new TextDecoder('latin1').decode(this.buf.subarray(off + 4, this.buf.indexOf(0, off + 4)));
  }

  /** The offset just past a node's END_NODE. */
  private nodeEnd(off: number): number {
    let depth = 0;
    for (;;) {
      const { tag, next } = this.nextTag(off);
      if (tag === FDT_BEGIN_NODE) depth++;
      else if (tag === FDT_END_NODE && --depth === 0) return next;
      else if (tag === FDT_END) throw new FdtError('structure block ends inside a node');
      off = next;
    }
  }

  /** The node's subnodes (not NOPs), in order. */
  children(node: number): number[] {
    const out: number[] = [];
    let off = this.nextTag(node).next;
    for (;;) {
      const { tag, next } = this.nextTag(off);
      if (tag === FDT_BEGIN_NODE) { out.push(off); off = this.nodeEnd(off); continue; }
      if (tag === FDT_END_NODE || tag === FDT_END) return out;
      off = next;
    }
  }

  /** The root node's offset. */
  root(): number {
    let off = this.offStruct;
    while (this.dv.getUint32(off) === FDT_NOP) off += 4;
    return off;
  }

  /** A node by path; a component without a unit address also matches one with ("memory" finds "memory@0"). */
  path(path: string): number | undefined {
    let node = this.root();
    for (const part of path.split('/').filter(Boolean)) {
      const found: number | undefined = this.children(node).find((c) => {
        const name = this.nodeName(c);
        return name === part || (!part.includes('@') && name.split('@')[0] === part);
      });
      if (found === undefined) return undefined;
      node = found;
    }
    return node;
  }

  name(node: number): string { return this.nodeName(node); }

  /** The node's properties: name, value offset and length. */
  props(node: number): { off: number; name: string; data: number; len: number }[] {
    const out = [];
    let off = this.nextTag(node).next;
    for (;;) {
      const { tag, next } = this.nextTag(off);
      if (tag === FDT_PROP) {
        const nameoff = this.dv.getUint32(off + 8);
        const s = this.offStrings + nameoff;
        out.push({ off, name: new TextDecoder('latin1').decode(this.buf.subarray(s, this.buf.indexOf(0, s))), data: off + 12, len: this.dv.getUint32(off + 4) });
      } else if (tag !== FDT_NOP) {
        return out;
      }
      off = next;
    }
  }

  getProp(node: number, name: string): Uint8Array | undefined {
    const p = this.props(node).find((q) => q.name === name);
    return p && this.buf.subarray(p.data, p.data + p.len);
  }

  /** Make room: move everything from p + oldLen up to the end of the strings block to p + newLen. */
  private splice(p: number, oldLen: number, newLen: number): void {
    const end = this.offStrings + this.sizeStrings;
    if (end - oldLen + newLen > this.buf.length) throw new FdtError(`no space left in the ${this.buf.length}-byte blob`);
    this.buf.copyWithin(p + newLen, p + oldLen, end);
  }

  private spliceStruct(p: number, oldLen: number, newLen: number): void {
    this.splice(p, oldLen, newLen);
    const delta = newLen - oldLen;
    this.dv.setUint32(36, this.sizeStruct + delta);
    this.dv.setUint32(12, this.offStrings + delta);
  }

  private findAddString(name: string): number {
    const s = new TextEncoder().encode(name + '\0');
    const tab = this.offStrings, size = this.sizeStrings;
    outer: for (let i = 0; i + s.length <= size; i++) {
      for (let j = 0; j < s.length; j++) if (this.buf[tab + i + j] !== s[j]) continue outer;
      return i;
    }
    this.splice(tab + size, 0, s.length);
    this.dv.setUint32(32, size + s.length);
    this.buf.set(s, tab + size);
    return size;
  }

  /** Replace a node and everything in it by FDT_NOP tags (libfdt's fdt_nop_node). */
  nopNode(node: number): void {
    const end = this.nodeEnd(node);
    for (let o = node; o < end; o += 4) this.dv.setUint32(o, FDT_NOP);
  }

  /** Add an empty subnode after the parent's properties; returns its offset. */
  addSubnode(parent: number, name: string): number {
    let off = this.nextTag(parent).next;
    for (;;) {
      const { tag, next } = this.nextTag(off);
      if (tag !== FDT_PROP && tag !== FDT_NOP) break;
      off = next;
    }
    const nameLen = align4(name.length + 1);
    const len = 4 + nameLen + 4;
    this.spliceStruct(off, 0, len);
    this.dv.setUint32(off, FDT_BEGIN_NODE);
    this.buf.fill(0, off + 4, off + 4 + nameLen);
    this.buf.set(new TextEncoder().encode(name), off + 4);
    this.dv.setUint32(off + 4 + nameLen, FDT_END_NODE);
    return off;
  }

  /** Set a property (libfdt's fdt_setprop): resized in place, or added first in the node. */
  setProp(node: number, name: string, value: Uint8Array): void {
    const old = this.props(node).find((p) => p.name === name);
    let data: number;
    if (old) {
      this.spliceStruct(old.data, align4(old.len), align4(value.length));
      this.dv.setUint32(old.off + 4, value.length);
      data = old.data;
    } else {
      const nameoff = this.findAddString(name);
      const at = this.nextTag(node).next;
      this.spliceStruct(at, 0, 12 + align4(value.length));
      this.dv.setUint32(at, FDT_PROP);
      this.dv.setUint32(at + 4, value.length);
      this.dv.setUint32(at + 8, nameoff);
      data = at + 12;
    }
    this.buf.set(value, data);
  }

  setString(node: number, name: string, value: string): void {
    this.setProp(node, name, new TextEncoder().encode(value + '\0'));
  }

  setCells(node: number, name: string, cells: number[]): void {
    const v = new Uint8Array(cells.length * 4);
    const dv = new DataView(v.buffer);
    cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
    this.setProp(node, name, v);
  }

  /** Every node (not NOPs), in structure order, from the root. */
  allNodes(): number[] {
    const out: number[] = [];
    const walk = (n: number): void => { out.push(n); for (const c of this.children(n)) walk(c); };
    walk(this.root());
    return out;
  }
}
