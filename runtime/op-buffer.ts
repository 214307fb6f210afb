/**
 * The micro-op stream a front-end builds for one translation block: opcodes and their
 * constant parameters, interleaved (dyngen's gen_opc_buf + gen_opparam_buf in one array).
 * The generated gen_op_*() emitters append to it; both back-ends read it.
 */
export class OpBuffer {
  words: Int32Array;
  length = 0;
  /** Number of ops (not words) in the buffer. */
  count = 0;

  constructor(capacity = 4096) {
    this.words = new Int32Array(capacity);
  }

  /** An exact-size copy (a translated block keeps one; the translator reuses its buffer). */
  copy(): OpBuffer {
    const ob = new OpBuffer(0);
    ob.words = this.words.slice(0, this.length);
    ob.length = this.length;
    ob.count = this.count;
    return ob;
  }

  reset(): void {
    this.length = 0;
    this.count = 0;
  }

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.words.length) {
      const bigger = new Int32Array(Math.max(this.words.length * 2, at + n));
      bigger.set(this.words);
      this.words = bigger;
    }
    this.length = at + n;
    this.count++;
    return at;
  }

  emit0(opc: number): void { const i = this.reserve(1); this.words[i] = opc; }
  emit1(opc: number, p1: number): void { const i = this.reserve(2), w = this.words; w[i] = opc; w[i + 1] = p1; }
  emit2(opc: number, p1: number, p2: number): void {
    const i = this.reserve(3), w = this.words; w[i] = opc; w[i + 1] = p1; w[i + 2] = p2;
  }
  emit3(opc: number, p1: number, p2: number, p3: number): void {
    const i = this.reserve(4), w = this.words; w[i] = opc; w[i + 1] = p1; w[i + 2] = p2; w[i + 3] = p3;
  }
}
