/**
 * Saved machines (QEMU's migration stream, in dynwasm's own format): a container of named
 * sections with a version and a checksum, and the field lists devices declare to be saved
 * (QEMU's VMStateDescription). It names no guest CPU and no board, and uses nothing Node-only:
 * a board decides which sections it writes (docs/migration.md describes the format).
 *
 * Layout, little-endian:
 *   magic "DYNWASM-VMSTATE\n" (16 bytes), u32 format version, u32 section count,
 *   then per section: u16 name length, the name (ASCII), u32 data length, the data;
 *   then u32 CRC-32 (ISO-HDLC, as zlib's) of every byte before it.
 * A reader checks the magic, the version, every length and the checksum before a board sees a
 * section, so a truncated or corrupt file is refused as a whole.
 */

export const VMSTATE_MAGIC = 'DYNWASM-VMSTATE\n';
export const VMSTATE_VERSION = 1;

/** A saved machine that cannot be restored: one line for the user. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** What a device's state is made of: plain JSON values. */
export type StateValue = null | boolean | number | string | StateValue[] | { [k: string]: StateValue };
export type StateObject = { [k: string]: StateValue };

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as zlib computes it (crc32(0, data)), continued from `crc`. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export interface Section { name: string; data: Uint8Array }

/** Write the sections into one stream. */
export function encodeVmState(sections: Section[]): Uint8Array {
  const names = sections.map((s) => new TextEncoder().encode(s.name));
  let size = 16 + 8 + 4;
  sections.forEach((s, i) => { size += 2 + names[i].length + 4 + s.data.length; });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(VMSTATE_MAGIC), 0);
  view.setUint32(16, VMSTATE_VERSION, true);
  view.setUint32(20, sections.length, true);
  let at = 24;
  sections.forEach((s, i) => {
    view.setUint16(at, names[i].length, true);
    out.set(names[i], at + 2);
    at += 2 + names[i].length;
    view.setUint32(at, s.data.length, true);
    out.set(s.data, at + 4);
    at += 4 + s.data.length;
  });
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/** Read a stream back into its sections, refusing anything but an intact one of this version. */
export function decodeVmState(bytes: Uint8Array): Map<string, Uint8Array> {
  const magic = new TextEncoder().encode(VMSTATE_MAGIC);
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) {
    throw new MigrationError(bytes.length === 0 ? 'empty migration stream' : 'not a dynwasm migration stream');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const truncated = (): never => { throw new MigrationError('truncated migration stream'); };
  if (bytes.length < 24) truncated();
  const version = view.getUint32(16, true);
  if (version !== VMSTATE_VERSION) {
    throw new MigrationError(`unsupported migration stream version ${version} (this dynwasm reads version ${VMSTATE_VERSION})`);
  }
  const count = view.getUint32(20, true);
  const sections = new Map<string, Uint8Array>();
  let at = 24;
  for (let i = 0; i < count; i++) {
    if (at + 2 > bytes.length) truncated();
    const nameLen = view.getUint16(at, true);
    if (at + 2 + nameLen + 4 > bytes.length) truncated();
    const name = new TextDecoder().decode(bytes.subarray(at + 2, at + 2 + nameLen));
    at += 2 + nameLen;
    const len = view.getUint32(at, true);
    if (at + 4 + len > bytes.length) truncated();
    if (sections.has(name)) throw new MigrationError(`corrupt migration stream (section '${name}' twice)`);
    sections.set(name, bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (at + 4 > bytes.length) truncated();
  if (view.getUint32(at, true) !== crc32(bytes.subarray(0, at))) throw new MigrationError('corrupt migration stream (checksum mismatch)');
  if (at + 4 !== bytes.length) throw new MigrationError('corrupt migration stream (data after its end)');
  return sections;
}

/** A section that must be there. */
export function section(sections: Map<string, Uint8Array>, name: string): Uint8Array {
  const s = sections.get(name);
  if (!s) throw new MigrationError(`migration stream has no '${name}' section`);
  return s;
}

export function jsonSection(name: string, value: StateValue): Section {
  return { name, data: new TextEncoder().encode(JSON.stringify(value)) };
}

export function readJsonSection(sections: Map<string, Uint8Array>, name: string): StateObject {
  let v: unknown;
  try { v = JSON.parse(new TextDecoder().decode(section(sections, name))); } catch {
    throw new MigrationError(`corrupt migration stream (section '${name}' is not JSON)`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new MigrationError(`corrupt migration stream (section '${name}' is not an object)`);
  return v as StateObject;
}

// --- device state as field lists ------------------------------------------------------------

/**
 * The fields of an object a saved machine holds, by name (QEMU's VMSTATE_* lists): numbers,
 * booleans, typed arrays and arrays of numbers or booleans. A name ending in `?` is a number
 * that may be undefined.
 */
export type VmFields = readonly string[];

/** A device with state to save: what it holds beyond its registers' wiring. */
export interface Migratable {
  saveState(): StateObject;
  /** Restore; `path` names the device in error messages. Throws MigrationError. */
  loadState(state: StateValue, path: string): void;
}

type Bag = Record<string, unknown>;
const isTyped = (v: unknown): v is Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array =>
  ArrayBuffer.isView(v) && !(v instanceof DataView);

/** Save the listed fields of `obj`. */
export function saveFields(obj: object, fields: VmFields): StateObject {
  const bag = obj as Bag, out: StateObject = {};
  for (const f of fields) {
    const name = f.endsWith('?') ? f.slice(0, -1) : f;
    if (!(name in bag)) throw new Error(`vmstate: no field '${name}' in ${obj.constructor.name}`);
    const v = bag[name];
    if (typeof v === 'number' || typeof v === 'boolean') out[name] = v;
    else if (v === undefined && f.endsWith('?')) out[name] = null;
    else if (isTyped(v)) out[name] = Array.from(v as ArrayLike<number>);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'boolean')) out[name] = [...v] as StateValue[];
    else throw new Error(`vmstate: field '${name}' of ${obj.constructor.name} has a type that cannot be saved`);
  }
  return out;
}

/** The object a state must be, or a MigrationError naming `path`. */
export function stateObject(state: StateValue | undefined, path: string): StateObject {
  if (state === null || state === undefined || typeof state !== 'object' || Array.isArray(state)) throw new MigrationError(`${path}: state missing or not an object`);
  return state;
}

/**
 * Restore the listed fields of `obj` from `state`, each checked against the type the field has
 * now (a typed array's length too); nothing is written unless every field is valid.
 */
export function loadFields(obj: object, fields: VmFields, state: StateValue | undefined, path: string): void {
  const bag = obj as Bag, s = stateObject(state, path);
  const writes: (() => void)[] = [];
  for (const f of fields) {
    const optional = f.endsWith('?'), name = optional ? f.slice(0, -1) : f;
    const cur = bag[name], v = s[name], where = `${path}.${name}`;
    const bad = (what: string): never => { throw new MigrationError(`${where}: ${v === undefined ? 'missing' : `not ${what}`}`); };
    const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
    if (optional) {
      if (v !== null && !isNum(v)) bad('a number or null');
      writes.push(() => { bag[name] = v === null ? undefined : v; });
    } else if (typeof cur === 'number') {
      if (!isNum(v)) bad('a number');
      writes.push(() => { bag[name] = v; });
    } else if (typeof cur === 'boolean') {
      if (typeof v !== 'boolean') bad('a boolean');
      writes.push(() => { bag[name] = v; });
    } else if (isTyped(cur)) {
      if (!Array.isArray(v) || v.length !== cur.length || !v.every(isNum)) bad(`an array of ${cur.length} numbers`);
      writes.push(() => { cur.set(v as number[]); });
    } else if (Array.isArray(cur)) {
      const kind = cur.length ? typeof cur[0] : 'number';
      if (!Array.isArray(v) || !v.every((x) => (kind === 'boolean' ? typeof x === 'boolean' : isNum(x)))) bad(`an array of ${kind}s`);
      writes.push(() => { cur.splice(0, cur.length, ...(v as unknown[])); });
    } else {
      throw new Error(`vmstate: field '${name}' of ${obj.constructor.name} has a type that cannot be restored`);
    }
  }
  for (const w of writes) w();
}
