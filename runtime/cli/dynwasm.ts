/** `dynwasm <command>`: tools around the emulator. Today: `dynwasm ops`, the op-table inspector. */
import { opsCommand } from './ops-command.js';

const USAGE = `usage: dynwasm <command> [options]

commands:
  ops [name] [--target T] [--json]   list the generated micro-op tables, or show one op
                                     (TypeScript source, WebAssembly text, bytes with holes)`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'ops': return opsCommand(rest);
    case '-h': case '--help': case 'help': console.log(USAGE); return 0;
    case undefined: console.error(USAGE); return 2;
    default: console.error(`dynwasm: unknown command '${cmd}'\n${USAGE}`); return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
