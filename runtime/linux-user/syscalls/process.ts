/** Process system calls: exit, identity, process groups, fork/clone (fork.ts), execve, wait. */
import { closeSync, lstatSync, openSync, readSync, readlinkSync, statSync, accessSync, constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { posix } from 'node:path';
import { EACCES, EBADF, EFAULT, EINVAL, ELOOP, ENOENT, ENOEXEC, ENOSYS, ENOTDIR, EPERM } from '../errno.js';
import { childReaped, forkProcess, releaseVforkParent, type CloneRequest } from '../fork.js';
import { waitChildren } from '../fork-server.js';
import { host } from '../host.js';
import { ExecError } from '../loader.js';
import type { LinuxProcess } from '../process.js';
import { SIGCHLD, SIGSEGV } from '../signal.js';
import type { SyscallTable } from '../syscall.js';

const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000,
  CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000,
  CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
/** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, and CLONE_IO's neighbours we do not offer. */
const CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

const WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, WEXITED = 4, WNOWAIT = 0x01000000;
const WAIT_EXTRA = 0x20000000 | 0x40000000 | 0x80000000; // __WNOTHREAD, __WALL, __WCLONE
const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
const P_ALL = 0, P_PID = 1, P_PGID = 2;
const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;
/** Linux's BINPRM_BUF_SIZE: how much of a file execve looks at (the #! line must fit). */
const BINPRM_BUF_SIZE = 256;
/** Interpreter nesting (a #! interpreter that is a script itself), as Linux allows. */
const MAX_INTERP_DEPTH = 4;

/** errno of a Node fs error (the host's numbers are Linux's). */
function errnoOf(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code;
  const n = code ? (osConstants.errno as Record<string, number>)[code] : undefined;
  if (n === undefined) throw e;
  return n;
}

const isProcSelfExe = (p: LinuxProcess, path: string): boolean => path === '/proc/self/exe' || path === `/proc/${p.pid}/exe`;

/**
 * The host file a guest path names for execve: /proc/self/exe is the running program, also
 * through symbolic links to it (busybox applets are often links to it), which the host would
 * resolve to the emulator itself. Links are followed in guest terms, as the kernel would.
 */
function execHostPath(p: LinuxProcess, path: string): string {
  for (let hops = 0; hops < 40; hops++) {
    if (isProcSelfExe(p, path)) return p.exeHostPath;
    const host = p.hostPath(path);
    let target: string;
    try {
      if (!lstatSync(host).isSymbolicLink()) return host;
      target = readlinkSync(host);
    } catch {
      return host; // the caller's stat reports the error
    }
    path = target.startsWith('/') ? target : posix.join(posix.dirname(path), target);
  }
  return p.hostPath(path);
}

/**
 * execve of `path` (a guest path): an ELF for the target replaces the process image; a #! script runs
 * its interpreter with the script as argument, as Linux's binfmt_script. Returns -errno, or
 * undefined when the new program is in place (its registers are set).
 */
function execProgram(p: LinuxProcess, path: string, argv: string[], envp: string[], depth = 0): number | undefined {
  const hostFile = execHostPath(p, path);
  try {
    if (!statSync(hostFile).isFile()) return -EACCES;
    accessSync(hostFile, fsConstants.X_OK);
  } catch (e) {
    return -errnoOf(e);
  }
  const head = new Uint8Array(BINPRM_BUF_SIZE);
  let n: number;
  try {
    const fd = openSync(hostFile, 'r');
    try { n = readSync(fd, head, 0, head.length, 0); } finally { closeSync(fd); }
  } catch (e) {
    return -errnoOf(e);
  }
  if (n >= 20 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    // 32-bit, and the target's e_machine: anything else is not ours to run.
    if (head[4] !== 1 || (head[18] | (head[19] << 8)) !== p.target.elfMachine) return -ENOEXEC;
    const old = p.cpu;
    try {
      p.exec(isProcSelfExe(p, path) ? p.exeHostPath : path, argv, envp, hostFile);
    } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      // Past the point of no return (the old image is gone) Linux kills the process.
      if (p.cpu !== old) p.terminate({ signal: SIGSEGV, core: false });
      return -e.errno;
    }
    p.fds.closeOnExec();
    p.clearChildTid = 0;
    releaseVforkParent();
    return undefined;
  }
  if (n >= 2 && head[0] === 0x23 && head[1] === 0x21) {
    if (depth >= MAX_INTERP_DEPTH) return -ELOOP;
    // "#!interpreter [one argument]": the line ends at \n (or at the buffer's end).
    let line = Buffer.from(head.subarray(2, n)).toString('latin1');
    const nl = line.indexOf('\n');
    if (nl >= 0) line = line.slice(0, nl);
    line = line.replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
    if (line === '') return -ENOEXEC;
    const ws = line.search(/[ \t]/);
    const interp = ws < 0 ? line : line.slice(0, ws);
    const arg = ws < 0 ? '' : line.slice(ws).replace(/^[ \t]+/, '');
    const args = [interp, ...(arg ? [arg] : []), path, ...argv.slice(1)];
    const r = execProgram(p, interp, args, envp, depth + 1);
    // A missing interpreter is ENOENT, as Linux says it.
    return r;
  }
  return -ENOEXEC;
}

/** The path execveat names: relative to a directory descriptor, or the descriptor itself. */
function execatPath(p: LinuxProcess, dirfd: number, path: string, flags: number): string | number {
  if (path === '') {
    if (!(flags & AT_EMPTY_PATH)) return -ENOENT;
    const f = p.fds.get(dirfd);
    if (!f) return -EBADF;
    return f.path ?? -ENOENT; // without a known path the descriptor cannot be run
  }
  if (path.startsWith('/') || dirfd === AT_FDCWD) return path;
  const f = p.fds.get(dirfd);
  if (!f) return -EBADF;
  if (f.path === undefined) return -ENOTDIR;
  return posix.join(f.path, path);
}

/** clone / fork / vfork. */
function clone(p: LinuxProcess, flags: number, stack: number, ptid: number, tls: number, ctid: number): number {
  // Threads (CLONE_VM without CLONE_VFORK) need a second CPU over the same memory in this
  // process: not offered, -ENOSYS (pthread_create then fails with ENOSYS). CLONE_VM with
  // CLONE_VFORK (glibc's posix_spawn and vfork) gets fork semantics, as does plain fork.
  if (flags & CLONE_VM && !(flags & CLONE_VFORK)) return -ENOSYS;
  if (flags & (CLONE_THREAD | CLONE_SIGHAND) && !(flags & CLONE_VM)) return -EINVAL;
  if (flags & (CLONE_THREAD | CLONE_PIDFD | CLONE_PARENT)) return -EINVAL;
  if (flags & CLONE_NAMESPACES) return -EPERM;
  void CLONE_FS; void CLONE_FILES; // sharing the cwd or the descriptor table with the child: not offered, ignored
  const req: CloneRequest = {};
  if (stack) req.stack = stack >>> 0;
  if (flags & CLONE_VFORK) req.vfork = true;
  if (flags & CLONE_SETTLS) req.tls = tls >>> 0;
  if (flags & CLONE_CHILD_SETTID) req.childSetTid = ctid >>> 0;
  if (flags & CLONE_CHILD_CLEARTID) req.childClearTid = ctid >>> 0;
  if (flags & CLONE_PARENT_SETTID && !p.mem.accessible(ptid >>> 0, 4, 2)) return -EFAULT;
  const pid = forkProcess(p, req);
  if (pid > 0 && flags & CLONE_PARENT_SETTID) p.mem.setU32(ptid, pid);
  return pid;
}

/** waitpid's status in guest memory and zeroed rusage (72 bytes: struct rusage with 32-bit longs). */
export function wait4(p: LinuxProcess, pid: number, statusPtr: number, options: number, rusage: number): number {
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WAIT_EXTRA)) return -EINVAL;
  if (statusPtr && !p.mem.accessible(statusPtr >>> 0, 4, 2)) return -EFAULT;
  if (rusage && !p.mem.accessible(rusage >>> 0, 72, 2)) return -EFAULT;
  const r = waitChildren(pid, options);
  if (typeof r === 'number') return r;
  const [child, status] = r;
  if (child > 0) {
    if ((status & 0xff) !== 0x7f) childReaped(child); // ended, not stopped
    if (statusPtr) p.mem.setU32(statusPtr, status);
    if (rusage) p.mem.writable(rusage >>> 0, 72).fill(0);
  }
  return child;
}

/** waitid through waitpid (no WNOWAIT: waitpid cannot leave the child waitable). */
function waitid(p: LinuxProcess, idtype: number, id: number, infop: number, options: number, rusage: number): number {
  if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WAIT_EXTRA)) return -EINVAL;
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return -EINVAL;
  if (options & WNOWAIT) return -EINVAL; // not offered
  // waitpid always reports exits; a waitid without WEXITED is not offered either.
  if (!(options & WEXITED)) return -EINVAL;
  let pid: number;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID) { if (id <= 0) return -EINVAL; pid = id; }
  else if (idtype === P_PGID) { if (id < 0) return -EINVAL; pid = id === 0 ? 0 : -id; }
  else return -EINVAL;
  if (infop && !p.mem.accessible(infop >>> 0, 128, 2)) return -EFAULT;
  const r = waitChildren(pid, options & (WNOHANG | WUNTRACED | WCONTINUED | WAIT_EXTRA));
  if (typeof r === 'number') return r;
  const [child, status] = r;
  if (child > 0 && (status & 0xff) !== 0x7f && status !== 0xffff) childReaped(child);
  if (infop) {
    const info = p.mem.writable(infop >>> 0, 128);
    info.fill(0);
    if (child > 0) {
      const v = new DataView(info.buffer, info.byteOffset, 128);
      let code: number, st: number;
      const sig = status & 0x7f;
      if (sig === 0) { code = CLD_EXITED; st = (status >> 8) & 0xff; }
      else if (sig === 0x7f) { code = CLD_STOPPED; st = (status >> 8) & 0xff; }
      else if (status === 0xffff) { code = CLD_CONTINUED; st = 18; /* SIGCONT */ }
      else { code = status & 0x80 ? CLD_DUMPED : CLD_KILLED; st = sig; }
      v.setInt32(0, SIGCHLD, true);
      v.setInt32(8, code, true);
      v.setInt32(12, child, true);
      v.setUint32(16, process.getuid?.() ?? 0, true);
      v.setInt32(20, st, true);
    }
  }
  if (rusage) p.mem.writable(rusage >>> 0, 72).fill(0);
  return 0;
}

export const processSyscalls: SyscallTable = {
  exit: { args: ['d'], run: (p, status) => p.terminate({ exitCode: status & 0xff }) },
  exit_group: { args: ['d'], run: (p, status) => p.terminate({ exitCode: status & 0xff }) },
  getpid: { args: [], run: (p) => p.pid },
  gettid: { args: [], run: (p) => p.pid },
  set_tid_address: { args: ['p'], run: (p, ptr) => { p.clearChildTid = ptr >>> 0; return p.pid; } },

  fork: { args: [], run: (p) => forkProcess(p) },
  vfork: { args: [], run: (p) => forkProcess(p, { vfork: true }) },
  // clone's arguments in ARM's and i386's order (CLONE_BACKWARDS): (flags, newsp, parent_tidptr, tls, child_tidptr).
  clone: { args: ['x', 'p', 'p', 'p', 'p'], run: (p, flags, stack, ptid, tls, ctid) => clone(p, flags, stack, ptid, tls, ctid) },
  execve: {
    args: ['s', 'p', 'p'],
    run(p, path, argv, envp) {
      return execProgram(p, p.mem.cstring(path), p.mem.cstringArray(argv), p.mem.cstringArray(envp));
    },
  },
  execveat: {
    args: ['fd', 's', 'p', 'p', 'x'],
    run(p, dirfd, pathPtr, argv, envp, flags) {
      if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
      const path = execatPath(p, dirfd, p.mem.cstring(pathPtr), flags);
      if (typeof path === 'number') return path;
      if (flags & AT_SYMLINK_NOFOLLOW) {
        try { if (lstatSync(p.hostPath(path)).isSymbolicLink()) return -ELOOP; } catch (e) { return -errnoOf(e); }
      }
      return execProgram(p, path, p.mem.cstringArray(argv), p.mem.cstringArray(envp));
    },
  },
  wait4: { args: ['d', 'p', 'x', 'p'], run: (p, pid, status, options, rusage) => wait4(p, pid, status, options, rusage) },
  waitid: {
    args: ['d', 'd', 'p', 'x', 'p'],
    run: (p, idtype, id, infop, options, rusage) => waitid(p, idtype, id, infop, options, rusage),
  },

  getppid: { args: [], run: () => host.getppid() },
  getpgid: { args: ['d'], run: (_p, pid) => host.getpgid(pid) },
  getpgrp: { args: [], run: () => host.getpgid(0) },
  setpgid: { args: ['d', 'd'], run: (_p, pid, pgid) => host.setpgid(pid, pgid) },
  getsid: { args: ['d'], run: (_p, pid) => host.getsid(pid) },
  setsid: { args: [], run: () => host.setsid() },
};
