/**
 * i386 CPU state layout: word indexes into `env` (OpState.env, at ENV_BASE), shared by the i386
 * ops, helpers and runtime.
 *
 * The arithmetic flags are lazy, as QEMU's target/i386 keeps them: an instruction records its
 * kind and operand size in CC_OP and its operands in CC_SRC, CC_DST (and CC_SRC2 for adc/sbb),
 * and CF, PF, AF, ZF, SF, OF are computed only when something reads them (helper_cc_compute_all).
 * DF is its own word (1 or -1, the string instructions' step sign); the other EFLAGS bits (bit 1,
 * IF, AC, ID) live in EFLAGS_REST.
 */
/** The eight general registers in encoding order: EAX=0 ECX EDX EBX ESP EBP ESI EDI. */
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
export const EIP = 8;
export const CC_OP = 9;
export const CC_SRC = 10;
export const CC_DST = 11;
/** adc/sbb: the carry that went in. */
export const CC_SRC2 = 12;
/** The direction flag as the string instructions' step sign: 1 (DF clear) or -1 (DF set). */
export const DF = 13;
/** EFLAGS without CF PF AF ZF SF OF and DF. */
export const EFLAGS_REST = 14;
/** Pending exception number (EXCP_*), set by ops and helpers; the exec loop takes it. */
export const EXCEPTION = 15;
/** Guest instructions retired, wrapping at 32 bits (every block exit adds the block's count). */
export const ICOUNT = 16;
/** Non-zero asks the chained dispatcher to return to the exec loop after the current block. */
export const EXIT_REQUEST = 17;
/** The block key's flags word: what translation depends on (TBF_*). */
export const TB_FLAGS = 18;
/**
 * TB_FLAGS bit: ds or es has a non-zero base (a TLS descriptor loaded into them), so the default
 * data segments' bases are added to addresses (QEMU's HF_ADDSEG; while both are 0, as always in
 * ordinary Linux programs, they are not).
 */
export const TBF_ADDSEG = 1;
/** Address of the last access that faulted. */
export const FAULT_ADDR = 19;
/** Segment bases and selectors, in encoding order ES CS SS DS FS GS. */
export const SEG_BASE = 20;
export const SEG_SEL = 26;
export const SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5;
/** The TLS descriptors of the GDT (entries 6..8, set_thread_area): per entry base, limit, flags (struct user_desc's, and GDT_PRESENT). */
export const GDT_TLS = 32;
export const GDT_PRESENT = 0x100;
/** A TLS entry's flags bit: the descriptor's accessed bit (set when a segment register is loaded from it; lar shows it). */
export const GDT_ACCESSED = 0x200;
export const GDT_TLS_FIRST = 6, GDT_TLS_ENTRIES = 3;
/** rdtsc's counter high word (the low word is derived from ICOUNT). */
export const TSC_HI = 41;
/**
 * [CODE_STORE, CODE_STORE + 1): the guest addresses the current instruction stored to in pages
 * holding translated code (CpuWords.codeStore; equal words: none). A storing instruction's
 * block leaves after it if they overlap the rest of the block (op_exit_if_code_stored), so the
 * next instruction runs as it now is in memory: x86's self-modifying code needs no flush.
 */
export const CODE_STORE = 45;
/** Number of state words in use (48..79: the x87 FPU's, fpu.ts); must stay below ENV_WORDS. */
export const I386_STATE_WORDS = 80;

/**
 * Env words that compiled code keeps in WebAssembly locals for the length of a block (see
 * ops/README.md): the registers, eip, the lazy flags, DF and the retired count.
 */
export const BLOCK_LOCAL_WORDS = [0, 1, 2, 3, 4, 5, 6, 7, EIP, CC_OP, CC_SRC, CC_DST, CC_SRC2, DF, ICOUNT];

/** Exception numbers in EXCEPTION (0: none). */
export const EXCP_DE = 1;      // divide error
export const EXCP_UD = 2;      // invalid opcode
export const EXCP_SYSCALL = 3; // int $0x80 (eip is past it)
export const EXCP_PF = 4;      // page fault (FAULT_ADDR)
export const EXCP_GP = 5;      // general protection (hlt, int n, privileged instructions)
export const EXCP_BP = 6;      // int3 (eip is past it)
export const EXCP_FETCH = 7;   // an instruction fetch from a page that is not executable (FAULT_ADDR)
export const EXCP_DEBUG = 8;   // not architectural: a debugger's breakpoint or watchpoint (QEMU's EXCP_DEBUG)

/** EFLAGS bits. */
export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF_BIT = 0x400, OF = 0x800;
export const AC = 0x40000, ID = 0x200000;
/** The six arithmetic flags the lazy scheme computes. */
export const CC_FLAGS = CF | PF | AF | ZF | SF | OF;
/** The bits popf may change at user level besides the arithmetic flags and DF. */
export const EFLAGS_USER_REST = TF | AC | ID;

/**
 * CC_OP values: kind * 4 + size (0 byte, 1 word, 2 dword). CC_OP_EFLAGS: CC_SRC holds the flags.
 * ADD/SUB: CC_DST result, CC_SRC second operand; ADC/SBB also CC_SRC2 the carry in; LOGIC: CC_DST
 * result; INC/DEC: CC_DST result, CC_SRC the CF before; SHL/SAR: CC_DST result, CC_SRC the value
 * shifted one place less; MUL: CC_DST the low result, CC_SRC non-zero when the high part is
 * significant (CF = OF = 1).
 */
export const CC_OP_EFLAGS = 0;
export const CC_KIND_ADD = 1, CC_KIND_ADC = 2, CC_KIND_SUB = 3, CC_KIND_SBB = 4, CC_KIND_LOGIC = 5, CC_KIND_INC = 6, CC_KIND_DEC = 7;
export const CC_KIND_SHL = 8, CC_KIND_SAR = 9, CC_KIND_MUL = 10;
export const CC_OP_COUNT = 44;
/** Operand size index of a CC_OP (0 byte, 1 word, 2 dword). */
export const ccOp = (kind: number, sizeIndex: number): number => kind * 4 + sizeIndex;

/** The user-mode selectors qemu-i386 loads (linux-user/i386/target_syscall.h). */
export const USER_CS = 0x23, USER_DS = 0x2b;
