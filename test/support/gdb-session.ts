/**
 * A gdb session against an emulator that listens for gdb (qemu-system-arm -s -S, dynwasm's
 * stubs): Debian's gdb-multiarch in batch mode runs a script of commands, and the emulator's
 * output and exit status are collected. Used by the gdb stub's tests and the API's.
 */
import { spawn } from 'node:child_process';
import { waitListening } from './rsp.js';

export interface Session { gdb: string; guestOut: string; status: number | null }

/** Start `cmd args` (which listens for gdb on `port`), run gdb's script against it, wait for both. */
export async function session(cmd: string, args: string[], port: number, elf: string, script: string[]): Promise<Session> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
  let guestOut = '';
  child.stdout!.on('data', (d) => { guestOut += d; });
  child.stderr!.on('data', (d) => { guestOut += d; });
  // 'close', not 'exit': the output is complete only once the pipes are drained.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    await waitListening(port, child);
    // A generous remote timeout: the machine is shared, and a slow reply must not end the session.
    const gdbArgs = ['-q', '-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set confirm off', '-ex', 'set remotetimeout 60', '-ex', `target remote :${port}`];
    for (const c of script) gdbArgs.push('-ex', c);
    gdbArgs.push(elf);
    const gdb = await new Promise<string>((resolve, reject) => {
      // stdout and stderr in one pipe, so that error lines keep their place among the others
      const g = spawn('sh', ['-c', 'exec gdb-multiarch "$@" 2>&1', 'gdb', ...gdbArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      g.stdout.on('data', (d) => { out += d; });
      const timer = setTimeout(() => { g.kill(); reject(new Error(`gdb timed out; output so far:\n${out}`)); }, 180_000);
      g.on('close', () => { clearTimeout(timer); resolve(out); });
    });
    const timer = setTimeout(() => child.kill(), 30_000);
    const status = await exited;
    clearTimeout(timer);
    return { gdb, guestOut, status };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
