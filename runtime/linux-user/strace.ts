/**
 * `-strace`: a line per system call on stderr, in qemu-user's format:
 * `PID name(arg,arg,...) = result`, failures as `= -1 errno=N (message)`. Arguments print by
 * the formats of their definitions (syscall.ts); unknown formats print as hex.
 */
import { writeSync } from 'node:fs';
import { getSystemErrorMap } from 'node:util';
import type { LinuxProcess } from './process.js';
import type { ArgFormat, SyscallEntry } from './syscall.js';
import { GuestFault } from './memory.js';

/** strerror's text, from libuv's table ("no such file or directory" -> "No such file or directory"). */
const ERRNO_MESSAGES = getSystemErrorMap();
/** Messages libuv's table lacks. */
const MORE_MESSAGES: Record<number, string> = { 10: 'No child processes', 512: 'Interrupted system call (restart)', 513: 'Interrupted system call (restart)', 514: 'Interrupted system call (restart)', 516: 'Interrupted system call (restart)' };
function strerror(errno: number): string {
  if (MORE_MESSAGES[errno]) return MORE_MESSAGES[errno];
  const m = ERRNO_MESSAGES.get(-errno)?.[1];
  return m ? m[0].toUpperCase() + m.slice(1) : `Unknown error ${errno}`;
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** Formatters by format name; syscalls/*.ts may add their own (flags, structures). */
export const ARG_FORMATTERS: Record<string, (p: LinuxProcess, v: number) => string> = {
  d: (_p, v) => String(v | 0),
  u: (_p, v) => String(v >>> 0),
  x: (_p, v) => hex(v),
  p: (_p, v) => (v === 0 ? 'NULL' : hex(v)),
  o: (_p, v) => `0${(v >>> 0).toString(8)}`,
  fd: (_p, v) => String(v | 0),
  s: (p, v) => {
    if (v === 0) return 'NULL';
    try {
      const s = p.mem.cstring(v, 4096);
      return JSON.stringify(s.length > 64 ? s.slice(0, 64) : s) + (s.length > 64 ? '...' : '');
    } catch (e) {
      if (e instanceof GuestFault) return hex(v);
      throw e;
    }
  },
};

export class Strace {
  private line = '';
  constructor(private readonly p: LinuxProcess) {}

  private format(f: ArgFormat, v: number): string {
    return (ARG_FORMATTERS[f] ?? ARG_FORMATTERS.x)(this.p, v);
  }

  enter(call: SyscallEntry, args: number[]): void {
    const shown = call.args.map((f, i) => this.format(f, args[i]));
    // The call prints before it runs and its result after, as qemu's does, so that what the
    // call itself prints (or a child's output while it blocks) shows between the two.
    const exits = call.name === 'exit' || call.name === 'exit_group';
    writeSync(2, `${process.pid} ${call.name}(${shown.join(',')})${exits ? '\n' : ''}`);
    this.line = exits ? '' : 'open';
  }

  leave(call: SyscallEntry, r: number | undefined): void {
    if (this.line === '') return;
    if (r === undefined) { this.flush(' = 0\n'); return; }
    if (r < 0 && r > -4096) this.flush(` = -1 errno=${-r} (${strerror(-r)})\n`);
    else this.flush(` = ${call.hexResult ? hex(r) : String(r)}\n`);
  }

  private flush(tail: string): void {
    writeSync(2, tail);
    this.line = '';
  }
}
