/** Finds the micro-ops of a target in ops/ and expands per-register variants (dyngen's macros). */
import { Node, Project, type FunctionDeclaration } from 'ts-morph';
import { GenError, evalConstant, relativePath } from './lower.js';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface OpSource {
  /**
   * Op name in the tables: the function name without `op_`; for an expanded op the value
   * replaces the `$` of the name (op_movl_r$_T0 → movl_r3_T0), or is appended if it has none.
   */
  name: string;
  fn: FunctionDeclaration;
  /** The @expand parameter and its value, if any. */
  expansion: Map<string, number>;
  file: string;
  line: number;
  endLine: number;
}

/** Targets are the folders of ops/; files directly in ops/ are common to every target. */
export function listTargets(opsDir: string): string[] {
  return readdirSync(opsDir).filter((f) => statSync(join(opsDir, f)).isDirectory()).sort();
}

export function createProject(): Project {
  return new Project({ tsConfigFilePath: 'tsconfig.json', skipAddingFilesFromTsConfig: true });
}

export function collectOps(project: Project, opsDir: string, target: string): OpSource[] {
  const files = [
    ...project.addSourceFilesAtPaths(`${opsDir}/*.ts`),
    ...project.addSourceFilesAtPaths(`${opsDir}/${target}/**/*.ts`),
  ].sort((a, b) => a.getFilePath().localeCompare(b.getFilePath()));
  const ops: OpSource[] = [];
  const seen = new Map<string, string>();
  for (const sf of files) {
    for (const fn of sf.getFunctions()) {
      const fname = fn.getName();
      if (!fname?.startsWith('op_')) continue;
      if (!fn.isExported()) throw new GenError(fn, `micro-op ${fname} must be exported`);
      const base = fname.slice(3);
      const where = {
        file: relativePath(sf.getFilePath()),
        line: fn.getStartLineNumber(true),
        endLine: fn.getEndLineNumber(),
      };
      for (const expansion of expansions(fn)) {
        const value = [...expansion.values()].join('_');
        const name = value === '' ? base : base.includes('$') ? base.replace('$', value) : base + value;
        if (value === '' && base.includes('$')) throw new GenError(fn, `${fname} has a $ in its name but no @expand tag`);
        const prev = seen.get(name);
        if (prev) throw new GenError(fn, `op ${name} is also defined at ${prev}`);
        seen.set(name, `${where.file}:${where.line}`);
        ops.push({ name, fn, expansion, ...where });
      }
    }
  }
  return ops;
}

/** `@expand reg 0..15` or `@expand cond 0,1,2`: one op per value (at most one tag). */
function expansions(fn: FunctionDeclaration): Map<string, number>[] {
  const tags = fn.getJsDocs().flatMap((d) => d.getTags()).filter((t) => t.getTagName() === 'expand');
  if (tags.length === 0) return [new Map()];
  if (tags.length > 1) throw new GenError(tags[1], 'only one @expand tag per micro-op');
  const text = (tags[0].getCommentText() ?? '').trim();
  const m = /^(\w+)\s+(\d+)\s*\.\.\s*(\d+)$/.exec(text) ?? /^(\w+)\s+(\d+(?:\s*,\s*\d+)*)$/.exec(text);
  if (!m) throw new GenError(tags[0], `@expand wants \`param lo..hi\` or \`param a,b,c\`, not \`${text}\``);
  const param = m[1];
  if (!fn.getParameters().some((p) => p.getName() === param)) throw new GenError(tags[0], `@expand names \`${param}\`, which is not a parameter of ${fn.getName()}`);
  const values = m[3] !== undefined
    ? Array.from({ length: Number(m[3]) - Number(m[2]) + 1 }, (_, i) => Number(m[2]) + i)
    : m[2].split(',').map((v) => Number(v.trim()));
  if (values.length === 0) throw new GenError(tags[0], '@expand has an empty range');
  return values.map((v) => new Map([[param, v]]));
}


/**
 * The env words a target's block functions keep in locals: the module-level
 * `export const BLOCK_LOCAL_WORDS = [...]` of one of its files (constant elements), or none.
 */
export function blockLocalWords(project: Project, opsDir: string, target: string): number[] {
  let found: number[] | undefined;
  for (const sf of project.addSourceFilesAtPaths(`${opsDir}/${target}/**/*.ts`)) {
    const decl = sf.getVariableDeclaration('BLOCK_LOCAL_WORDS');
    if (!decl) continue;
    if (found) throw new GenError(decl, 'BLOCK_LOCAL_WORDS is declared twice');
    const init = decl.getInitializer();
    if (!init || !Node.isArrayLiteralExpression(init)) throw new GenError(decl, 'BLOCK_LOCAL_WORDS must be an array literal of constant env word indexes');
    found = init.getElements().map((e) => {
      const v = evalConstant(e);
      if (v === undefined || !Number.isInteger(v) || v < 0) throw new GenError(e, `\`${e.getText()}\` is not a constant env word index`);
      return v;
    });
    if (new Set(found).size !== found.length) throw new GenError(init, 'BLOCK_LOCAL_WORDS lists a word twice');
    if (found.length > 32) throw new GenError(init, 'BLOCK_LOCAL_WORDS holds at most 32 words (the op table keeps them as 32-bit masks)');
  }
  return found ?? [];
}
