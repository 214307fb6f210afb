/**
 * i386's registers for the gdb stub (runtime/gdbstub.ts), as QEMU's target/i386/gdbstub.c
 * reports them for a 32-bit guest, with QEMU's gdb-xml/i386-32bit.xml: the general registers,
 * eip, eflags, the segment selectors and bases, the control registers of a user-mode CPU, the
 * x87 stack (st0–st7, 80 bits each) and its control registers, then SSE's xmm0–7 and mxcsr.
 * 344 bytes in `g`.
 *
 * Where QEMU's values are not this CPU's: the SSE registers exist in the description (gdb's
 * i386 target wants them) but this CPU has no SSE (cpuid says so): they read as zero and mxcsr
 * as its reset value, and writes to them are refused. cr4 reads 0 (QEMU's user mode reports
 * OSFXSR, FSGSBASE and OSXSAVE, which this CPU does not have). The x87's tag word and last
 * instruction and operand pointers are the FPU's (QEMU reports zeros, so its gdb shows empty
 * registers as valid); fop reads 0 (the FPU does not record the opcode).
 */
import { EIP, SEG_BASE, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SEL, SEG_SS } from '../../ops/i386/state.js';
import { FP_REGS, FPCS, FPDP, FPDS, FPIP, FPTOP, FPUC, FPUS, fpuStatusWord, fpuTagWord } from '../../ops/i386/fpu.js';
import type { GdbArch } from '../gdbstub.js';
import type { I386Cpu } from './cpu.js';
import { readEflags, writeEflags } from './eflags.js';

/** QEMU's gdb-xml/i386-32bit.xml. */
const I386_32BIT_XML = `<?xml version="1.0"?>
<!-- Copyright (C) 2010-2017 Free Software Foundation, Inc.

     Copying and distribution of this file, with or without modification,
     are permitted in any medium without royalty provided the copyright
     notice and this notice are preserved.  -->

<!-- I386 with SSE -->

<!DOCTYPE target SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.i386.core">
  <flags id="i386_eflags" size="4">
	<field name="" start="22" end="31"/>
	<field name="ID" start="21" end="21"/>
	<field name="VIP" start="20" end="20"/>
	<field name="VIF" start="19" end="19"/>
	<field name="AC" start="18" end="18"/>
	<field name="VM" start="17" end="17"/>
	<field name="RF" start="16" end="16"/>
	<field name="" start="15" end="15"/>
	<field name="NT" start="14" end="14"/>
	<field name="IOPL" start="12" end="13"/>
	<field name="OF" start="11" end="11"/>
	<field name="DF" start="10" end="10"/>
	<field name="IF" start="9" end="9"/>
	<field name="TF" start="8" end="8"/>
	<field name="SF" start="7" end="7"/>
	<field name="ZF" start="6" end="6"/>
	<field name="" start="5" end="5"/>
	<field name="AF" start="4" end="4"/>
	<field name="" start="3" end="3"/>
	<field name="PF" start="2" end="2"/>
	<field name="" start="1" end="1"/>
	<field name="CF" start="0" end="0"/>
  </flags>

  <reg name="eax" bitsize="32" type="int32" regnum="0"/>
  <reg name="ecx" bitsize="32" type="int32"/>
  <reg name="edx" bitsize="32" type="int32"/>
  <reg name="ebx" bitsize="32" type="int32"/>
  <reg name="esp" bitsize="32" type="data_ptr"/>
  <reg name="ebp" bitsize="32" type="data_ptr"/>
  <reg name="esi" bitsize="32" type="int32"/>
  <reg name="edi" bitsize="32" type="int32"/>

  <reg name="eip" bitsize="32" type="code_ptr"/>
  <reg name="eflags" bitsize="32" type="i386_eflags"/>

  <reg name="cs" bitsize="32" type="int32"/>
  <reg name="ss" bitsize="32" type="int32"/>
  <reg name="ds" bitsize="32" type="int32"/>
  <reg name="es" bitsize="32" type="int32"/>
  <reg name="fs" bitsize="32" type="int32"/>
  <reg name="gs" bitsize="32" type="int32"/>

  <!-- Segment descriptor caches and TLS base MSRs -->

  <!--reg name="cs_base" bitsize="32" type="int32"/>
  <reg name="ss_base" bitsize="32" type="int32"/>
  <reg name="ds_base" bitsize="32" type="int32"/>
  <reg name="es_base" bitsize="32" type="int32"/-->
  <reg name="fs_base" bitsize="32" type="int32"/>
  <reg name="gs_base" bitsize="32" type="int32"/>
  <reg name="k_gs_base" bitsize="32" type="int32"/>

  <flags id="i386_cr0" size="4">
	<field name="PG" start="31" end="31"/>
	<field name="CD" start="30" end="30"/>
	<field name="NW" start="29" end="29"/>
	<field name="AM" start="18" end="18"/>
	<field name="WP" start="16" end="16"/>
	<field name="NE" start="5" end="5"/>
	<field name="ET" start="4" end="4"/>
	<field name="TS" start="3" end="3"/>
	<field name="EM" start="2" end="2"/>
	<field name="MP" start="1" end="1"/>
	<field name="PE" start="0" end="0"/>
  </flags>

  <flags id="i386_cr3" size="4">
	<field name="PDBR" start="12" end="31"/>
	<!--field name="" start="3" end="11"/>
	<field name="WT" start="2" end="2"/>
	<field name="CD" start="1" end="1"/>
	<field name="" start="0" end="0"/-->
	<field name="PCID" start="0" end="11"/>
  </flags>

  <flags id="i386_cr4" size="4">
	<field name="VME" start="0" end="0"/>
	<field name="PVI" start="1" end="1"/>
	<field name="TSD" start="2" end="2"/>
	<field name="DE" start="3" end="3"/>
	<field name="PSE" start="4" end="4"/>
	<field name="PAE" start="5" end="5"/>
	<field name="MCE" start="6" end="6"/>
	<field name="PGE" start="7" end="7"/>
	<field name="PCE" start="8" end="8"/>
	<field name="OSFXSR" start="9" end="9"/>
	<field name="OSXMMEXCPT" start="10" end="10"/>
	<field name="UMIP" start="11" end="11"/>
	<field name="LA57" start="12" end="12"/>
	<field name="VMXE" start="13" end="13"/>
	<field name="SMXE" start="14" end="14"/>
	<field name="FSGSBASE" start="16" end="16"/>
	<field name="PCIDE" start="17" end="17"/>
	<field name="OSXSAVE" start="18" end="18"/>
	<field name="SMEP" start="20" end="20"/>
	<field name="SMAP" start="21" end="21"/>
	<field name="PKE" start="22" end="22"/>
  </flags>

  <flags id="i386_efer" size="4">
	<field name="TCE" start="15" end="15"/>
	<field name="FFXSR" start="14" end="14"/>
	<field name="LMSLE" start="13" end="13"/>
	<field name="SVME" start="12" end="12"/>
	<field name="NXE" start="11" end="11"/>
	<field name="LMA" start="10" end="10"/>
	<field name="LME" start="8" end="8"/>
	<field name="SCE" start="0" end="0"/>
  </flags>

  <reg name="cr0" bitsize="32" type="i386_cr0"/>
  <reg name="cr2" bitsize="32" type="int32"/>
  <reg name="cr3" bitsize="32" type="i386_cr3"/>
  <reg name="cr4" bitsize="32" type="i386_cr4"/>
  <reg name="cr8" bitsize="32" type="int32"/>
  <reg name="efer" bitsize="32" type="i386_efer"/>

  <reg name="st0" bitsize="80" type="i387_ext"/>
  <reg name="st1" bitsize="80" type="i387_ext"/>
  <reg name="st2" bitsize="80" type="i387_ext"/>
  <reg name="st3" bitsize="80" type="i387_ext"/>
  <reg name="st4" bitsize="80" type="i387_ext"/>
  <reg name="st5" bitsize="80" type="i387_ext"/>
  <reg name="st6" bitsize="80" type="i387_ext"/>
  <reg name="st7" bitsize="80" type="i387_ext"/>

  <reg name="fctrl" bitsize="32" type="int" group="float"/>
  <reg name="fstat" bitsize="32" type="int" group="float"/>
  <reg name="ftag" bitsize="32" type="int" group="float"/>
  <reg name="fiseg" bitsize="32" type="int" group="float"/>
  <reg name="fioff" bitsize="32" type="int" group="float"/>
  <reg name="foseg" bitsize="32" type="int" group="float"/>
  <reg name="fooff" bitsize="32" type="int" group="float"/>
  <reg name="fop" bitsize="32" type="int" group="float"/>
<!--/feature>
<feature name="org.gnu.gdb.i386.32bit.sse"-->
  <vector id="v4f" type="ieee_single" count="4"/>
  <vector id="v2d" type="ieee_double" count="2"/>
  <vector id="v16i8" type="int8" count="16"/>
  <vector id="v8i16" type="int16" count="8"/>
  <vector id="v4i32" type="int32" count="4"/>
  <vector id="v2i64" type="int64" count="2"/>
  <union id="vec128">
	<field name="v4_float" type="v4f"/>
	<field name="v2_double" type="v2d"/>
	<field name="v16_int8" type="v16i8"/>
	<field name="v8_int16" type="v8i16"/>
	<field name="v4_int32" type="v4i32"/>
	<field name="v2_int64" type="v2i64"/>
	<field name="uint128" type="uint128"/>
  </union>
  <flags id="i386_mxcsr" size="4">
	<field name="IE" start="0" end="0"/>
	<field name="DE" start="1" end="1"/>
	<field name="ZE" start="2" end="2"/>
	<field name="OE" start="3" end="3"/>
	<field name="UE" start="4" end="4"/>
	<field name="PE" start="5" end="5"/>
	<field name="DAZ" start="6" end="6"/>
	<field name="IM" start="7" end="7"/>
	<field name="DM" start="8" end="8"/>
	<field name="ZM" start="9" end="9"/>
	<field name="OM" start="10" end="10"/>
	<field name="UM" start="11" end="11"/>
	<field name="PM" start="12" end="12"/>
	<field name="FZ" start="15" end="15"/>
  </flags>

  <reg name="xmm0" bitsize="128" type="vec128"/>
  <reg name="xmm1" bitsize="128" type="vec128"/>
  <reg name="xmm2" bitsize="128" type="vec128"/>
  <reg name="xmm3" bitsize="128" type="vec128"/>
  <reg name="xmm4" bitsize="128" type="vec128"/>
  <reg name="xmm5" bitsize="128" type="vec128"/>
  <reg name="xmm6" bitsize="128" type="vec128"/>
  <reg name="xmm7" bitsize="128" type="vec128"/>

  <reg name="mxcsr" bitsize="32" type="i386_mxcsr" group="vector"/>
</feature>
`;

const TARGET_XML = '<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target><architecture>i386</architecture><xi:include href="i386-32bit.xml"/></target>';

/** gdb's register numbers (the description's order). */
const EIP_REG = 8, EFLAGS_REG = 9, SEGS = 10, FS_BASE = 16, GS_BASE = 17, K_GS_BASE = 18, CR0 = 19, EFER = 24;
const ST0 = 25, FCTRL = 33, FSTAT = 34, FTAG = 35, FISEG = 36, FIOFF = 37, FOSEG = 38, FOOFF = 39, FOP = 40;
const XMM0 = 41, MXCSR = 49;
/** gdb's segment order: cs ss ds es fs gs. */
const SEG_ORDER = [SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS];
/** The control registers of a paged protected-mode CPU at user level (cr0: PG WP PE), cr2, cr3, cr4, cr8, efer. */
const CONTROL = [0x80010001, 0, 0, 0, 0, 0];
const MXCSR_RESET = 0x1f80;
/** EFLAGS bits gdb may change: the arithmetic flags, TF, DF, AC and ID (as the kernel lets ptrace). */
const EFLAGS_WRITABLE = 0x8d5 | 0x100 | 0x400 | 0x40000 | 0x200000;

/** Env word of st(i)'s physical register: mantissa low, mantissa high, sign and exponent. */
const stBase = (env: Int32Array, i: number): number => FP_REGS + 3 * ((env[FPTOP] + i) & 7);

export const I386_GDB: GdbArch<I386Cpu> = {
  xml: { 'target.xml': TARGET_XML, 'i386-32bit.xml': I386_32BIT_XML },
  gRegisters: Array.from({ length: MXCSR + 1 }, (_, i) => i),
  registerBytes: 4,
  pcRegister: EIP_REG,
  wideRegisters: {
    ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [ST0 + i, 10])),
    ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [XMM0 + i, 16])),
  },
  readRegister({ env }, n) {
    if (n < 8) return env[n] >>> 0;
    if (n === EIP_REG) return env[EIP] >>> 0;
    if (n === EFLAGS_REG) return readEflags(env);
    if (n >= SEGS && n < SEGS + 6) return env[SEG_SEL + SEG_ORDER[n - SEGS]] & 0xffff;
    if (n === FS_BASE) return env[SEG_BASE + SEG_FS] >>> 0;
    if (n === GS_BASE) return env[SEG_BASE + SEG_GS] >>> 0;
    if (n === K_GS_BASE) return 0;
    if (n >= CR0 && n <= EFER) return CONTROL[n - CR0];
    if (n === FCTRL) return env[FPUC] & 0xffff;
    if (n === FSTAT) return fpuStatusWord(env);
    if (n === FTAG) return fpuTagWord(env);
    if (n === FISEG) return env[FPCS] & 0xffff;
    if (n === FIOFF) return env[FPIP] >>> 0;
    if (n === FOSEG) return env[FPDS] & 0xffff;
    if (n === FOOFF) return env[FPDP] >>> 0;
    if (n === FOP) return 0;
    if (n === MXCSR) return MXCSR_RESET;
    return undefined;
  },
  writeRegister({ env }, n, value) {
    if (n < 8) env[n] = value;
    else if (n === EIP_REG) env[EIP] = value;
    else if (n === EFLAGS_REG) writeEflags(env, value, EFLAGS_WRITABLE);
    else if (n === FCTRL) env[FPUC] = value & 0xffff;
    else if (n === FSTAT) { env[FPUS] = value & ~0x3800 & 0xffff; env[FPTOP] = (value >>> 11) & 7; }
    else return false;
    return true;
  },
  readWide({ env }, n) {
    const out = new Uint8Array(this.wideRegisters![n]);
    if (n >= ST0 && n < ST0 + 8) {
      const b = stBase(env, n - ST0), view = new DataView(out.buffer);
      view.setUint32(0, env[b] >>> 0, true);
      view.setUint32(4, env[b + 1] >>> 0, true);
      view.setUint16(8, env[b + 2] & 0xffff, true);
    }
    return out;
  },
  writeWide({ env }, n, bytes) {
    if (n < ST0 || n >= ST0 + 8) return false;
    const b = stBase(env, n - ST0), view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    env[b] = view.getUint32(0, true);
    env[b + 1] = view.getUint32(4, true);
    env[b + 2] = (env[b + 2] & ~0xffff) | view.getUint16(8, true);
    return true;
  },
};
