#!/usr/bin/env node
import { launch } from './launch.js';
await launch('dynwasm-i386', 'i386-linux');
