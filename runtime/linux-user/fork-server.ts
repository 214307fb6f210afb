/**
 * The fork server (a zygote, as Android's): after its first fork an emulator keeps one spare
 * emulator process started ahead of need, so that the next fork costs a message instead of
 * a Node start-up (0.2–0.3 s). The spare is started by the parent with posix_spawn, so it is
 * the parent's child: when a fork hands it the process, the spare IS the child, with its
 * own pid, and the parent's wait() and SIGCHLD see it as they would a forked child.
 *
 * The hand-over: the parent writes the state file as for a spawned child (fork.ts), then
 * sends the spare one message on a SOCK_SEQPACKET Unix socket pair: a JSON part (the guest's
 * descriptor numbers, umask, process group, session, environment) and, with SCM_RIGHTS, the
 * state file's descriptor, the readiness pipe's write end, the current directory (an O_PATH
 * descriptor, for fchdir), the vfork pipe's write end, and the host descriptor of every guest
 * descriptor. The spare places guest 0–2 at host 0–2 (as a spawned child has them) and keeps
 * the others where SCM_RIGHTS put them: its descriptor table maps guest numbers to those host
 * numbers. Then it runs fork-child.ts's resumeForkedChild as a spawned child does.
 *
 * While idle, the spare blocks in recvmsg; it ends when the parent does (end of file on the
 * socket, and PR_SET_PDEATHSIG as a second line), so a parent that exits before using its
 * spare leaves no process behind. It ignores the keyboard's and the terminal's signals while
 * idle (SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU: it shares the parent's process group) and
 * takes back the dispositions it inherited when it becomes the child.
 *
 * The guest never sees a spare: wait4 and waitid (syscalls/process.ts) go through
 * waitChildren(), which reaps a spare that died (or stops and retires one that was stopped)
 * and retries, and answers ECHILD instead of waiting when a spare is the only child the call
 * would wait for.
 *
 * Anything that fails about a spare (it died, its socket is full, its process group is not
 * the parent's any more, more than 250 descriptors…) makes that fork start a child the usual
 * way. DYNWASM_FORK_SERVER=0 turns the fork server off.
 */
import koffi from 'koffi';
import { readFileSync } from 'node:fs';
import { host, libcFunctions, sysResult } from './host.js';
import { ECHILD } from './errno.js';
import { emulatorCommand } from './emulator-command.js';

const c = libcFunctions({
  socketpair: 'int socketpair(int, int, int, _Out_ int *sv)',
  sendmsg: 'long sendmsg(int, void *, int)',
  recvmsg: 'long recvmsg(int, void *, int)',
  fchdir: 'int fchdir(int)',
  prctl: 'int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)',
  signal: 'intptr_t signal(int, intptr_t)',
  openat: 'int openat(int, const char *, int, uint32_t)',
});

const AF_UNIX = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1, SCM_RIGHTS = 1;
const MSG_NOSIGNAL = 0x4000, MSG_DONTWAIT = 0x40, MSG_CMSG_CLOEXEC = 0x40000000, MSG_TRUNC = 0x20, MSG_CTRUNC = 0x8;
const PR_SET_PDEATHSIG = 1;
const O_PATH = 0o10000000, O_DIRECTORY = 0o200000, O_CLOEXEC = 0o2000000, AT_FDCWD = -100;
const SIGKILL = 9;
const WNOHANG = 1;
/** The signals an idle spare ignores: those a terminal sends to the whole foreground process group. */
const IDLE_IGNORED = [2 /* SIGINT */, 3 /* SIGQUIT */, 20 /* SIGTSTP */, 21 /* SIGTTIN */, 22 /* SIGTTOU */];
/** The most descriptors one SCM_RIGHTS message carries (the kernel's SCM_MAX_FD is 253). */
const MAX_PASSED_FDS = 250;
/** The largest hand-over message the spare takes. */
const MAX_MESSAGE = 1 << 20;

/** The environment variable that turns the fork server off (`0`). */
export const FORK_SERVER_VAR = 'DYNWASM_FORK_SERVER';

/** Whether forks go through spares: on unless DYNWASM_FORK_SERVER=0, on a 64-bit host (the msghdr layout below). */
export function forkServerEnabled(): boolean {
  return process.env[FORK_SERVER_VAR] !== '0' && koffi.sizeof('void *') === 8;
}

// --- messages with descriptors ---------------------------------------------------------------
// struct msghdr on 64-bit Linux: name 0, namelen 8, iov 16, iovlen 24, control 32,
// controllen 40, flags 48 (56 bytes); struct iovec: base 0, len 8; struct cmsghdr: len 0 (size_t),
// level 8, type 12, data 16.
const MSGHDR = 0, IOVEC = 64, CMSG = 80;

interface NativeBlock { ptr: unknown; addr: bigint; u8: Uint8Array; view: DataView }
function nativeBlock(len: number): NativeBlock {
  const ptr = koffi.alloc('uint8_t', len);
  const buf = koffi.view(ptr, len);
  return { ptr, addr: koffi.address(ptr), u8: new Uint8Array(buf), view: new DataView(buf) };
}

function cmsgSpace(nfds: number): number { return (16 + 4 * nfds + 7) & ~7; }

/** sendmsg of `payload` with `fds` (SCM_RIGHTS), not blocking: the bytes sent or -errno. */
function sendWithFds(sock: number, payload: Uint8Array, fds: number[]): number {
  const space = cmsgSpace(fds.length);
  const dataOff = CMSG + space;
  const b = nativeBlock(dataOff + payload.length);
  try {
    const v = b.view;
    b.u8.set(payload, dataOff);
    v.setBigUint64(MSGHDR + 16, b.addr + BigInt(IOVEC), true);
    v.setBigUint64(MSGHDR + 24, 1n, true);
    v.setBigUint64(MSGHDR + 32, b.addr + BigInt(CMSG), true);
    v.setBigUint64(MSGHDR + 40, BigInt(space), true);
    v.setBigUint64(IOVEC, b.addr + BigInt(dataOff), true);
    v.setBigUint64(IOVEC + 8, BigInt(payload.length), true);
    v.setBigUint64(CMSG, BigInt(16 + 4 * fds.length), true);
    v.setInt32(CMSG + 8, SOL_SOCKET, true);
    v.setInt32(CMSG + 12, SCM_RIGHTS, true);
    fds.forEach((fd, i) => v.setInt32(CMSG + 16 + 4 * i, fd, true));
    return sysResult(c.sendmsg(sock, b.ptr, MSG_NOSIGNAL | MSG_DONTWAIT));
  } finally {
    koffi.free(b.ptr);
  }
}

/** recvmsg, blocking: the payload and descriptors (close-on-exec), undefined at end of file, or -errno. */
function receiveWithFds(sock: number): { payload: Uint8Array; fds: number[] } | undefined | number {
  const space = cmsgSpace(MAX_PASSED_FDS + 8);
  const dataOff = CMSG + space;
  const b = nativeBlock(dataOff + MAX_MESSAGE);
  try {
    const v = b.view;
    v.setBigUint64(MSGHDR + 16, b.addr + BigInt(IOVEC), true);
    v.setBigUint64(MSGHDR + 24, 1n, true);
    v.setBigUint64(MSGHDR + 32, b.addr + BigInt(CMSG), true);
    v.setBigUint64(MSGHDR + 40, BigInt(space), true);
    v.setBigUint64(IOVEC, b.addr + BigInt(dataOff), true);
    v.setBigUint64(IOVEC + 8, BigInt(MAX_MESSAGE), true);
    let n: number;
    do n = sysResult(c.recvmsg(sock, b.ptr, MSG_CMSG_CLOEXEC)); while (n === -4 /* EINTR */);
    if (n < 0) return n;
    const fds: number[] = [];
    // One SCM_RIGHTS header is all the parent sends.
    const controlLen = Number(v.getBigUint64(MSGHDR + 40, true));
    if (controlLen >= 16 && v.getInt32(CMSG + 8, true) === SOL_SOCKET && v.getInt32(CMSG + 12, true) === SCM_RIGHTS) {
      const count = (Number(v.getBigUint64(CMSG, true)) - 16) / 4;
      for (let i = 0; i < count; i++) fds.push(v.getInt32(CMSG + 16 + 4 * i, true));
    }
    if (n === 0 && fds.length === 0) return undefined;
    if (v.getInt32(MSGHDR + 48, true) & (MSG_TRUNC | MSG_CTRUNC)) {
      for (const fd of fds) host.close(fd);
      return -90; // EMSGSIZE
    }
    return { payload: b.u8.slice(dataOff, dataOff + n), fds };
  } finally {
    koffi.free(b.ptr);
  }
}

// --- the parent's side -----------------------------------------------------------------------
/** The hand-over message's JSON part. */
export interface HandOver {
  /** Guest descriptor numbers, in the order of their host descriptors in the message (after the fixed ones). */
  guestFds: number[];
  /** Whether the vfork pipe's write end is among the fixed descriptors. */
  vfork: boolean;
  umask: number;
  pgid: number;
  env: Record<string, string>;
  /** DYNWASM_FORK_TIMING: the parent's fork() time (epoch ms). */
  t0?: number;
}
/** The fixed descriptors at the start of the message: the state file, the readiness pipe, the current directory, then the vfork pipe. */
export const HANDOVER_STATE = 0, HANDOVER_READY = 1, HANDOVER_CWD = 2, HANDOVER_VFORK = 3;

interface Spare { pid: number; sock: number }
/** The spare ready for the next fork. */
let spare: Spare | undefined;
/** Spares (the current one included) whose end the guest must not see: reaped quietly by waitChildren. */
const hidden = new Set<number>();

/**
 * Start a spare if there is none: `node <execArgv> <forkScript> --fork-spare <socket fd> <our pid> <options>`
 * (emulator-command.ts)
 * (`opts`: the process options as JSON, for the machine the spare makes ahead),
 * its standard descriptors on /dev/null, nothing else of ours (every guest descriptor's host
 * descriptor is close-on-exec: fork.ts keeps them so).
 */
export function startSpare(forkScript: string, opts: object): void {
  if (spare || !forkServerEnabled()) return;
  reapRetired();
  const sv = [0, 0];
  if (sysResult(c.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) < 0) return;
  const nul = c.openat(AT_FDCWD, '/dev/null', 2 /* O_RDWR */ | O_CLOEXEC, 0) as number;
  if (nul < 0) { host.close(sv[0]); host.close(sv[1]); return; }
  const env = Object.entries(process.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  const pid = host.spawn(process.execPath, emulatorCommand(forkScript, ['--fork-spare', '3', String(process.pid), JSON.stringify(opts)]), env, [nul, nul, nul, sv[1]]);
  host.close(nul);
  host.close(sv[1]);
  if (pid < 0) { host.close(sv[0]); return; }
  spare = { pid, sock: sv[0] };
  hidden.add(pid);
}

/** Stop using the spare: killed, and reaped when a wait (or the next start) finds it. */
function retireSpare(): void {
  if (!spare) return;
  host.kill(spare.pid, SIGKILL);
  host.close(spare.sock);
  spare = undefined;
  reapRetired();
}

/** Reap the retired spares that have ended. */
function reapRetired(): void {
  for (const pid of hidden) {
    if (pid === spare?.pid) continue;
    const r = host.waitpid(pid, WNOHANG);
    if (r === -ECHILD || (typeof r !== 'number' && r[0] === pid && (r[1] & 0xff) !== 0x7f)) hidden.delete(pid);
  }
}

/**
 * Hand the process to the spare: the state file, the readiness pipe's write end, the vfork
 * pipe's write end (vfork only), and `fds`, the guest's [number, host descriptor].
 * Returns the child's pid, or undefined when there is no usable spare (the caller starts a
 * child the usual way).
 */
export function handOverToSpare(stateFd: number, readyFd: number, vforkFd: number | undefined, fds: [number, number][], t0: number | undefined): number | undefined {
  const s = spare;
  if (!s) return undefined;
  if (fds.length + 4 > MAX_PASSED_FDS) return undefined;
  // The spare is in the process group and session it was started in; it can move to our
  // process group (setpgid on itself) but not to another session.
  const pgid = host.getpgid(0);
  if (host.getsid(s.pid) !== host.getsid(0) || host.getpgid(s.pid) < 0) { retireSpare(); return undefined; }
  const cwd = c.openat(AT_FDCWD, '.', O_PATH | O_DIRECTORY | O_CLOEXEC, 0) as number;
  if (cwd < 0) return undefined;
  try {
    const umask = process.umask(0);
    process.umask(umask);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    const msg: HandOver = { guestFds: fds.map(([n]) => n), vfork: vforkFd !== undefined, umask, pgid, env, ...(t0 !== undefined ? { t0 } : {}) };
    const passed = [stateFd, readyFd, cwd, ...(vforkFd !== undefined ? [vforkFd] : []), ...fds.map(([, h]) => h)];
    const r = sendWithFds(s.sock, Buffer.from(JSON.stringify(msg), 'utf8'), passed);
    if (r < 0) { retireSpare(); return undefined; }
  } finally {
    host.close(cwd);
  }
  // The spare is the child now: no longer hidden, its socket is closed (it has the message).
  host.close(s.sock);
  hidden.delete(s.pid);
  spare = undefined;
  return s.pid;
}

/** Whether a wait for `pid` (waitpid's: -1 any, 0 our group, < -1 that group, > 0 that child) could report `child`. */
function selects(pid: number, child: number): boolean {
  if (pid > 0) return pid === child;
  if (pid === -1) return true;
  const g = host.getpgid(child);
  return g === (pid === 0 ? host.getpgid(0) : -pid);
}

/** Our children (the main thread's: posix_spawn runs there) other than hidden spares that a wait for `pid` could report. */
function hasOtherChild(pid: number): boolean {
  let text: string;
  try { text = readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8'); } catch { return true; } // unknown: wait
  return text.split(' ').some((w) => { const n = Number(w); return w !== '' && !hidden.has(n) && selects(pid, n); });
}

/**
 * waitpid for the guest's wait4 and waitid, spares hidden: [pid, raw status] or -errno, as
 * host.waitpid. A spare that ended is reaped and the wait goes on; one that was stopped is
 * retired (killed) and the wait goes on; with only spares to wait for, ECHILD.
 */
export function waitChildren(pid: number, options: number): [number, number] | number {
  for (;;) {
    if (hidden.size && ![...hidden].every((h) => !selects(pid, h)) && !hasOtherChild(pid)) {
      reapRetired();
      return -ECHILD;
    }
    const r = host.waitpid(pid, options);
    if (typeof r === 'number' || !hidden.has(r[0])) return r;
    const [child, status] = r;
    if (child === spare?.pid) retireSpare();
    if ((status & 0xff) !== 0x7f && status !== 0xffff) hidden.delete(child);
    else host.kill(child, SIGKILL);
  }
}

// --- the spare's side ------------------------------------------------------------------------
/**
 * In the spare, before it waits: die with the parent, ignore the terminal's signals. Returns
 * false if the parent is already gone. `restore` then gives back the inherited dispositions.
 */
export function prepareSpare(parentPid: number): { restore: () => void } | undefined {
  c.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (host.getppid() !== parentPid) return undefined;
  const old = IDLE_IGNORED.map((sig) => c.signal(sig, 1 /* SIG_IGN */) as number | bigint);
  return {
    restore: () => {
      c.prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
      IDLE_IGNORED.forEach((sig, i) => c.signal(sig, old[i]));
    },
  };
}

/** In the spare: wait for the hand-over (undefined when the parent is gone or the message is bad). */
export function awaitHandOver(sock: number): { msg: HandOver; fds: number[] } | undefined {
  const r = receiveWithFds(sock);
  host.close(sock);
  if (r === undefined || typeof r === 'number') return undefined;
  try {
    const msg = JSON.parse(Buffer.from(r.payload).toString('utf8')) as HandOver;
    const fixed = msg.vfork ? 4 : 3;
    if (!Array.isArray(msg.guestFds) || r.fds.length !== fixed + msg.guestFds.length) throw new Error('bad hand-over');
    return { msg, fds: r.fds };
  } catch {
    for (const fd of r.fds) host.close(fd);
    return undefined;
  }
}

/** In the spare: take the parent's current directory, umask, process group and environment. */
export function applyHandOver(msg: HandOver, cwdFd: number): void {
  if (sysResult(c.fchdir(cwdFd)) === 0) process.chdir('.'); // Node caches the current directory: chdir drops it
  host.close(cwdFd);
  process.umask(msg.umask);
  if (host.getpgid(0) !== msg.pgid) host.setpgid(0, msg.pgid);
  for (const k of Object.keys(process.env)) if (!(k in msg.env)) delete process.env[k];
  Object.assign(process.env, msg.env);
}
