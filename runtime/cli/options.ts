/** Command-line pieces both emulators share (qemu's common options). */

export class UsageError extends Error {}

export interface AccelOptions {
  engine: 'jit' | 'interp';
  /** JIT: chain blocks inside WebAssembly (chain=on|off). */
  chain: boolean;
  /** JIT: interpreted runs before a block is compiled (hot=N). */
  hotThreshold?: number;
  /** User mode: the persistent translation cache (cache=on|off; default on). */
  cache?: boolean;
}

/** `-accel jit|tcg|interp[,chain=on|off][,hot=N]`, and in user mode `[,cache=on|off]`. */
export function parseAccel(spec: string, userMode = false): AccelOptions {
  const [v, ...props] = spec.split(',');
  let engine: 'jit' | 'interp';
  if (v === 'jit' || v === 'tcg') engine = 'jit';
  else if (v === 'interp') engine = 'interp';
  else throw new UsageError(`-accel ${v}: unknown accelerator (use jit or interp)`);
  const o: AccelOptions = { engine, chain: true };
  for (const p of props) {
    const hot = /^hot=(\d+)$/.exec(p);
    if (p === 'chain=on' || p === 'chain=off') o.chain = p === 'chain=on';
    else if (hot) o.hotThreshold = Number(hot[1]);
    else if (userMode && (p === 'cache=on' || p === 'cache=off')) o.cache = p === 'cache=on';
    else throw new UsageError(`-accel ${v}: unknown property '${p}' (${userMode ? 'it takes chain=on|off, hot=N and cache=on|off' : 'jit takes chain=on|off and hot=N'})`);
  }
  return o;
}
