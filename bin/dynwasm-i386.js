#!/bin/sh
':' //; p=$0; [ -L "$p" ] && p=$(readlink -f -- "$p"); [ "${p#*/}" = "$p" ] && p=./$p; cli=i386-linux; . "${p%/*}/launch.sh"; exec node "$p" "$@"
// The line above is the shell's (bin/launch.sh: start from the V8 start-up snapshot); to Node it is a string and a comment.
import { launch } from './launch.js';
await launch('dynwasm-i386', 'i386-linux');
