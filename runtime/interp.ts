/**
 * Back-end B: interpreter mode. Runs a micro-op stream by calling the very ops/ functions
 * the generator compiled, so the two back-ends can only differ if the generator is wrong.
 */
import type { OpState } from '../ops/core.js';
import type { OpBuffer } from './op-buffer.js';
import type { OpTable } from './op-table.js';

export class Interpreter {
  private readonly fns: ((s: OpState) => void)[];
  private readonly mayExit: Uint8Array;

  constructor(readonly table: OpTable) {
    this.fns = table.ops.map((op) => op.interp);
    this.mayExit = Uint8Array.from(table.ops.map((op) => (op.mayExit ? 1 : 0)));
  }

  /** Run one block's ops; returns true if an op left the block with exit_tb(). */
  run(s: OpState, ob: OpBuffer): boolean {
    // Temps start at zero in every block, as the locals of a block function do.
    s.T0 = s.T1 = s.T2 = s.T3 = 0;
    return this.runOps(s, ob);
  }

  /** Run ops on the state as it is, temps included (the op-level tests' entry point). */
  runOps(s: OpState, ob: OpBuffer): boolean {
    const words = ob.words, n = ob.length, params = this.table.paramCount, fns = this.fns, mayExit = this.mayExit;
    const generated = fns.length, IF_T0 = this.table.OPC_IF_T0;
    s.exited = false;
    for (let i = 0; i < n;) {
      const opc = words[i], np = params[opc];
      if (opc >= generated) {
        // Structural ops: a conditional region is skipped when T0 is zero; ENDIF does nothing.
        i = opc === IF_T0 && s.T0 === 0 ? words[i + 1] : i + 1 + np;
        continue;
      }
      if (np > 0) {
        s.P1 = words[i + 1];
        if (np > 1) { s.P2 = words[i + 2]; if (np > 2) s.P3 = words[i + 3]; }
      }
      fns[opc](s);
      if (mayExit[opc] && s.exited) return true;
      i += 1 + np;
    }
    return false;
  }
}
