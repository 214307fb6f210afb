# The user-mode CLIs' start when run as commands (bin/dynwasm-arm.js and dynwasm-i386.js are
# shell scripts to the shell and ES modules to Node): sourced with $cli (arm-linux, i386-linux)
# and $p (the script, symbolic links resolved) set, it starts Node from the CLI's V8 start-up
# snapshot, dist/runtime/cli/$cli.blob (runtime/cli/snapshot.ts), while it is fresh: no
# DYNWASM_SNAPSHOT=0, no NODE_OPTIONS (V8's options would make Node refuse the blob), the
# `node` on PATH is the one that built it, and neither it nor any file the blob was made from is
# newer than $cli.blob.sh (written after the blob). Otherwise it returns, and the script runs
# as JavaScript (bin/launch.js). The same checks as snapshot.ts's freshSnapshot, in the shell,
# because the snapshot must be chosen before Node starts.
b="${p%/*}/../dist/runtime/cli/$cli.blob"
if [ "${DYNWASM_SNAPSHOT-}" != 0 ] && [ -z "${NODE_OPTIONS-}" ] && [ -f "$b.sh" ] && [ -f "$b" ] && . "$b.sh" \
  && [ "$(command -v node)" = "$snapshot_node" ] && ! [ "$b" -nt "$b.sh" ] && ! [ "$snapshot_node" -nt "$b.sh" ]; then
  set -f
  old_ifs=$IFS
  IFS='
'
  for f in $snapshot_inputs; do
    if ! [ -f "$f" ] || [ "$f" -nt "$b.sh" ]; then b=; break; fi
  done
  IFS=$old_ifs
  set +f
  [ -n "$b" ] && exec "$snapshot_node" --snapshot-blob "$b" -- "$@"
fi
