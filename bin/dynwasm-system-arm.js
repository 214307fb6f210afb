#!/usr/bin/env node
import { launch } from './launch.js';
await launch('dynwasm-system-arm', 'system-arm');
