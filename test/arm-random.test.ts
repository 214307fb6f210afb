/**
 * Random-instruction differential test: the generator of test/support/arm-random.ts (shared with
 * the fuzzer, `npm run fuzz -- --target random`) runs random ARM and Thumb instruction streams
 * from random register, flag, mode and memory states — a third with the MMU on over random page
 * tables — in the JIT and in interpreter mode, which must agree on every state word, all of RAM,
 * the device, the instruction count and the exceptions taken. `SEED=n` replays a run;
 * `RANDOM_INSNS=n` sets the minimum number of executed instructions per state (default 100,000).
 */
import test from 'ava';
import { runRandomStreams } from './support/arm-random.js';

const MIN_INSNS = Number(process.env.RANDOM_INSNS ?? 100_000);

for (const thumb of [false, true]) {
  test(`random ${thumb ? 'Thumb' : 'ARM'} instruction streams agree between JIT and interpreter`, async (t) => {
    const seed = Number(process.env.SEED ?? (Math.random() * 2 ** 32) >>> 0);
    const r = await runRandomStreams({ thumb, seed, minInsns: MIN_INSNS });
    if (r.failure) {
      t.fail(r.failure);
      return;
    }
    t.log(`seed ${seed}: ${r.cases} random states, ${r.executed} instructions executed in each engine, ${r.exceptions} exceptions taken`);
    t.true(r.executed >= MIN_INSNS);
  });
}
