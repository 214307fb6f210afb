/** Text pieces of ARM and Thumb disassembly (GNU objdump's syntax), shared by both decoders. */

export const COND_NAMES = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', '', ''];
const REG_NAMES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'sl', 'fp', 'ip', 'sp', 'lr', 'pc'];
export const SHIFT_NAMES = ['lsl', 'lsr', 'asr', 'ror'];
export const DP_NAMES = ['and', 'eor', 'sub', 'rsb', 'add', 'adc', 'sbc', 'rsc', 'tst', 'teq', 'cmp', 'cmn', 'orr', 'mov', 'bic', 'mvn'];

export function reg(r: number): string { return REG_NAMES[r & 15]; }
export function cond(c: number): string { return COND_NAMES[c & 15]; }
export function hex(v: number): string { return `0x${(v >>> 0).toString(16)}`; }
/** An ARM modified immediate as objdump prints it: signed decimal, the hex value as a comment beyond ±9. */
export function imm(v: number): string { return `#${v | 0}${(v | 0) > 9 || (v | 0) < -9 ? `\t@ ${hex(v)}` : ''}`; }

export function regList(regs: number): string {
  const out: string[] = [];
  for (let r = 0; r < 16; r++) if (regs & (1 << r)) out.push(reg(r));
  return `{${out.join(', ')}}`;
}

/** `r1, lsl #2` / `r1, lsr r3` / `r1, rrx` / `r1`. */
export function shiftedReg(rm: number, type: number, amount: number, rs?: number): string {
  if (rs !== undefined) return `${reg(rm)}, ${SHIFT_NAMES[type]} ${reg(rs)}`;
  if (type === 0 && amount === 0) return reg(rm);
  if (type === 3 && amount === 0) return `${reg(rm)}, rrx`;
  return `${reg(rm)}, ${SHIFT_NAMES[type]} #${amount === 0 ? 32 : amount}`;
}

export function rotateImm(imm8: number, rot: number): number {
  const r = rot * 2;
  return ((imm8 >>> r) | (imm8 << (32 - r))) >>> 0;
}
