/**
 * Linux user mode for i386 (32-bit x86, i686), qemu's linux-user/i386/: the I386Cpu in user
 * mode and its exceptions as Linux events, the int $0x80 system call convention (number in eax,
 * arguments in ebx ecx edx esi edi ebp, result in eax), i386 signal frames, the TLS descriptors
 * of the GDT, and the i386 structure layouts.
 */
import { EAX, EBP, EBX, ECX, EDI, EDX, EIP, ESI, ESP, EXCEPTION, EXCP_BP, EXCP_DE, EXCP_FETCH, EXCP_GP, EXCP_PF, EXCP_SYSCALL, EXCP_UD, EXIT_REQUEST, FAULT_ADDR, ICOUNT } from '../../../ops/i386/state.js';
import { ENV_STATE_WORDS } from '../../../ops/core.js';
import { I386Cpu, loadI386Table, warmI386Translator } from '../../i386/cpu.js';
import { I386_GDB } from '../../i386/gdb.js';
import type { GdbArch } from '../../gdbstub.js';
import { PF_X } from '../../elf.js';
import type { GuestMemory } from '../memory.js';
import { FPE_INTDIV, ILL_ILLOPN, SIGFPE, SIGILL, SIGSEGV, SIGTRAP, SI_KERNEL } from '../signal.js';
import type { CpuEvent, LinuxCpu, LinuxCpuOptions, LinuxTarget, SyscallCall } from '../target.js';
import { restoreSignalFrame, setupSignalFrame } from './signal-frame.js';
import { I386_SYSCALL_NUMBERS } from './syscall-numbers.js';
import { i386Syscalls, setThreadArea } from './syscalls.js';

/** ELF e_machine of i386 programs. */
export const EM_386 = 3;
/** AT_HWCAP on x86 is cpuid(1).edx: the features helper_cpuid reports. */
export const I386_HWCAP = 1 | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 15);

const env = (cpu: LinuxCpu): Int32Array => (cpu as I386Cpu).env;

/** What an i386 exception is for Linux (the cpu_loop of qemu's linux-user/i386/cpu_loop.c). */
function i386Event(cpu: I386Cpu, excp: number): CpuEvent | undefined {
  const eip = cpu.env[EIP] >>> 0;
  switch (excp) {
    case EXCP_SYSCALL: return { kind: 'syscall' };
    case EXCP_UD: return { kind: 'signal', signo: SIGILL, code: ILL_ILLOPN, addr: eip };
    case EXCP_DE: return { kind: 'signal', signo: SIGFPE, code: FPE_INTDIV, addr: eip };
    case EXCP_PF: return { kind: 'memoryFault', addr: cpu.env[FAULT_ADDR] >>> 0, fetch: false };
    case EXCP_FETCH: return { kind: 'memoryFault', addr: cpu.env[FAULT_ADDR] >>> 0, fetch: true };
    case EXCP_GP: return { kind: 'signal', signo: SIGSEGV, code: SI_KERNEL, addr: 0 };
    case EXCP_BP: return { kind: 'signal', signo: SIGTRAP, code: SI_KERNEL, addr: 0 };
    default: return undefined;
  }
}

export const i386LinuxTarget: LinuxTarget = {
  name: 'i386',
  elfMachine: EM_386,
  unameMachine: 'i686',
  hwcap: I386_HWCAP,
  platform: 'i686',
  gdb: I386_GDB as GdbArch<LinuxCpu>,
  // i386 Linux: without a PT_GNU_STACK that makes the stack non-executable, reads imply exec.
  readImpliesExec: (gnuStackFlags) => gnuStackFlags === undefined || (gnuStackFlags & PF_X) !== 0,
  layout: {
    // The i386 kernel's 3G/1G split; mmap's base TASK_SIZE / 3, as the kernel's legacy layout.
    taskSize: 0xc0000000,
    mmapBase: 0x40000000,
    stackTop: 0xc0000000,
  },

  syscallNumbers: I386_SYSCALL_NUMBERS,
  syscalls: i386Syscalls,
  alignsRegisterPairs: false,
  // asm-generic's values (x86 does not override them).
  openFlags: { directory: 0x10000, nofollow: 0x20000, direct: 0x4000, largefile: 0x8000 },
  // struct stat64 of asm/stat.h: 64-bit fields aligned to 4 (the i386 ABI), 96 bytes.
  stat64: {
    size: 96, dev: 0, shortIno: 12, mode: 16, nlink: 20, uid: 24, gid: 28, rdev: 32, fileSize: 44, blksize: 52, blocks: 56,
    atime: 64, mtime: 72, ctime: 80, ino: 88,
  },
  // struct statfs64 is 84 bytes, packed to 4.
  statfs64Sizes: [84],

  warmUp: warmI386Translator,

  async loadCpu() {
    const table = await loadI386Table();
    return (opts: LinuxCpuOptions): LinuxCpu => new I386Cpu(table, {
      engine: opts.engine, memory: opts.memory, pageProt: opts.pageProt, log: opts.log,
      chain: opts.chain, hotThreshold: opts.hotThreshold, singleStep: opts.singleStep,
      onException: (cpu, excp) => {
        const event = i386Event(cpu, excp);
        return event !== undefined && opts.onEvent(event);
      },
    });
  },
  getPc: (cpu) => env(cpu)[EIP] >>> 0,
  getSp: (cpu) => env(cpu)[ESP] >>> 0,
  startProgram(cpu, entry, sp) {
    (cpu as I386Cpu).reset();
    const e = env(cpu);
    e[ESP] = sp;
    e[EIP] = entry;
    // edx: a function for atexit from the dynamic linker (none); the other registers are 0 (ELF_PLAT_INIT).
  },
  // CLONE_SETTLS on i386 passes a struct user_desc, as set_thread_area takes.
  setTls: (cpu, mem, tls) => { setThreadArea(env(cpu), mem, tls); },
  cpuState: (cpu) => new Uint8Array(env(cpu).buffer, env(cpu).byteOffset, ENV_STATE_WORDS * 4),
  forkChildRegisters(cpu, newSp) {
    const e = env(cpu);
    e[EXCEPTION] = 0;
    e[EXIT_REQUEST] = 0;
    e[ICOUNT] = 0;
    e[EAX] = 0; // fork's result in the child
    if (newSp) e[ESP] = newSp;
  },

  syscallNumber: (cpu) => env(cpu)[EAX] >>> 0,
  syscallArgs: (cpu) => { const e = env(cpu); return [e[EBX], e[ECX], e[EDX], e[ESI], e[EDI], e[EBP]]; },
  syscallResult: (cpu) => env(cpu)[EAX],
  setSyscallResult: (cpu, value) => { env(cpu)[EAX] = value; },
  syscallPc: (cpu) => ((env(cpu)[EIP] >>> 0) - 2) >>> 0,
  restartSyscall(cpu, call: SyscallCall) {
    // eax is both the number and the result: put the number back.
    const e = env(cpu);
    e[EAX] = call.nr;
    e[EIP] = (e[EIP] - 2) | 0;
  },

  setupSignalFrame: (cpu, mem: GuestMemory, req) => setupSignalFrame(env(cpu), mem, req),
  restoreSignalFrame: (cpu, mem, rt) => restoreSignalFrame(env(cpu), mem, rt),
};
