/**
 * Whether a user-mode CLI's V8 start-up snapshot (snapshot.ts), dist/runtime/cli/<cli>.blob, may be
 * used. It is a build product, used only while it is fresh: `<cli>.blob.json`, written after the
 * blob, names the Node binary and version that made it (another Node refuses a blob, and a
 * truncated one crashes it, so both are checked before Node sees it), the blob's size and the
 * files it was made from; none of those may be newer than the blob. DYNWASM_SNAPSHOT=0 turns
 * snapshots off. bin/launch.sh makes the same checks in the shell.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** Whether a Node started with the options `execArgv` and the environment's $NODE_OPTIONS may start from a snapshot. */
function optionsAllowSnapshot(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const options = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)];
  for (let i = 0; i < options.length; i++) {
    if (!SNAPSHOT_SAFE_OPTION.test(options[i])) return false;
    // The options that take their value as the next argument.
    if (/^--(snapshot-blob|cpu-prof-dir|cpu-prof-name|cpu-prof-interval|heap-prof-dir|heap-prof-name|heap-prof-interval)$/.test(options[i])) i++;
  }
  return true;
}

/**
 * `blob` if it exists, this Node made it, the Node options of the process that would start from
 * it allow it (`execArgv` and `env`: a forked child has ours), and nothing it was made from
 * changed since; undefined otherwise (or with DYNWASM_SNAPSHOT=0 in `env`).
 */
export function freshSnapshot(blob: string, execArgv = process.execArgv, env = process.env): string | undefined {
  if (env[SNAPSHOT_VAR] === '0' || !optionsAllowSnapshot(execArgv, env)) return undefined;
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
