/** The entry of `dynwasm-arm`'s V8 start-up snapshot (snapshot.ts; built by scripts/bundle-cli.mjs). */
import { armLinuxCli } from './arm-linux-cli.js';
import { buildLinuxUserSnapshot } from './snapshot.js';

buildLinuxUserSnapshot(armLinuxCli);
