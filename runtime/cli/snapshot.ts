/**
 * The user-mode CLIs' V8 start-up snapshots (Node's `--build-snapshot`): `dist/runtime/cli/<cli>.blob`,
 * a Node heap with the emulator's code loaded and its tables built, so that a process started
 * from it (`node --snapshot-blob <cli>.blob args...`) skips loading, compiling and initialising
 * our modules. scripts/bundle-cli.mjs bundles <cli>-snapshot.ts into one CommonJS script (a
 * snapshot's entry may require built-in modules only; koffi, a native addon, is loaded at its
 * first use after the start) and builds the blob with it.
 *
 * The blob is a build product and used only while it is fresh: `<cli>.blob.json`, written after
 * the blob, names the Node binary and version that made it (another Node refuses a blob, and a
 * truncated one crashes it, so both are checked before Node sees it), the blob's size and the
 * files it was made from; none of those may be newer than the blob. DYNWASM_SNAPSHOT=0 turns
 * snapshots off.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runLinuxUser, type LinuxUserCli } from './linux-user.js';

/** The environment variable that turns start-up snapshots off (`0`). */
export const SNAPSHOT_VAR = 'DYNWASM_SNAPSHOT';

/** `<blob>.json`, written by scripts/bundle-cli.mjs after the blob. */
interface SnapshotMeta {
  /** process.version and process.execPath of the Node that built it. */
  node: string;
  execPath: string;
  /** The blob's size in bytes. */
  size: number;
  /** The files it was made from, absolute. */
  inputs: string[];
}

/**
 * Node's options that a start-up snapshot takes. V8's options (--max-old-space-size,
 * --stack-size…) are part of a snapshot's identity: Node refuses a blob built without them
 * (and ends with status 14), so a Node started with any other option starts its children from
 * the script.
 */
const SNAPSHOT_SAFE_OPTION = /^--(cpu-prof|heap-prof|snapshot-blob|no-warnings|trace-warnings|enable-source-maps|no-deprecation)\b/;

/** Whether a Node started with our options and $NODE_OPTIONS (which children inherit) may start from a snapshot. */
function optionsAllowSnapshot(): boolean {
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)];
  for (let i = 0; i < options.length; i++) {
    if (!SNAPSHOT_SAFE_OPTION.test(options[i])) return false;
    // The options that take their value as the next argument.
    if (/^--(snapshot-blob|cpu-prof-dir|cpu-prof-name|cpu-prof-interval|heap-prof-dir|heap-prof-name|heap-prof-interval)$/.test(options[i])) i++;
  }
  return true;
}

/**
 * `blob` if it exists, this Node made it, this process's Node options allow it, and nothing it
 * was made from changed since; undefined otherwise (or with DYNWASM_SNAPSHOT=0).
 */
export function freshSnapshot(blob: string): string | undefined {
  if (process.env[SNAPSHOT_VAR] === '0' || !optionsAllowSnapshot()) return undefined;
  try {
    const meta = JSON.parse(readFileSync(`${blob}.json`, 'utf8')) as SnapshotMeta;
    if (meta.node !== process.version || meta.execPath !== process.execPath) return undefined;
    const made = statSync(`${blob}.json`).mtimeMs;
    if (statSync(blob).size !== meta.size || statSync(process.execPath).mtimeMs > made) return undefined;
    return meta.inputs.every((f) => statSync(f).mtimeMs <= made) ? blob : undefined;
  } catch {
    return undefined; // no snapshot, or an input is gone
  }
}

/**
 * What a forked child of the emulator whose script is `scriptUrl` (dist/runtime/cli/<cli>.js or
 * its bundle) starts from: the CLI's fresh snapshot (a child started from it pays no module
 * loading), else the script itself.
 */
export function linuxUserForkScript(scriptUrl: string): string {
  const script = fileURLToPath(scriptUrl);
  return freshSnapshot(script.replace(/(\.bundle\.mjs|\.js)$/, '.blob')) ?? script;
}

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
  // and tables (Node takes the snapshot once nothing is left to run).
  void cli.target.loadCpu();
  if (process.env.DYNWASM_SNAPSHOT_WARM !== '0') void cli.target.warmUp?.();
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    void runLinuxUser({ ...cli, forkScript: ownBlob() }, process.argv.slice(1));
  });
}
