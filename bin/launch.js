// The launchers' shared part: the CLIs are TypeScript compiled by `npm run gen` into dist/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import nodeModule from 'node:module';
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
  nodeModule.enableCompileCache?.();
  await import(pathToFileURL(freshBundle(module) ?? main).href);
}

/**
 * dist/runtime/cli/<module>.bundle.mjs (scripts/bundle-cli.mjs) if no file it was made from
 * has changed since: one file for Node to load instead of ~80.
 */
function freshBundle(module) {
  const bundle = fileURLToPath(new URL(`../dist/runtime/cli/${module}.bundle.mjs`, import.meta.url));
  try {
    const inputs = JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8'));
    const made = statSync(`${bundle}.inputs.json`).mtimeMs;
    return inputs.every((f) => statSync(f).mtimeMs <= made) ? bundle : undefined;
  } catch {
    return undefined; // no bundle, or an input is gone
  }
}
