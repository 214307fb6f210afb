/**
 * Random-instruction differential test of the i386 guest (test/support/i386-random.ts): random
 * x86 byte streams from every opcode-map entry, with random prefixes, and raw random bytes, run
 * from random states in the JIT and in interpreter mode, which must agree on every state word,
 * the instruction count, the exceptions and memory. `SEED=n` replays a run; `RANDOM_INSNS=n`
 * sets the minimum number of executed instructions (default 100,000).
 */
import test from 'ava';
import { runI386RandomStreams } from './support/i386-random.js';

const MIN_INSNS = Number(process.env.RANDOM_INSNS ?? 100_000);

test('random i386 instruction streams agree between JIT and interpreter', async (t) => {
  const seed = Number(process.env.SEED ?? (Math.random() * 2 ** 32) >>> 0);
  const r = await runI386RandomStreams(seed, MIN_INSNS);
  if (r.failure) {
    t.fail(r.failure);
    return;
  }
  t.log(`seed ${seed}: ${r.cases} random states, ${r.executed} instructions executed in each engine, ${r.exceptions} exceptions taken`);
  t.true(r.executed >= MIN_INSNS);
});
