/**
 * What Linux user mode needs to know about a guest architecture, as qemu-user keeps it in
 * linux-user/<arch>/: how the CPU is made and how its exceptions become Linux events (the cpu
 * loop), the system call convention and numbers, signal frames, the structure layouts that
 * differ between 32-bit ABIs, and what the ELF loader puts in the auxiliary vector. Generic
 * files reach the CPU's registers only through a LinuxTarget; each guest implements one in its
 * own folder (arm/target.ts), and the command line that chose it passes it to LinuxProcess.
 */
import type { Logger } from '../log.js';
import type { CountedCpu } from '../stats.js';
import type { GuestMemory } from './memory.js';
import type { AltStack, SigAction, SigInfo } from './signal.js';
import type { SyscallTable } from './syscall.js';
import type { GdbArch, GdbCpu } from '../gdbstub.js';
import type { RunResult } from '../exec.js';
import type { OpTable } from '../op-table.js';
import type { TranslationBlock } from '../tb.js';
import type { BlockStore } from '../translation-cache.js';

/** The CPU as user mode sees it: run it, stop it, keep its page flags and translated code in step with memory. */
export interface LinuxCpu extends CountedCpu, GdbCpu {
  /** Run about `maxBlocks` translation blocks (exceptions come back through LinuxCpuOptions.onEvent). */
  run(maxBlocks?: number): RunResult;
  /** Set to make run() return before the next block (to let Node's event loop turn). */
  leaveRun: boolean;
  /** Set when the process is gone (exit, or execve replaced this CPU): run() stops. */
  halted: boolean;
  /** Recompute the page flags of pages [firstPage, firstPage + count) from their permissions. */
  updatePageFlags(firstPage: number, count: number): void;
  readonly tbs: CountedCpu['tbs'] & { invalidatePage(page: number): void; liveBlocks(): TranslationBlock[] };
  /** The op table its blocks are made of (the translation cache's key). */
  readonly table: OpTable;
  /** Blocks of an earlier run of the program (the persistent translation cache), taken before translating. */
  blockStore?: BlockStore;
  /** The translated blocks, for a forked child (CpuExec.exportBlocks). */
  exportBlocks(): Uint8Array | undefined;
  /** Take a fork parent's blocks (CpuExec.adoptBlocks); returns how many. */
  adoptBlocks(bytes: Uint8Array): number;
}

/** A CPU exception, as the Linux kernel of the guest architecture would see it. */
export type CpuEvent =
  /** The system call instruction (pc is past it). */
  | { kind: 'syscall' }
  /** An access that its page does not allow: SIGSEGV (or SIGBUS past a file's end). `fetch`: executing it. */
  | { kind: 'memoryFault'; addr: number; fetch: boolean }
  /** Any other synchronous signal (an undefined instruction, a breakpoint). */
  | { kind: 'signal'; signo: number; code: number; addr: number };

export interface LinuxCpuOptions {
  engine: 'jit' | 'interp';
  /** The guest's 4 GiB, shared with GuestMemory. */
  memory: WebAssembly.Memory;
  /** PROT_* per page (GuestMemory.prot), from which the CPU derives its page flags. */
  pageProt: Uint8Array;
  log?: Logger;
  chain?: boolean;
  hotThreshold?: number;
  singleStep?: boolean;
  /** Every exception; false if user mode does not handle it (the CPU then takes it itself). */
  onEvent(event: CpuEvent): boolean;
}

/** A system call as it was made: its number and argument registers. */
export interface SyscallCall {
  nr: number;
  args: readonly number[];
}

/** What a signal handler's frame is built from (signal.ts decides the rest). */
export interface SignalFrameRequest {
  info: SigInfo;
  action: SigAction;
  /** SA_SIGINFO: an rt frame with siginfo and ucontext. */
  rt: boolean;
  /** The blocked mask to restore when the handler returns. */
  oldMask: bigint;
  /** The stack pointer the frame goes below (the alternate stack's top when the handler runs there). */
  sp: number;
  /** uc_stack of an rt frame: the alternate stack as sigaltstack reports it at the interrupted sp. */
  ucStack: AltStack;
  /** A synchronous fault (the frame's trap fields describe it), not a signal taken between blocks. */
  fault: boolean;
}

/** Where the guest's address space has its parts (the architecture's TASK_SIZE and mmap base). */
export interface AddressSpaceLayout {
  /** The end of user space: nothing maps above it. */
  taskSize: number;
  /** Where mmap looks for free space when the guest gives no address (TASK_UNMAPPED_BASE). */
  mmapBase: number;
  /** The top of the main thread's stack. */
  stackTop: number;
}

/** The values of the open flags that differ between architectures (asm/fcntl.h). */
export interface OpenFlagValues { directory: number; nofollow: number; direct: number; largefile: number }

/** Byte offsets of struct stat64's fields (the 32-bit ABIs pad it differently). */
export interface Stat64Layout {
  size: number;
  /** u64 */ dev: number;
  /** u32: the low 32 bits of the inode number */ shortIno: number;
  /** u32 each */ mode: number; nlink: number; uid: number; gid: number;
  /** u64 */ rdev: number;
  /** i64 */ fileSize: number;
  /** u32 */ blksize: number;
  /** u64 */ blocks: number;
  /** u32 seconds, u32 nanoseconds */ atime: number; mtime: number; ctime: number;
  /** u64 */ ino: number;
}

export interface LinuxTarget {
  /** For messages and the fork state file (a child must run the same target). */
  readonly name: string;
  /** ELF e_machine of the programs it runs. */
  readonly elfMachine: number;
  /** uname's machine field. */
  readonly unameMachine: string;
  /** AT_HWCAP and AT_PLATFORM. */
  readonly hwcap: number;
  readonly platform: string;
  /** Whether the kernel makes readable pages executable for a program with this PT_GNU_STACK (flags, or none). */
  readImpliesExec(gnuStackFlags: number | undefined): boolean;
  /** A page of the kernel's own code mapped read-only and executable into every process (ARM's kuser helpers). */
  readonly vectorsPage?: { addr: number; bytes(): Uint8Array };
  readonly layout: AddressSpaceLayout;
  /** The registers as gdb sees them (the gdb stub, -g); a guest without it has no -g yet. */
  readonly gdb?: GdbArch<LinuxCpu>;

  /** System call numbers by name (the one table, generated from the kernel's headers). */
  readonly syscallNumbers: Readonly<Record<string, number>>;
  /** The architecture's own system calls (numbers in syscallNumbers), beside the generic ones. */
  readonly syscalls: SyscallTable;
  /** 64-bit arguments go in even register pairs, after a pad (SyscallDef.pairPad), as the ARM EABI passes them. */
  readonly alignsRegisterPairs: boolean;
  readonly openFlags: OpenFlagValues;
  readonly stat64: Stat64Layout;
  /** The sizes statfs64 accepts; the first is the structure's. */
  readonly statfs64Sizes: readonly number[];

  /** Load what its CPUs need (the op table) once; returns a constructor of CPUs. */
  loadCpu(): Promise<(opts: LinuxCpuOptions) => LinuxCpu>;
  /** Run what can run without a machine (the translator), while a V8 start-up snapshot is built (runtime/warm-up.ts). */
  warmUp?(): Promise<void>;
  getPc(cpu: LinuxCpu): number;
  getSp(cpu: LinuxCpu): number;
  /** A fresh image's registers: user mode, at `entry`, with the initial stack pointer `sp`. */
  startProgram(cpu: LinuxCpu, entry: number, sp: number): void;
  /** The thread pointer (set_tls, clone's CLONE_SETTLS). */
  setTls(cpu: LinuxCpu, mem: GuestMemory, tls: number): void;
  /** The CPU state a forked child inherits: a view the parent writes out and the child reads into. */
  cpuState(cpu: LinuxCpu): Uint8Array;
  /** A forked child's registers after cpuState was read in: fork's result 0, clone's stack, no exception pending. */
  forkChildRegisters(cpu: LinuxCpu, newSp: number | undefined): void;

  /** The current system call's number (-1: not a call this target makes). */
  syscallNumber(cpu: LinuxCpu, mem: GuestMemory): number;
  syscallArgs(cpu: LinuxCpu): number[];
  syscallResult(cpu: LinuxCpu): number;
  setSyscallResult(cpu: LinuxCpu, value: number): void;
  /** The address of the instruction that made the current system call (pc is past it). */
  syscallPc(cpu: LinuxCpu): number;
  /** Make `call` run again: its registers as they were, pc back on its instruction. */
  restartSyscall(cpu: LinuxCpu, call: SyscallCall): void;

  /** Push a handler's frame and point the registers at the handler (throws GuestFault when the stack cannot take it). */
  setupSignalFrame(cpu: LinuxCpu, mem: GuestMemory, req: SignalFrameRequest): void;
  /** sigreturn: restore the registers from the frame at sp; returns the mask and uc_stack to restore (throws GuestFault for a bad frame). */
  restoreSignalFrame(cpu: LinuxCpu, mem: GuestMemory, rt: boolean): { mask: bigint; ucStack: AltStack };
}
