/**
 * The busybox cases of test/linux-busybox.test.ts (dynwasm-arm) and test/i386-busybox.test.ts
 * (dynwasm-i386): one case list, one set of input files and one way of checking, for both guests.
 * Each guest runs Debian's busybox-static for its architecture (fetched by
 * scripts/fetch-busybox.sh, all three of the same version) in both engines; stdout and the ending
 * (exit status or killing signal) must be those of the reference. Each run gets a fresh temporary
 * directory holding the same input files.
 *
 * The reference of the shell cases is the same busybox version built for the host
 * (build/busybox-native/, the same Debian package for the host's architecture, same
 * configuration): busybox's shell runs most applets by exec'ing /proc/self/exe, and qemu-user
 * hands execve to the host kernel, which cannot run the guest's programs (ARM without binfmt_misc;
 * i386 with the kernel's IA-32 emulation off, as here). The applets run directly (no shell, no
 * exec) have qemu-user running the same guest binary as their reference, and the native busybox
 * as a second one.
 */
import test from 'ava';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, TOOLS } from './tools.js';
import { baseEnv, ENGINES, ending, freshDir, Limiter, NATIVE_BUSYBOX, requireFile, runProcess, runUnder, type Guest, type Outcome, type Runner } from './linux-run.js';

const FETCH_HINT = 'run scripts/fetch-busybox.sh';

interface Case {
  name: string;
  /** A shell script for `busybox sh -c`, or the argv of a direct `busybox <applet> ...`. */
  sh?: string;
  argv?: string[];
}

export const CASES: Case[] = [
  // Applets, run directly.
  { name: 'echo', argv: ['echo', 'hello', 'world'] },
  { name: 'printf', argv: ['printf', '%s=%d|%5.2f|%x|%-4s|\\n', 'a', '42', '3.14159', '255', 'z'] },
  { name: 'true', argv: ['true'] },
  { name: 'false', argv: ['false'] },
  { name: 'seq', argv: ['seq', '2', '3', '20'] },
  { name: 'basename and dirname', sh: 'basename /a/b/c.txt .txt; basename /a/b/; dirname /a/b/c.txt; dirname c.txt; dirname /' },
  // Text applets.
  { name: 'echo -n and -e', sh: "echo -n 'no newline|'; echo -e 'a\\tb\\nc'" },
  { name: 'cat and cat -n', sh: 'cat in.txt words.txt; cat -n words.txt; cat < numbers.txt' },
  { name: 'head', sh: 'head -n 2 in.txt; head -c 10 words.txt; echo; head -n 1 in.txt words.txt' },
  { name: 'tail', sh: 'tail -n 2 in.txt; tail -c 8 words.txt; tail -n +4 in.txt' },
  { name: 'wc', sh: 'wc in.txt; wc -l words.txt; wc -w < words.txt; wc -c data.csv' },
  { name: 'sort', sh: 'sort in.txt; sort -n numbers.txt; sort -rn numbers.txt; sort -u in.txt; sort -t, -k2 -n data.csv' },
  { name: 'uniq', sh: 'sort in.txt | uniq; sort in.txt | uniq -c; sort in.txt | uniq -d' },
  { name: 'cut', sh: 'cut -d, -f1,3 data.csv; cut -c1-3 in.txt' },
  { name: 'tr', sh: "tr a-z A-Z < words.txt; echo hello | tr -d l; echo 'a   b    c' | tr -s ' '" },
  { name: 'sed', sh: "sed 's/a/A/g' in.txt; sed -n '2,3p' words.txt; sed '/apple/d' in.txt; sed -e '1i first' -e '$a last' numbers.txt; cp in.txt e.txt; sed -i 's/cherry/CHERRY/' e.txt; cat e.txt" },
  { name: 'awk', sh: "awk -F, 'NR > 1 { q += $2; printf \"%s %.2f\\n\", $1, $2 * $3 } END { print \"total\", q }' data.csv; awk '{ n[$1]++ } END { for (k in n) print k, n[k] }' in.txt | sort; awk 'BEGIN { print length(\"abcdef\"), substr(\"abcdef\", 2, 3), index(\"abc\", \"c\"), toupper(\"x\") }'" },
  { name: 'grep', sh: 'grep -n an in.txt; grep -c apple in.txt; grep -v a in.txt; grep -i THE words.txt; grep -E "^(ch|da)" in.txt; grep -o "o[a-z]" words.txt; grep -r C tree | sort; grep zzz in.txt; echo "status $?"' },
  { name: 'expr', sh: 'expr 3 + 4 \\* 5; expr 17 / 5; expr 17 % 5; expr length hello; expr abc : "a\\(.\\)"; expr 5 - 5; echo "status $?"' },
  { name: 'fold and rev', sh: 'echo abcdefghijklmnopqrstuvwxyz | fold -w 7; rev words.txt' },
  { name: 'od', sh: 'od -c words.txt | head -n 3; printf "\\001\\377AB" | od -An -tx1; echo 12345678 | od -An -tx4' },
  { name: 'dd', sh: 'dd if=in.txt bs=1 skip=2 count=5 2>/dev/null; echo; dd if=words.txt bs=4 count=2 2>/dev/null | wc -c; dd if=/dev/zero bs=512 count=4 2>/dev/null | wc -c' },
  { name: 'md5sum sha1sum sha256sum', sh: 'md5sum in.txt words.txt; sha1sum in.txt; sha256sum data.csv; echo abc | md5sum; echo abc | sha256sum' },
  { name: 'cmp', sh: 'cp in.txt same.txt; cmp in.txt same.txt; echo "same: $?"; cmp in.txt words.txt; echo "different: $?"' },
  { name: 'diff', sh: 'printf "a\\nb\\nc\\n" > x; printf "a\\nB\\nc\\nd\\n" > y; diff x y | tail -n +3; echo "status $?"; diff x x; echo "same $?"' },
  { name: 'test and [', sh: '[ -f in.txt ] && echo file; [ -d tree ] && echo dir; [ -e missing ] || echo missing; test 3 -lt 5; echo $?; [ abc = abd ]; echo $?; [ -n "" ]; echo $?; [ -z "" ] && echo empty; [ 2 -ge 2 -a 1 -ne 2 ] && echo and' },
  { name: 'env', sh: 'env | grep "^DWT_" | sort; DWT_X=local env | grep "^DWT_X"; unset DWT_ONE; env | grep -c "^DWT_"' },
  { name: 'pwd and cd', sh: 'mkdir -p a/b; cd a/b; pwd | rev | cut -d/ -f1-2 | rev; cd ..; pwd | rev | cut -d/ -f1 | rev; cd -  >/dev/null; basename "$PWD"' },
  // Files.
  { name: 'ls', sh: 'ls; echo --; ls -a tree; echo --; ls -R tree; echo --; ls -1F tree; ls missing; echo "status $?"' },
  { name: 'cp mv rm', sh: 'cp in.txt c1; cp -r tree t2; mv c1 c2; ls; ls -R t2; rm c2; rm -r t2; rm -f nothing; rm nothing; echo "status $?"; ls' },
  { name: 'mkdir and rmdir', sh: 'mkdir -p x/y/z; ls -R x; rmdir x/y/z; rmdir -p x/y; ls; mkdir tree; echo "status $?"; rmdir tree; echo "status $?"' },
  { name: 'ln -s and readlink', sh: 'ln -s in.txt link; readlink link; cat link | head -n 1; ln in.txt hard; stat -c "%h %n" hard; ln -s missing dangling; readlink dangling; [ -L dangling ] && echo symlink; [ -e dangling ] || echo dangling' },
  { name: 'touch and stat', sh: 'touch new; stat -c "%s %F %a" new in.txt tree; touch -d "2001-02-03 04:05:06" in.txt; stat -c "%Y" in.txt; echo x >> new; stat -c "%s %n" new' },
  { name: 'find', sh: 'find tree | sort; find . -name "*.txt" -type f | sort; find tree -maxdepth 1 -type d | sort; find tree -type f -name "[cd]*" | sort; find tree -empty | sort' },
  { name: 'xargs', sh: 'printf "a\\nb\\nc\\n" | xargs echo got; printf "1 2 3 4 5" | xargs -n 2 echo; find tree -type f | sort | xargs cat' },
  { name: 'tee', sh: 'echo teed | tee t1 t2; cat t1 t2; echo more | tee -a t1 > /dev/null; cat t1' },
  { name: 'gzip and gunzip round trip', sh: 'cp in.txt g.txt; gzip g.txt; ls g.txt*; gunzip g.txt.gz; cmp in.txt g.txt && echo same; seq 1000 | gzip -c | gunzip -c | md5sum; gzip -c words.txt | gzip -d | cat' },
  { name: 'tar create and list', sh: 'tar cf t.tar tree in.txt; tar tf t.tar | sort; mkdir out; tar xf t.tar -C out; diff -r tree out/tree && echo same; tar czf t.tgz tree; tar tzf t.tgz | sort | head -n 3' },
  // Shell constructs.
  { name: 'sh: pipeline', sh: 'cat in.txt | sort | uniq -c | sort -rn | head -n 2' },
  { name: 'sh: long pipeline of a big input', sh: 'seq 20000 | cat | grep 7 | cut -c1-3 | sort -u | wc -l' },
  { name: 'sh: command substitution', sh: 'n=$(wc -l < in.txt); echo "lines: $n"; echo "nested: $(echo $(echo deep))"; echo `echo backquotes`' },
  { name: 'sh: subshell', sh: 'x=1; (x=2; cd tree; echo "inside $x $(basename $(pwd))"); echo "outside $x $(basename $(pwd) | cut -c1-7)"' },
  { name: 'sh: arithmetic', sh: 'a=7; b=3; echo $((a + b)) $((a * b)) $((a / b)) $((a % b)) $((a << 2)) $((-a)) $((a > b)) $((0x10 + 010)); i=0; i=$((i + 1)); echo $i' },
  { name: 'sh: for and while loops', sh: 'for w in one two three; do echo "w=$w"; done; i=0; while [ $i -lt 4 ]; do i=$((i + 1)); [ $i -eq 2 ] && continue; echo "i=$i"; done; for f in tree/*.txt; do echo "$f"; done; seq 3 | while read n; do echo "read $n"; done; until [ $i -le 0 ]; do i=$((i - 2)); done; echo $i' },
  { name: 'sh: if and case', sh: 'for v in apple 42 Zed ""; do case "$v" in [0-9]*) echo "$v: number";; a*) echo "$v: a-word";; "") echo "empty";; *) echo "$v: other";; esac; done; if [ -f in.txt ]; then echo yes; elif true; then echo no; else echo never; fi' },
  { name: 'sh: redirections', sh: 'echo one > r; echo two >> r; cat < r; ls missing 2>&1 | wc -l; ls missing 2>/dev/null; echo "status $?"; { echo a; echo b >&2; } 2>&1 > o | cat; cat o; exec 3> fd3; echo via3 >&3; exec 3>&-; cat fd3' },
  { name: 'sh: here-documents', sh: 'v=expanded; cat <<EOF\nline $v\n$((1 + 2))\nEOF\ncat <<\'EOF\'\nline $v\nEOF\ncat <<-EOF\n\tstripped tabs\n\tEOF\nwc -l <<EOF\na\nb\nEOF' },
  { name: 'sh: functions', sh: 'greet() { echo "hello $1 ($#)"; return 3; }; greet world a b; echo "returned $?"; fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }; fact 10; f() { local x=inner; echo $x; }; x=outer; f; echo $x' },
  { name: 'sh: parameter expansion', sh: 'p=/usr/lib/file.tar.gz; echo ${p##*/} ${p%.*} ${p%%.*} ${p#/usr} ${#p}; echo ${unset:-default} ${unset:+alt} ${p:+set}; set -- a b c; echo $# $1 "$@" ${2}; shift; echo $*' },
  { name: 'sh: read and IFS', sh: 'IFS=, read a b c <<EOF\n1,2,3,4\nEOF\necho "$a|$b|$c"; while IFS=, read n q p; do echo "$n costs $p"; done < data.csv' },
  { name: 'sh: exit status propagation', sh: 'sh -c "exit 3"; echo "child $?"; (exit 4); echo "subshell $?"; false | true; echo "pipeline $?"; ! true; echo "negated $?"; f() { return 5; }; f; echo "function $?"; exit 6' },
  { name: 'sh: set -e stops at the first failure', sh: 'set -e; echo before; false; echo "not reached"' },
  { name: 'sh: set -e ignores conditions', sh: 'set -e; if false; then :; fi; false || echo rescued; true && echo fine; echo end' },
  { name: 'sh: exit code of the last command', sh: 'grep -q zzz in.txt' },
  { name: 'sh: background job and wait', sh: '(exit 5) & wait $!; echo "waited $?"; (sleep 0.1; echo late) & echo early; wait; echo all done' },
  { name: 'sh: trap', sh: "trap 'echo on exit' EXIT; trap 'echo got USR1' USR1; kill -USR1 $$; echo after; (trap 'echo sub exit' EXIT; echo in sub)" },
  { name: 'sh: killed by a signal', sh: 'echo before; kill -9 $$; echo after' },
  { name: 'sh: yes | head (SIGPIPE)', sh: 'yes abc | head -n 3; echo "status $?"' },
  { name: 'sh: nested sh -c', sh: 'sh -c \'echo "level 1"; sh -c "echo level 2; exit 2"; echo "inner status $?"\'' },
  // Applets run directly: the same guest binary under qemu-user is the reference.
  { name: 'direct: cat', argv: ['cat', 'in.txt', 'words.txt'] },
  { name: 'direct: head', argv: ['head', '-n', '2', 'in.txt'] },
  { name: 'direct: tail', argv: ['tail', '-n', '2', 'words.txt'] },
  { name: 'direct: wc', argv: ['wc', 'in.txt', 'words.txt', 'data.csv'] },
  { name: 'direct: sort', argv: ['sort', '-t,', '-k2', '-n', 'data.csv'] },
  { name: 'direct: sort -u', argv: ['sort', '-u', 'in.txt'] },
  { name: 'direct: cut', argv: ['cut', '-d,', '-f1,3', 'data.csv'] },
  { name: 'direct: sed', argv: ['sed', '-e', 's/a/A/g', '-e', '2d', 'in.txt'] },
  { name: 'direct: awk', argv: ['awk', '-F,', 'NR > 1 { s += $2 * $3 } END { printf "%.2f\n", s }', 'data.csv'] },
  { name: 'direct: grep', argv: ['grep', '-n', '-e', 'an', '-e', 'ch', 'in.txt'] },
  { name: 'direct: grep -r', argv: ['grep', '-r', '-l', '[A-D]', 'tree'] },
  { name: 'direct: expr', argv: ['expr', '6', '*', '7'] },
  { name: 'direct: basename', argv: ['basename', '/a/b/c.txt', '.txt'] },
  { name: 'direct: dirname', argv: ['dirname', '/a/b/c.txt'] },
  { name: 'direct: ls', argv: ['ls', '-1', 'tree', 'tree/sub'] },
  { name: 'direct: find', argv: ['find', 'tree', '-name', '*.txt'] },
  { name: 'direct: stat', argv: ['stat', '-c', '%s %F %a %h %N', 'in.txt', 'tree', 'tree/link'] },
  { name: 'direct: readlink', argv: ['readlink', 'tree/link'] },
  { name: 'direct: md5sum', argv: ['md5sum', 'in.txt', 'words.txt'] },
  { name: 'direct: sha1sum', argv: ['sha1sum', 'data.csv'] },
  { name: 'direct: sha256sum', argv: ['sha256sum', 'in.txt', 'numbers.txt'] },
  { name: 'direct: sha512sum', argv: ['sha512sum', 'words.txt'] },
  { name: 'direct: cksum', argv: ['cksum', 'in.txt'] },
  { name: 'direct: od', argv: ['od', '-A', 'x', '-t', 'x1z', 'words.txt'] },
  { name: 'direct: hexdump', argv: ['hexdump', '-C', 'in.txt'] },
  { name: 'direct: base64', argv: ['base64', 'data.csv'] },
  { name: 'direct: cmp of different files', argv: ['cmp', 'in.txt', 'words.txt'] },
  { name: 'direct: fold', argv: ['fold', '-w', '5', 'words.txt'] },
  { name: 'direct: rev', argv: ['rev', 'words.txt'] },
  { name: 'direct: tac', argv: ['tac', 'in.txt'] },
  { name: 'direct: nl', argv: ['nl', 'words.txt'] },
  { name: 'direct: uniq -c', argv: ['uniq', '-c', 'in.txt'] },
  { name: 'direct: du', argv: ['du', '-a', 'tree/sub'] },
  { name: 'direct: seq', argv: ['seq', '-s', ',', '-w', '1', '3', '19'] },
  { name: 'direct: printf', argv: ['printf', '%05d|%-6s|%o|%c\n', '42', 'ab', '8', 'xyz'] },
  { name: 'direct: test', argv: ['test', '-d', 'tree', '-a', '-f', 'in.txt'] },
  { name: 'direct: false', argv: ['false'] },
  { name: 'direct: missing file', argv: ['cat', 'missing.txt'] },
  // Execs of busybox itself.
  { name: 'sh: running applets through a symlink to /proc/self/exe', sh: 'ln -s /proc/self/exe echo; ln -s /proc/self/exe sh; ./echo re-exec; ./sh -c "exit 9"; echo "status $?"' },
  { name: 'env -i running a command', sh: 'env -i A=1 B=two env' },
  { name: 'find -exec', sh: 'find tree -name "*.txt" -exec cat {} \\; | sort' },
  { name: 'busybox found on PATH', sh: 'mkdir bin; ln -s /proc/self/exe bin/busybox; PATH=$PWD/bin:$PATH busybox echo through PATH' },
];

/** The same input files in every run's directory. */
function prepare(dir: string): void {
  writeFileSync(join(dir, 'in.txt'), 'banana\napple\ncherry\napple\ndate\n');
  writeFileSync(join(dir, 'words.txt'), 'the quick brown fox\njumps over\nthe lazy dog\n');
  writeFileSync(join(dir, 'numbers.txt'), '10\n9\n100\n-3\n42\n');
  writeFileSync(join(dir, 'data.csv'), 'name,qty,price\napple,3,1.50\nbanana,12,0.25\ncherry,7,3.00\n');
  mkdirSync(join(dir, 'tree/sub/deep'), { recursive: true });
  mkdirSync(join(dir, 'tree/empty'));
  writeFileSync(join(dir, 'tree/a.txt'), 'A\n');
  writeFileSync(join(dir, 'tree/b.txt'), 'B\n');
  writeFileSync(join(dir, 'tree/sub/c.txt'), 'C\n');
  writeFileSync(join(dir, 'tree/sub/deep/d.txt'), 'D\n');
  symlinkSync('a.txt', join(dir, 'tree/link'));
}

// No host tools on PATH: busybox's shell must run its own applets (under qemu-user, an applet it
// fails to exec would otherwise silently be replaced by the host's program of the same name).
const ENV = baseEnv({ PATH: '/nonexistent/bin', DWT_ONE: '1', DWT_TWO: 'two words' });
const limiter = new Limiter(2);

function runCase(c: Case, runner: Runner, guest: Guest, busybox: string): Promise<Outcome> {
  return limiter.run(() => {
    const cwd = freshDir('dynwasm-busybox-');
    prepare(cwd);
    const args = c.sh !== undefined ? ['sh', '-c', c.sh] : c.argv!;
    // The time limit only catches a hang: the interpreter on a loaded 2-core machine needs minutes for the big pipeline.
    const options = { cwd, env: ENV, timeout: 240_000, guest };
    return runner === 'native' ? runProcess(NATIVE_BUSYBOX, args, options) : runUnder(runner, busybox, args, options);
  });
}

function comparable(o: Outcome) {
  return { stdout: o.stdout, status: o.status, signal: o.signal };
}

/** The busybox tests of one guest: `busybox` is its busybox-static binary. */
export function busyboxTests(guest: Guest, busybox: string): void {
  const qemuName = guest === 'arm' ? 'qemu-arm' : 'qemu-i386';
  const qemuTool = guest === 'arm' ? TOOLS.qemuArm : TOOLS.qemuI386;
  test(`at least 40 busybox cases`, (t) => {
    t.true(CASES.length >= 40);
    t.is(new Set(CASES.map((c) => c.name)).size, CASES.length, 'case names are unique');
  });

  for (const c of CASES) {
    let nativeRun: Promise<ReturnType<typeof comparable>> | undefined;
    const native = () => {
      nativeRun ??= (async () => {
        requireFile(busybox, FETCH_HINT);
        requireFile(NATIVE_BUSYBOX, FETCH_HINT);
        return comparable(await runCase(c, 'native', guest, busybox));
      })();
      return nativeRun;
    };
    let qemuRun: Promise<ReturnType<typeof comparable>> | undefined;
    const qemu = () => {
      qemuRun ??= (async () => {
        requireFile(busybox, FETCH_HINT);
        requireTool(qemuTool);
        return comparable(await runCase(c, 'qemu', guest, busybox));
      })();
      return qemuRun;
    };
    // Applets run directly: qemu-user running the same binary; shell cases: the native busybox.
    const referenceName = c.argv ? qemuName : 'native busybox';
    const expected = c.argv ? qemu : native;
    if (c.argv) {
      test(`busybox ${c.name}: ${qemuName} agrees with the native busybox`, async (t) => {
        const [want, q] = await Promise.all([native(), qemu()]);
        t.deepEqual(q, want);
      });
    }
    for (const engine of ENGINES) {
      test(`busybox ${c.name} (${engine})`, async (t) => {
        const want = await expected();
        // DYNWASM_SHOW_REFERENCE=1 shows what the reference printed (for checking new cases).
        if (process.env.DYNWASM_SHOW_REFERENCE) t.log(`reference: ${ending({ ...want, stderr: '' })}\n${want.stdout}`);
        const ours = await runCase(c, engine, guest, busybox);
        const got = comparable(ours);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          t.log(`expected (${referenceName}): ${ending({ ...want, stderr: '' })}; got ${ending(ours)}`);
          if (ours.stderr) t.log(`stderr:\n${ours.stderr.slice(-1500)}`);
        }
        t.deepEqual(got, want);
      });
    }
  }
}
