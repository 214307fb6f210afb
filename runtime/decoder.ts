/**
 * A declarative instruction decoder in the manner of QEMU's decodetree: each instruction
 * form is a bit pattern with named fields and one entry holding both its translator and its
 * disassembler, so the two cannot disagree about what an encoding means.
 *
 * Pattern syntax, most significant bit first, spaces ignored: `0`/`1` fixed bits, `-` any
 * bit, a letter a field bit. A field's bits are concatenated in the order they appear, so
 * `iiii----iiii` is one 8-bit field split in two.
 *
 * Fixed-width ISAs decode whole instructions (ARM 32, Thumb 16). A byte-stream ISA (x86)
 * decodes its parts with the same tables: an opcode byte (width 8, `mm rrr bbb` for ModRM),
 * or an opcode byte and its ModRM together (width 16), the target reading the bytes itself
 * through the translator's CodeReader and calling decode() per part.
 */

export type Fields = Record<string, number>;

export interface Pattern<Ctx> {
  /** Name in the disassembly tables and test reports (e.g. `dp_imm`). */
  name: string;
  pattern: string;
  /** Extra condition on the fields, for encodings that differ by value (e.g. rd != 15). */
  when?: (f: Fields) => boolean;
  /** Emit the micro-ops; returns false if the encoding is undefined after all. */
  trans: (ctx: Ctx, f: Fields, insn: number) => boolean | void;
  /** Disassembly text, e.g. `add r0, r1, #4`. */
  disas: (f: Fields, pc: number, insn: number) => string;
}

interface Compiled<Ctx> {
  p: Pattern<Ctx>;
  mask: number;
  value: number;
  /** Per field: name and its runs of bits as [shift, width] pairs, high runs first. */
  fields: { name: string; runs: number[] }[];
  /** Builds the pattern's fields object: generated code with one object shape per pattern. */
  extract: (insn: number) => Fields;
}

export interface Decoded<Ctx> { pattern: Pattern<Ctx>; fields: Fields }

/**
 * A decoder over patterns tried in order; a table indexed by `indexBits` of the instruction
 * narrows each lookup to the patterns that can match those bits.
 */
export class Decoder<Ctx> {
  private compiled?: Compiled<Ctx>[];
  private buckets?: Compiled<Ctx>[][];
  private readonly indexRuns: number[];

  /**
   * The tables are built at the first decode (a few ms for ARM's): a program that never runs
   * Thumb code, say, never pays for the Thumb decoder's. A bad pattern is found then too.
   */
  constructor(readonly width: 8 | 16 | 24 | 32, private readonly source: Pattern<Ctx>[], private readonly indexBits: [number, number][]) {
    this.indexRuns = indexBits.flat();
  }

  private build(): Compiled<Ctx>[][] {
    const { width, indexBits } = this;
    const compiled = this.compiled = this.source.map((p) => compile(width, p));
    const nbits = indexBits.reduce((a, [, w]) => a + w, 0);
    const buckets: Compiled<Ctx>[][] = [];
    for (let key = 0; key < 1 << nbits; key++) {
      // The instruction bits this key fixes, as a mask/value pair.
      let m = 0, v = 0;
      let shiftInKey = nbits;
      for (const [lo, w] of indexBits) {
        shiftInKey -= w;
        const bits = (key >>> shiftInKey) & ((1 << w) - 1);
        m |= ((1 << w) - 1) << lo;
        v |= bits << lo;
      }
      buckets.push(compiled.filter((c) => ((c.value ^ v) & c.mask & m) === 0));
    }
    return this.buckets = buckets;
  }

  private key(insn: number): number {
    let key = 0;
    const r = this.indexRuns;
    for (let i = 0; i < r.length; i += 2) key = (key << r[i + 1]) | ((insn >>> r[i]) & ((1 << r[i + 1]) - 1));
    return key;
  }

  decode(insn: number): Decoded<Ctx> | undefined {
    for (const c of (this.buckets ?? this.build())[this.key(insn)]) {
      if (((insn ^ c.value) & c.mask) !== 0) continue;
      const f = c.extract(insn);
      if (c.p.when && !c.p.when(f)) continue;
      return { pattern: c.p, fields: f };
    }
    return undefined;
  }

  get patterns(): readonly Pattern<Ctx>[] { return this.source; }
}

function compile<Ctx>(width: number, p: Pattern<Ctx>): Compiled<Ctx> {
  const bits = p.pattern.replace(/\s+/g, '');
  if (bits.length !== width) throw new Error(`pattern ${p.name}: ${bits.length} bits, expected ${width}`);
  let mask = 0, value = 0;
  const fieldRuns = new Map<string, number[]>();
  for (let i = 0; i < width; i++) {
    const ch = bits[i], bit = width - 1 - i;
    if (ch === '0' || ch === '1') { mask |= 1 << bit; if (ch === '1') value |= 1 << bit; continue; }
    if (ch === '-') continue;
    if (!/[a-zA-Z]/.test(ch)) throw new Error(`pattern ${p.name}: bad character '${ch}'`);
    const runs = fieldRuns.get(ch) ?? [];
    // Extend the current run if this bit continues it, else start a new one.
    if (runs.length && runs[runs.length - 2] === bit + 1) { runs[runs.length - 2] = bit; runs[runs.length - 1]++; }
    else runs.push(bit, 1);
    fieldRuns.set(ch, runs);
  }
  const fields = [...fieldRuns].map(([name, runs]) => ({ name, runs }));
  return { p, mask, value, fields, extract: extractor(fields) };
}

/**
 * A field extractor for one pattern, generated as code (as decodetree generates C): an object
 * literal of fixed shape, so the translators' field reads stay monomorphic and fast.
 */
function extractor(fields: { name: string; runs: number[] }[]): (insn: number) => Fields {
  const props = fields.map(({ name, runs }) => {
    const parts: string[] = [];
    let shift = 0;
    for (let i = runs.length - 2; i >= 0; i -= 2) {
      const [lo, width] = [runs[i], runs[i + 1]];
      const bits = `((insn >>> ${lo}) & ${(2 ** width - 1) >>> 0})`;
      parts.push(shift ? `(${bits} << ${shift})` : bits);
      shift += width;
    }
    return `${JSON.stringify(name)}: (${parts.join(' | ')}) >>> 0`;
  });
  return new Function('insn', `return { ${props.join(', ')} };`) as (insn: number) => Fields;
}
