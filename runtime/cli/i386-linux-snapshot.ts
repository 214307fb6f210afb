/** The entry of `dynwasm-i386`'s V8 start-up snapshot (snapshot.ts; built by scripts/bundle-cli.mjs). */
import { i386LinuxCli } from './i386-linux-cli.js';
import { buildLinuxUserSnapshot } from './snapshot.js';

buildLinuxUserSnapshot(i386LinuxCli);
