/**
 * The user-mode CLIs' V8 start-up snapshots (Node's `--build-snapshot`): `dist/runtime/cli/<cli>.blob`,
 * a Node heap with the emulator's code loaded and its tables built, so that a process started
 * from it (`node --snapshot-blob <cli>.blob args...`) skips loading, compiling and initialising
 * our modules. scripts/bundle-cli.mjs bundles <cli>-snapshot.ts into one CommonJS script (a
 * snapshot's entry may require built-in modules only; koffi, a native addon, is loaded at its
 * first use after the start) and builds the blob with it.
 *
 * The blob is a build product, used only while it is fresh (snapshot-file.ts).
 */
import { resolve } from 'node:path';
import v8 from 'node:v8';
import { buildIdentity } from '../translation-cache.js';
import { runLinuxUser, type LinuxUserCli } from './linux-user.js';

/** The blob this process started from (`--snapshot-blob path`), absolute. */
function ownBlob(): string {
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--snapshot-blob' && i + 1 < args.length) return resolve(args[i + 1]);
    if (args[i].startsWith('--snapshot-blob=')) return resolve(args[i].slice('--snapshot-blob='.length));
  }
  throw new Error('not started from a snapshot (--snapshot-blob)');
}

/**
 * The snapshot's entry (<cli>-snapshot.ts), run by `node --build-snapshot`: load what can be
 * loaded, then name the function that runs when a process starts from the snapshot (with the
 * command line in process.argv[1...]: there is no script).
 */
export function buildLinuxUserSnapshot(cli: Omit<LinuxUserCli, 'forkScript'>): void {
  // The op table (the generated snippets and their metadata), and the translator's functions
  // and tables (Node takes the snapshot once nothing is left to run; DYNWASM_SNAPSHOT_WARM=0
  // while it is built leaves the warm-up out, to measure what it saves).
  void cli.target.loadCpu();
  // The build's identity for the translation cache: the snapshot keeps it (its hash of our code
  // would otherwise be made again by every process).
  buildIdentity();
  if (process.env.DYNWASM_SNAPSHOT_WARM !== '0') void cli.target.warmUp?.();
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    void runLinuxUser({ ...cli, forkScript: ownBlob() }, process.argv.slice(1));
  });
}
