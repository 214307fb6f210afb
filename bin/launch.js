// The launchers' shared part: the CLIs are TypeScript compiled by `npm run gen` into dist/.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Run dist/runtime/cli/<module>.js, or say that the project is not built yet. */
export async function launch(name, module) {
  const main = fileURLToPath(new URL(`../dist/runtime/cli/${module}.js`, import.meta.url));
  if (!existsSync(main)) {
    console.error(`${name}: not built yet: run \`npm run gen\` first`);
    process.exit(2);
  }
  // Node >= 22.1 keeps the compiled JavaScript of our modules on disk between runs (its
  // compile cache, under the system's temporary directory or $NODE_COMPILE_CACHE); older Nodes
  // have no such cache, and this costs them nothing.
  module.enableCompileCache?.();
  await import(pathToFileURL(main).href);
}
