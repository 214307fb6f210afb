/** fast-check generators for micro-op states: random values salted with the edge cases. */
import fc from 'fast-check';
import { NUM_PARAMS, NUM_TEMPS } from '../../ops/core.js';
import { DATA_ADDR, DATA_BYTES, STATE_WORDS, TLB_KINDS, type OpCase } from './op-harness.js';

export const EDGES = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0x80000000 | 0, 31, 32, 33, 255, 256, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000, -2];

export const int32 = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...EDGES) },
  { weight: 3, arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 64 }) },
);

/** A value that is an address inside the data window, for loads and stores. */
export const address = fc.integer({ min: 0, max: DATA_BYTES - 8 }).map((o) => DATA_ADDR + o);

export const opCase: fc.Arbitrary<OpCase> = fc.record({
  temps: fc.array(fc.oneof({ weight: 3, arbitrary: int32 }, { weight: 1, arbitrary: address }), { minLength: NUM_TEMPS, maxLength: NUM_TEMPS }),
  params: fc.array(int32, { minLength: NUM_PARAMS, maxLength: NUM_PARAMS }),
  env: fc.array(fc.oneof(int32, fc.constantFrom(0, 1)), { minLength: STATE_WORDS, maxLength: STATE_WORDS }),
  data: fc.uint8Array({ minLength: DATA_BYTES, maxLength: DATA_BYTES }),
  tlb: fc.integer({ min: 0, max: TLB_KINDS - 1 }),
});

/** Seed for the run: SEED=… reproduces a failure; printed with every failure. */
export const SEED = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 0x7fffffff;
