/**
 * Linux user mode for 32-bit ARM (armel: ARMv5TE, EABI, soft-float), qemu's linux-user/arm/:
 * the ArmCpu in user mode and its exceptions as Linux events, the EABI system call convention
 * (number in r7, arguments in r0-r6, result in r0), ARM signal frames, the kuser helpers page,
 * and the EABI structure layouts.
 */
import {
  EXCEPTION, EXCP_BKPT, EXCP_DATA_ABORT, EXCP_PREFETCH_ABORT, EXCP_SWI, EXCP_UDEF, EXIT_REQUEST, FAULT_ADDR, ICOUNT, MODE_USR,
  PC, SP, THUMB,
} from '../../../ops/arm/state.js';
import { writeCpsr } from '../../../ops/arm/modes.js';
import { ENV_STATE_WORDS } from '../../../ops/core.js';
import { ArmCpu, loadArmTable, warmArmTranslator } from '../../arm/cpu.js';
import { ARM_GDB } from '../../arm/gdb.js';
import type { GdbArch } from '../../gdbstub.js';
import { EM_ARM, PF_X } from '../../elf.js';
import { PROT_READ, type GuestMemory } from '../memory.js';
import { ILL_ILLOPC, SIGILL, SIGTRAP, TRAP_BRKPT } from '../signal.js';
import type { CpuEvent, LinuxCpu, LinuxCpuOptions, LinuxTarget, SyscallCall } from '../target.js';
import { KUSER_SIGRETURN, KUSER_TLS_ADDR, VECTORS_PAGE, kuserPage } from './kuser.js';
import { restoreSignalFrame, setupSignalFrame } from './signal-frame.js';
import { ARM_SYSCALL_NUMBERS } from './syscall-numbers.js';
import { armSyscalls } from './syscalls.js';

/** ARMv5TE's HWCAP bits (asm/hwcap.h): SWP, HALF, THUMB, FAST_MULT, EDSP. No VFP: armel is soft-float. */
export const ARM_HWCAP = 1 | 2 | 4 | 16 | 128;


/** The CPUs this target makes are ArmCpus; generic code holds them as LinuxCpu. */
const env = (cpu: LinuxCpu): Int32Array => (cpu as ArmCpu).env;

/** What an ARM exception is for Linux (the cpu_loop of qemu's linux-user/arm/cpu_loop.c). */
function armEvent(cpu: ArmCpu, excp: number): CpuEvent | undefined {
  const pc = cpu.env[PC] >>> 0;
  switch (excp) {
    case EXCP_SWI: return { kind: 'syscall' };
    case EXCP_UDEF: return { kind: 'signal', signo: SIGILL, code: ILL_ILLOPC, addr: pc };
    case EXCP_PREFETCH_ABORT: return { kind: 'memoryFault', addr: pc, fetch: true };
    case EXCP_DATA_ABORT: return { kind: 'memoryFault', addr: cpu.env[FAULT_ADDR] >>> 0, fetch: false };
    case EXCP_BKPT: return { kind: 'signal', signo: SIGTRAP, code: TRAP_BRKPT, addr: pc };
    default: return undefined;
  }
}

/** The length of the instruction that made the current call: SWI, or Thumb's SVC. */
const swiLength = (e: Int32Array): number => (e[THUMB] !== 0 ? 2 : 4);

export const armLinuxTarget: LinuxTarget = {
  name: 'arm',
  elfMachine: EM_ARM,
  unameMachine: 'armv5tel', // what an ARMv5TE little-endian Linux kernel reports
  hwcap: ARM_HWCAP,
  platform: 'v5l',
  // ARMv5 Linux: without a PT_GNU_STACK that says the stack is not executable, reads imply exec.
  readImpliesExec: (gnuStackFlags) => gnuStackFlags === undefined || (gnuStackFlags & PF_X) !== 0,
  vectorsPage: { addr: VECTORS_PAGE, bytes: kuserPage },
  layout: {
    // The ARM kernel's TASK_SIZE (3G/1G split, 16 MiB for modules); mmap's base as qemu-arm's.
    taskSize: 0xbf000000,
    mmapBase: 0x40000000,
    stackTop: 0xbf000000,
  },

  gdb: ARM_GDB as GdbArch<LinuxCpu>,

  syscallNumbers: ARM_SYSCALL_NUMBERS,
  syscalls: armSyscalls,
  alignsRegisterPairs: true,
  // ARM's own values (arch/arm/include/uapi/asm/fcntl.h), not asm-generic's.
  openFlags: { directory: 0x4000, nofollow: 0x8000, direct: 0x10000, largefile: 0x20000 },
  // EABI aligns the 64-bit fields to 8 (asm/stat.h): 104 bytes.
  stat64: {
    size: 104, dev: 0, shortIno: 12, mode: 16, nlink: 20, uid: 24, gid: 28, rdev: 32, fileSize: 48, blksize: 56, blocks: 64,
    atime: 72, mtime: 80, ctime: 88, ino: 96,
  },
  // struct statfs64 is 84 bytes, packed to 4; the ARM kernel's wrapper also takes 88 for it.
  statfs64Sizes: [84, 88],

  warmUp: warmArmTranslator,

  async loadCpu() {
    const table = await loadArmTable();
    return (opts: LinuxCpuOptions): LinuxCpu => new ArmCpu(table, {
      engine: opts.engine, ramSize: 0, memory: opts.memory, pageProt: opts.pageProt, log: opts.log,
      chain: opts.chain, hotThreshold: opts.hotThreshold, singleStep: opts.singleStep,
      onException: (cpu, excp) => {
        const event = armEvent(cpu, excp);
        return event !== undefined && opts.onEvent(event);
      },
    });
  },
  getPc: (cpu) => env(cpu)[PC] >>> 0,
  getSp: (cpu) => env(cpu)[SP] >>> 0,
  startProgram(cpu, entry, sp) {
    const e = env(cpu);
    writeCpsr(e, MODE_USR, -1);
    e[SP] = sp;
    (cpu as ArmCpu).pc = entry; // bit 0 selects Thumb
    // As Linux's start_thread and qemu-arm: r1 and r2 are the stack's second and third words
    // (argv[0], argv[1]); r0 is the dynamic linker's termination function (none here).
    e[1] = (cpu as ArmCpu).readU32(sp + 4);
    e[2] = (cpu as ArmCpu).readU32(sp + 8);
  },
  // ARMv5 has no TLS register: the kuser page holds the word __kuser_get_tls returns.
  setTls: (_cpu, mem, tls) => mem.view.setUint32(KUSER_TLS_ADDR, tls >>> 0, true),
  cpuState: (cpu) => new Uint8Array(env(cpu).buffer, env(cpu).byteOffset, ENV_STATE_WORDS * 4),
  forkChildRegisters(cpu, newSp) {
    const e = env(cpu);
    e[EXCEPTION] = 0;
    e[EXIT_REQUEST] = 0;
    e[ICOUNT] = 0;
    e[0] = 0; // fork's result in the child
    if (newSp) e[SP] = newSp;
  },

  syscallNumber(cpu, mem: GuestMemory) {
    const e = env(cpu);
    const at = armLinuxTarget.syscallPc(cpu);
    // EABI calls are swi 0 with the number in r7; an OABI swi 0x900000 + n carries it in its
    // immediate (Thumb has only EABI). Any other immediate is no Linux call.
    const imm = e[THUMB] !== 0 ? 0 : mem.accessible(at, 4, PROT_READ) ? mem.u32(at) & 0xffffff : 0;
    return imm === 0 ? e[7] >>> 0 : imm >= 0x900000 ? imm - 0x900000 : -1;
  },
  syscallArgs: (cpu) => { const e = env(cpu); return [e[0], e[1], e[2], e[3], e[4], e[5], e[6]]; },
  syscallResult: (cpu) => env(cpu)[0],
  setSyscallResult: (cpu, value) => { env(cpu)[0] = value; },
  syscallPc: (cpu) => { const e = env(cpu); return ((e[PC] >>> 0) - swiLength(e)) >>> 0; },
  restartSyscall(cpu, call: SyscallCall) {
    // r0 is both the first argument and the result: put the argument back.
    const e = env(cpu);
    e[0] = call.args[0];
    e[PC] = (e[PC] - swiLength(e)) | 0;
  },

  setupSignalFrame: (cpu, mem, req) => setupSignalFrame(env(cpu), mem, req, VECTORS_PAGE + KUSER_SIGRETURN),
  restoreSignalFrame: (cpu, mem, rt) => restoreSignalFrame(env(cpu), mem, rt),
};
