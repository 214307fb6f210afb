/** How an emulator starts another emulator process (a forked child, a spare); runtime/cli/snapshot.ts makes the snapshots. */

/**
 * The command line that starts a Node running the emulator `forkScript` with `args`, with this
 * process's Node options: `node <options> script args`, or for a V8 start-up snapshot (a .blob),
 * `node <options> --snapshot-blob blob -- args` (a snapshot takes no script).
 */
export function emulatorCommand(forkScript: string, args: string[]): string[] {
  const opts: string[] = [];
  const ours = process.execArgv;
  // Our own snapshot, if we started from one, is not the child's business.
  for (let i = 0; i < ours.length; i++) {
    if (ours[i] === '--snapshot-blob') i++;
    else if (!ours[i].startsWith('--snapshot-blob=')) opts.push(ours[i]);
  }
  // After a snapshot, `--` ends Node's options: the emulator's own (--fork-child) would be taken for Node's.
  const start = forkScript.endsWith('.blob') ? ['--snapshot-blob', forkScript, '--'] : [forkScript];
  return [process.execPath, ...opts, ...start, ...args];
}
