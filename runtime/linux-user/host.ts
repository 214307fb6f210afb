/**
 * The host's POSIX calls that Node does not offer (or offers only with its own buffering and
 * flags): the C library through koffi, in one place. Guest buffers are passed as views of the
 * guest's linear memory, so the host kernel reads and writes guest memory directly, as
 * qemu-user's g2h() pointers do. Each call returns the result or -errno (Linux's errno numbers
 * are the same on ARM and x86-64), which is what a guest system call returns.
 */
import koffi from 'koffi';

type Library = ReturnType<typeof koffi.load>;
type LibcFunction = ReturnType<Library['func']>;
let lib: Library | undefined;
/**
 * The host C library, opened at its first use, not at import: a V8 start-up snapshot
 * (scripts/bundle-cli.mjs) holds this module, and a native library cannot be in one.
 */
function libc(): Library {
  if (lib) return lib;
  lib = koffi.load('libc.so.6');
  // Node takes SIGUSR1 to start its inspector; a program's SIGUSR1 ends it unless it handles
  // the signal, and so must the emulator's (signal.ts listens while the guest handles it).
  lib.func('void *signal(int, void *)')(10 /* SIGUSR1 */, null);
  return lib;
}
/** Open the host C library now (LinuxProcess does, before the guest runs: see libc()). */
export function hostInit(): void { libc(); }

/**
 * Functions of the host C library from their C declarations, each bound on its first call
 * (binding one costs about 50 µs: a run calls a few of the ~70 declared).
 */
export function libcFunctions<K extends string>(decls: Record<K, string>): Record<K, LibcFunction> {
  const out = {} as Record<K, LibcFunction>;
  for (const k of Object.keys(decls) as K[]) {
    Object.defineProperty(out, k, {
      configurable: true,
      get: () => {
        const f = libc().func(decls[k]);
        Object.defineProperty(out, k, { value: f });
        return f;
      },
    });
  }
  return out;
}

/** Host libc functions; every pointer argument is a Uint8Array view (or null). */
const c = libcFunctions({
  read: 'long read(int, void *, size_t)',
  write: 'long write(int, void *, size_t)',
  pread: 'long pread64(int, void *, size_t, int64_t)',
  pwrite: 'long pwrite64(int, void *, size_t, int64_t)',
  lseek: 'int64_t lseek64(int, int64_t, int)',
  close: 'int close(int)',
  dup: 'int dup(int)',
  dup3: 'int dup3(int, int, int)',
  fcntl: 'int fcntl(int, int, ...)',
  ioctl: 'int ioctl(int, unsigned long, ...)',
  pipe2: 'int pipe2(_Out_ int *fds, int)',
  poll: 'int poll(void *, unsigned long, int)',
  waitpid: 'int waitpid(int, _Out_ int *, int)',
  kill: 'int kill(int, int)',
  getppid: 'int getppid()',
  getpgid: 'int getpgid(int)',
  setpgid: 'int setpgid(int, int)',
  getsid: 'int getsid(int)',
  setsid: 'int setsid()',
  tcgetpgrp: 'int tcgetpgrp(int)',
  signal: 'void *signal(int, void *)',
  raise: 'int raise(int)',
  exit: 'void _exit(int)',
  isatty: 'int isatty(int)',
  posixSpawn: 'int posix_spawn(_Out_ int *pid, const char *path, void *fileActions, void *attr, const char **argv, const char **envp)',
  faInit: 'int posix_spawn_file_actions_init(void *)',
  faDestroy: 'int posix_spawn_file_actions_destroy(void *)',
  faAddDup2: 'int posix_spawn_file_actions_adddup2(void *, int, int)',
  faAddClose: 'int posix_spawn_file_actions_addclose(void *, int)',
});

/** Result of a libc call that returns -1 and sets errno, as a system call result (-errno). */
export function sysResult(r: number | bigint): number {
  const v = Number(r);
  return v === -1 ? -koffi.errno() : v;
}

export const host = {
  read: (fd: number, buf: Uint8Array): number => sysResult(c.read(fd, buf, buf.length)),
  write: (fd: number, buf: Uint8Array): number => sysResult(c.write(fd, buf, buf.length)),
  pread: (fd: number, buf: Uint8Array, off: bigint): number => sysResult(c.pread(fd, buf, buf.length, off)),
  pwrite: (fd: number, buf: Uint8Array, off: bigint): number => sysResult(c.pwrite(fd, buf, buf.length, off)),
  /** The new offset (a bigint: files may pass 4 GiB) or -errno. */
  lseek: (fd: number, off: bigint, whence: number): bigint => {
    const r = BigInt(c.lseek(fd, off, whence));
    return r === -1n ? BigInt(-koffi.errno()) : r;
  },
  close: (fd: number): number => sysResult(c.close(fd)),
  dup: (fd: number): number => sysResult(c.dup(fd)),
  dup3: (fd: number, to: number, flags: number): number => sysResult(c.dup3(fd, to, flags)),
  /** fcntl with an int argument (F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD…). */
  fcntlInt: (fd: number, cmd: number, arg: number): number => sysResult(c.fcntl(fd, cmd, 'int', arg)),
  /** ioctl whose argument points into guest memory (the layouts used are the same on ARM and x86-64). */
  ioctlPtr: (fd: number, req: number, arg: Uint8Array | null): number => sysResult(c.ioctl(fd, req, 'void *', arg)),
  ioctlInt: (fd: number, req: number, arg: number): number => sysResult(c.ioctl(fd, req, 'long', arg)),
  pipe2: (flags: number): number[] | number => {
    const fds = [0, 0];
    const r = sysResult(c.pipe2(fds, flags));
    return r < 0 ? r : fds;
  },
  /** poll over struct pollfd entries (8 bytes, the same layout on both) in guest memory. */
  poll: (fds: Uint8Array, nfds: number, timeoutMs: number): number => sysResult(c.poll(fds, nfds, timeoutMs)),
  /** waitpid: [pid, raw status] or -errno. */
  waitpid: (pid: number, options: number): [number, number] | number => {
    const st = [0];
    const r = sysResult(c.waitpid(pid, st, options));
    return r < 0 ? r : [r, st[0]];
  },
  kill: (pid: number, sig: number): number => sysResult(c.kill(pid, sig)),
  getppid: (): number => c.getppid() as number,
  getpgid: (pid: number): number => sysResult(c.getpgid(pid)),
  setpgid: (pid: number, pgid: number): number => sysResult(c.setpgid(pid, pgid)),
  getsid: (pid: number): number => sysResult(c.getsid(pid)),
  setsid: (): number => sysResult(c.setsid()),
  tcgetpgrp: (fd: number): number => sysResult(c.tcgetpgrp(fd)),
  isatty: (fd: number): boolean => c.isatty(fd) === 1,
  /**
   * End this process with `status` at once, as the guest's exit does. Node's own exit would
   * restore the terminal settings it found at start-up, undoing a guest's `stty`; guest output
   * is never buffered here (it goes straight to the host descriptors), so nothing is lost.
   */
  exit: (status: number): never => {
    c.exit(status);
    throw new Error('_exit returned');
  },
  /**
   * End this process by signal `sig` with the default action, as the guest's own death by that
   * signal looks to the parent and the shell (qemu-user does the same). Node and V8 install
   * handlers for some signals (SIGSEGV for WebAssembly traps, SIGINT…), so the default action
   * is restored first.
   */
  dieBySignal: (sig: number): never => {
    c.signal(sig, null); // SIG_DFL
    c.raise(sig);
    // A signal whose default action is to ignore it (or a stopped one) did not end us.
    process.exit(128 + sig);
  },
  /**
   * Start `path` with `argv` and `env`, the child's descriptor n being our descriptor fdMap[n]
   * (n from 0; -1 leaves n closed). Returns the pid or -errno. libuv does not know the child,
   * so it does not reap it: waitpid() above sees its status.
   */
  spawn: (path: string, argv: string[], env: string[], fdMap: number[]): number => {
    const fa = Buffer.alloc(1024); // posix_spawn_file_actions_t is 80 bytes on glibc x86-64
    c.faInit(fa);
    try {
      // First move every source above all targets, then into place: a target may be another's source.
      // The temporaries are packed right above every source and target (a guest's fd 900
      // must still work under a 1024-descriptor limit); a refused action fails the spawn.
      const high = Math.max(2, ...fdMap.flatMap((from, to) => (from >= 0 ? [from, to] : []))) + 1;
      const tmp: number[] = [];
      let ok = true, next = high;
      fdMap.forEach((from, to) => { if (from >= 0) { tmp[to] = next++; ok &&= c.faAddDup2(fa, from, tmp[to]) === 0; } });
      fdMap.forEach((from, to) => { if (from >= 0) { ok &&= c.faAddDup2(fa, tmp[to], to) === 0; c.faAddClose(fa, tmp[to]); } });
      if (!ok) return -24; // EMFILE: a descriptor number above the limit
      const pid = [0];
      const r = c.posixSpawn(pid, path, fa, null, [...argv, null], [...env, null]) as number;
      return r === 0 ? pid[0] : -r;
    } finally {
      c.faDestroy(fa);
    }
  },
};
