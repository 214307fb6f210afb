/**
 * -seed: the guest's AT_RANDOM bytes from a seed, the same bytes as qemu-user's -seed gives
 * (QEMU draws them from glib's GRand, a Mersenne Twister seeded with the 64-bit seed as an array
 * of two 32-bit words, four bytes per draw). The programs' stack guard and pointer guard come from
 * these bytes, so a log compared with qemu's (test/i386-lockstep.test.ts) needs the same.
 */
const N = 624, M = 397;

export class SeededRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N;

  constructor(seed: bigint) {
    const key = [Number(seed & 0xffffffffn), Number((seed >> 32n) & 0xffffffffn)];
    const mt = this.mt;
    // init_genrand(19650218), then init_by_array(key): MT19937's reference seeding, as glib's.
    mt[0] = 19650218;
    for (let i = 1; i < N; i++) mt[i] = Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1664525)) + key[j] + j) >>> 0;
      i++; j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k; k--) {
      mt[i] = ((mt[i] ^ Math.imul(mt[i - 1] ^ (mt[i - 1] >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = 0x80000000;
  }

  /** The next 32-bit draw (genrand_int32, g_rand_int). */
  next(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `len` bytes, a draw per four (little-endian), as QEMU's qemu_guest_getrandom fills a buffer. */
  bytes(len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i += 4) {
      const x = this.next();
      for (let b = 0; b < 4 && i + b < len; b++) out[i + b] = x >>> (8 * b);
    }
    return out;
  }
}
