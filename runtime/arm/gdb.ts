/**
 * ARM's registers for the gdb stub (runtime/gdbstub.ts), as QEMU's target/arm/gdbstub.c and
 * gdb-xml/arm-core.xml: r0–r15 are gdb registers 0–15 and the CPSR is 25 (the FPA registers
 * that once sat between them are not in the target description, so the `g` packet has 17).
 */
import { CPSR_T, PC, THUMB } from '../../ops/arm/state.js';
import { readCpsr, updateTbFlags, writeCpsr } from '../../ops/arm/modes.js';
import type { GdbArch } from '../gdbstub.js';
import type { ArmCpu } from './cpu.js';

const CPSR_REGNUM = 25;

/** QEMU's gdb-xml/arm-core.xml. */
const ARM_CORE_XML = `<?xml version="1.0"?>
<!-- Copyright (C) 2008 Free Software Foundation, Inc.

     Copying and distribution of this file, with or without modification,
     are permitted in any medium without royalty provided the copyright
     notice and this notice are preserved.  -->

<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.arm.core">
${Array.from({ length: 13 }, (_, i) => `  <reg name="r${i}" bitsize="32"/>`).join('\n')}
  <reg name="sp" bitsize="32" type="data_ptr"/>
  <reg name="lr" bitsize="32"/>
  <reg name="pc" bitsize="32" type="code_ptr"/>

  <!-- The CPSR is register 25, rather than register 16, because
       the FPA registers historically were placed between the PC
       and the CPSR in the "g" packet.  -->
  <reg name="cpsr" bitsize="32" regnum="25"/>
</feature>
`;

/** The target description QEMU builds around it. */
const TARGET_XML = '<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target><architecture>arm</architecture><xi:include href="arm-core.xml"/></target>';

/** Register names for the monitor's `$name` (gdb's names, and r13–r15 too). */
const REGISTER_NAMES: Record<string, number> = {
  ...Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`r${i}`, i])), sp: 13, lr: 14, pc: PC, cpsr: CPSR_REGNUM,
};

export const ARM_GDB: GdbArch<ArmCpu> & { readonly registerNames: Readonly<Record<string, number>> } = {
  registerNames: REGISTER_NAMES,
  xml: { 'target.xml': TARGET_XML, 'arm-core.xml': ARM_CORE_XML },
  gRegisters: [...Array.from({ length: 16 }, (_, i) => i), CPSR_REGNUM],
  registerBytes: 4,
  pcRegister: PC,
  readRegister(cpu, n) {
    if (n < 15) return cpu.env[n] >>> 0;
    if (n === PC) return cpu.pc;
    if (n === CPSR_REGNUM) return readCpsr(cpu.env) >>> 0;
    return undefined;
  },
  writeRegister(cpu, n, value) {
    if (n < 15) cpu.env[n] = value;
    // The pc's bit 0 is not writable; the CPSR's T bit says the instruction set (QEMU's way).
    else if (n === PC) cpu.env[PC] = value & ~1;
    else if (n === CPSR_REGNUM) {
      writeCpsr(cpu.env, value, -1);
      cpu.env[THUMB] = value & CPSR_T ? 1 : 0;
      updateTbFlags(cpu.env);
    } else return false;
    return true;
  },
};
