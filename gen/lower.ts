/**
 * Lowering of one micro-op body (TypeScript AST, via ts-morph) to binaryen IR.
 *
 * The accepted subset is exactly what has the same meaning in TypeScript and in 32-bit
 * WebAssembly. Every expression gets a *kind* that says how TypeScript represents it:
 *   i32  - a signed 32-bit integer (results of |, &, ^, <<, >>, Math.imul, temps, env words)
 *   u32  - an unsigned 32-bit integer (results of >>>)
 *   lit  - a constant in 0..2^31-1, which is both
 *   num  - an exact but unwrapped sum or difference (a + b): only ToInt32/ToUint32 may consume it
 *   bool - a comparison result
 * Comparisons need both sides signed or both unsigned, temps take only i32, and so on:
 * anything whose TypeScript value could differ from the WebAssembly bits is rejected.
 */
import binaryen from 'binaryen';
import { Node, SyntaxKind, type Expression, type FunctionDeclaration, type Statement } from 'ts-morph';
import { ENV_BASE, MEMORY_ACCESSORS, NUM_PARAMS, NUM_TEMPS, type MemoryAccessor } from '../ops/core.js';

export type Kind = 'i32' | 'u32' | 'lit' | 'bool' | 'num';

export interface Value {
  expr: binaryen.ExpressionRef;
  kind: Kind;
}

/** An error located in an ops/ source file: `path:line:col: message`. */
export class GenError extends Error {
  constructor(readonly node: Node, message: string) {
    const sf = node.getSourceFile();
    const { line, column } = sf.getLineAndColumnAtPos(node.getStart());
    super(`${relativePath(sf.getFilePath())}:${line}:${column}: ${message}`);
  }
}

export function relativePath(file: string): string {
  const cwd = process.cwd().replace(/\\/g, '/') + '/';
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}

function unsupported(node: Node, what?: string): GenError {
  const construct = what ?? describe(node);
  return new GenError(node, `${construct} is not supported in a micro-op`);
}

function describe(node: Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  const short = text.length > 40 ? text.slice(0, 37) + '...' : text;
  return `${node.getKindName()} \`${short}\``;
}

/** A helper a micro-op calls out of line (QEMU's helper_*). */
export interface HelperRef {
  name: string;
  file: string;
  params: number;
  returnsValue: boolean;
  takesState: boolean;
}

/** What lowering learned about an op besides its IR. */
export interface LoweredOp {
  body: binaryen.ExpressionRef;
  vars: binaryen.Type[];
  /** Highest parameter the source reads (1..3), 0 if none: the op's arity in the micro-op stream. */
  params: number;
  mayExit: boolean;
  /** The op may write guest memory (a store, or a helper call, which may do anything). */
  writesMemory: boolean;
  helpers: Set<string>;
  /**
   * The op reaches env words held in block locals other than by constant index (a computed
   * index, or a helper that may touch them): the code generator writes the locals back before
   * it and reloads them after.
   */
  syncsLocals: boolean;
}

const EXIT_IMPORT = '__exit_tb';
export const IMPORTS = { exit: EXIT_IMPORT, module: 'env', helperModule: 'helpers' } as const;
export const TEMP_NAMES = Array.from({ length: NUM_TEMPS }, (_, i) => `T${i}`);
export const PARAM_NAMES = Array.from({ length: NUM_PARAMS }, (_, i) => `P${i + 1}`);
/** The imported global that stands for env word k when the target keeps it in a block local. */
export const localWordGlobal = (k: number): string => `W${k}`;
/** JSDoc tag of a helper that reads and writes none of the env words kept in block locals. */
export const NO_LOCAL_WORDS_TAG = 'noLocalWords';

interface Local { index: number; kind: Kind }

export class OpLowering {
  private readonly scopes: Map<string, Local>[] = [new Map()];
  private readonly vars: binaryen.Type[] = [];
  private maxParam = 0;
  private mayExit = false;
  private writesMemory = false;
  private readonly helpersUsed = new Set<string>();
  private syncsLocals = false;
  private readonly stateName: string;

  constructor(
    private readonly m: binaryen.Module,
    private readonly fn: FunctionDeclaration,
    /** Generation-time constants (the @expand parameter and its value). */
    private readonly expansion: Map<string, number>,
    private readonly helpers: Map<string, HelperRef>,
    /** Env words the target keeps in block locals (BLOCK_LOCAL_WORDS). */
    private readonly localWords: readonly number[] = [],
  ) {
    const first = fn.getParameters()[0];
    if (!first) throw new GenError(fn, `a micro-op takes the op state as its first parameter: ${fn.getName()}(s: OpState)`);
    this.stateName = first.getName();
    for (const p of fn.getParameters().slice(1)) {
      if (!expansion.has(p.getName())) throw new GenError(p, `parameter \`${p.getName()}\` needs an @expand tag (micro-op parameters are s.P1..s.P${NUM_PARAMS})`);
    }
  }

  lower(): LoweredOp {
    const body = this.fn.getBody();
    if (!body || !Node.isBlock(body)) throw unsupported(this.fn, 'a function without a block body');
    const stmts = this.statements(body.getStatements());
    return {
      body: this.m.block('body', stmts, binaryen.none),
      vars: this.vars,
      params: this.maxParam,
      mayExit: this.mayExit,
      writesMemory: this.writesMemory,
      helpers: this.helpersUsed,
      syncsLocals: this.syncsLocals,
    };
  }

  // ---- statements ----

  private statements(list: Statement[]): binaryen.ExpressionRef[] {
    this.scopes.push(new Map());
    const out = list.map((s) => this.statement(s));
    this.scopes.pop();
    return out;
  }

  private statement(st: Statement): binaryen.ExpressionRef {
    const m = this.m;
    if (Node.isBlock(st)) return m.block(null, this.statements(st.getStatements()), binaryen.none);
    if (Node.isVariableStatement(st)) {
      const parts: binaryen.ExpressionRef[] = [];
      for (const d of st.getDeclarations()) {
        const nameNode = d.getNameNode();
        if (!Node.isIdentifier(nameNode)) throw unsupported(nameNode, 'destructuring');
        const init = d.getInitializer();
        if (!init) throw new GenError(d, `local \`${d.getName()}\` needs an initializer`);
        const v = this.expr(init);
        if (v.kind === 'num') throw new GenError(init, `\`${init.getText()}\` is not a 32-bit value: coerce with | 0 or >>> 0 before storing it in a local`);
        const kind: Kind = v.kind === 'lit' ? 'i32' : v.kind;
        const index = this.vars.length;
        this.vars.push(binaryen.i32);
        this.scopes[this.scopes.length - 1].set(d.getName(), { index, kind });
        parts.push(m.local.set(index, v.expr));
      }
      return parts.length === 1 ? parts[0] : m.block(null, parts, binaryen.none);
    }
    if (Node.isExpressionStatement(st)) return this.effect(st.getExpression());
    if (Node.isIfStatement(st)) {
      const cond = this.condition(st.getExpression());
      const thenS = this.statement(st.getThenStatement());
      const elseNode = st.getElseStatement();
      return m.if(cond, thenS, elseNode ? this.statement(elseNode) : undefined);
    }
    if (Node.isReturnStatement(st)) {
      if (st.getExpression()) throw unsupported(st, 'returning a value');
      return m.br('body');
    }
    if (Node.isEmptyStatement(st)) return m.nop();
    throw unsupported(st);
  }

  /** An expression statement: assignment, store, exit or helper call. */
  private effect(e: Expression): binaryen.ExpressionRef {
    const m = this.m;
    if (Node.isBinaryExpression(e)) {
      const op = e.getOperatorToken().getKind();
      const compound = COMPOUND.get(op);
      if (op === SyntaxKind.EqualsToken || compound !== undefined) {
        const target = e.getLeft();
        const value = compound === undefined ? this.expr(e.getRight()) : this.binary(e, compound, target, e.getRight());
        return this.assign(target, value, e.getRight());
      }
    }
    if (Node.isCallExpression(e)) return this.call(e, true).expr;
    if (Node.isPostfixUnaryExpression(e) || Node.isPrefixUnaryExpression(e)) throw unsupported(e, 'increment/decrement (use x = (x + 1) | 0)');
    throw unsupported(e);
  }

  private assign(target: Expression, v: Value, valueNode: Node): binaryen.ExpressionRef {
    const m = this.m;
    // s.T0 = …
    if (Node.isPropertyAccessExpression(target) && this.isState(target.getExpression())) {
      const name = target.getName();
      if (TEMP_NAMES.includes(name)) {
        if (v.kind !== 'i32' && v.kind !== 'lit') {
          throw new GenError(valueNode, `temps hold signed 32-bit values; \`${valueNode.getText()}\` is ${KIND_TEXT[v.kind]}: coerce with | 0${v.kind === 'bool' ? ' or use c ? 1 : 0' : ''}`);
        }
        return m.global.set(name, v.expr);
      }
      if (PARAM_NAMES.includes(name)) throw new GenError(target, `parameters are constants: ${name} cannot be assigned`);
      throw unsupported(target);
    }
    // s.env[i] = …  (Int32Array: the store applies ToInt32, as i32.store keeps the low 32 bits)
    if (Node.isElementAccessExpression(target) && this.isEnv(target.getExpression())) {
      if (v.kind === 'bool') throw new GenError(valueNode, `env words hold integers; convert the condition with c ? 1 : 0`);
      const k = this.localWord(target);
      if (k !== undefined) return m.global.set(localWordGlobal(k), v.expr);
      return m.i32.store(0, 4, this.envAddress(target), v.expr);
    }
    if (Node.isIdentifier(target)) {
      const local = this.lookup(target.getText());
      if (!local) throw new GenError(target, `\`${target.getText()}\` is not a local of this micro-op`);
      if (v.kind === 'num') throw new GenError(valueNode, `\`${valueNode.getText()}\` is not a 32-bit value: coerce with | 0 or >>> 0`);
      const ok = v.kind === local.kind || (v.kind === 'lit' && (local.kind === 'i32' || local.kind === 'u32'));
      if (!ok) throw new GenError(valueNode, `local \`${target.getText()}\` is ${KIND_TEXT[local.kind]} but \`${valueNode.getText()}\` is ${KIND_TEXT[v.kind]}`);
      return m.local.set(local.index, v.expr);
    }
    throw unsupported(target, `assignment to \`${target.getText()}\``);
  }

  // ---- expressions ----

  private condition(e: Expression): binaryen.ExpressionRef {
    const v = this.expr(e);
    if (v.kind !== 'bool') throw new GenError(e, `a condition must be a comparison or boolean, not ${KIND_TEXT[v.kind]} (write x !== 0)`);
    return v.expr;
  }

  expr(e: Expression): Value {
    const m = this.m;
    const folded = this.constant(e);
    if (folded !== undefined) return literal(m, e, folded);

    if (Node.isParenthesizedExpression(e)) return this.expr(e.getExpression());
    if (Node.isTrueLiteral(e) || Node.isFalseLiteral(e)) return { expr: m.i32.const(Node.isTrueLiteral(e) ? 1 : 0), kind: 'bool' };
    if (Node.isIdentifier(e)) {
      const local = this.lookup(e.getText());
      if (local) return { expr: m.local.get(local.index, binaryen.i32), kind: local.kind };
      throw new GenError(e, `\`${e.getText()}\` is neither a local, a generation-time constant nor a module-level const number`);
    }
    if (Node.isPropertyAccessExpression(e) && this.isState(e.getExpression())) {
      const name = e.getName();
      if (TEMP_NAMES.includes(name)) return { expr: m.global.get(name, binaryen.i32), kind: 'i32' };
      const p = PARAM_NAMES.indexOf(name);
      if (p >= 0) {
        this.maxParam = Math.max(this.maxParam, p + 1);
        return { expr: m.global.get(name, binaryen.i32), kind: 'i32' };
      }
      throw unsupported(e);
    }
    if (Node.isElementAccessExpression(e) && this.isEnv(e.getExpression())) {
      const k = this.localWord(e);
      if (k !== undefined) return { expr: m.global.get(localWordGlobal(k), binaryen.i32), kind: 'i32' };
      return { expr: m.i32.load(0, 4, this.envAddress(e)), kind: 'i32' };
    }
    if (Node.isCallExpression(e)) return this.call(e, false);
    if (Node.isPrefixUnaryExpression(e)) {
      const op = e.getOperatorToken();
      const operand = e.getOperand();
      if (op === SyntaxKind.ExclamationToken) {
        const v = this.expr(operand);
        if (v.kind === 'num') throw new GenError(operand, `coerce \`${operand.getText()}\` with | 0 before testing it`);
        return { expr: m.i32.eqz(v.expr), kind: 'bool' };
      }
      if (op === SyntaxKind.TildeToken) {
        const v = this.int(operand);
        return { expr: m.i32.xor(v.expr, m.i32.const(-1)), kind: 'i32' };
      }
      if (op === SyntaxKind.MinusToken) {
        const v = this.int(operand);
        return { expr: m.i32.sub(m.i32.const(0), v.expr), kind: 'num' };
      }
      throw unsupported(e, `the unary operator \`${e.getText().trim()[0]}\``);
    }
    if (Node.isConditionalExpression(e)) {
      const c = this.condition(e.getCondition());
      const a = this.expr(e.getWhenTrue());
      const b = this.expr(e.getWhenFalse());
      const kind = unify(a.kind, b.kind);
      if (!kind || kind === 'num') throw new GenError(e, `both arms of ?: must have the same kind (here ${KIND_TEXT[a.kind]} and ${KIND_TEXT[b.kind]})`);
      return { expr: m.if(c, a.expr, b.expr), kind };
    }
    if (Node.isBinaryExpression(e)) {
      const op = e.getOperatorToken().getKind();
      if (op === SyntaxKind.EqualsToken || COMPOUND.has(op)) throw unsupported(e, 'assignment inside an expression');
      return this.binary(e, op, e.getLeft(), e.getRight());
    }
    if (Node.isAsExpression(e) || Node.isNonNullExpression(e)) return this.expr(e.getExpression());
    throw unsupported(e);
  }

  /** An operand of a bitwise/arithmetic operator: any 32-bit or exact integer value. */
  private int(e: Expression): Value {
    const v = this.expr(e);
    if (v.kind === 'bool') throw new GenError(e, `a condition used as a number: write (${e.getText()}) ? 1 : 0`);
    return v;
  }

  private binary(node: Node, op: SyntaxKind, left: Expression, right: Expression): Value {
    const m = this.m;
    switch (op) {
      case SyntaxKind.AmpersandAmpersandToken:
      case SyntaxKind.BarBarToken: {
        const a = this.condition(left), b = this.condition(right);
        return op === SyntaxKind.AmpersandAmpersandToken
          ? { expr: m.if(a, b, m.i32.const(0)), kind: 'bool' }
          : { expr: m.if(a, m.i32.const(1), b), kind: 'bool' };
      }
      case SyntaxKind.PlusToken: case SyntaxKind.MinusToken: {
        const a = this.int(left), b = this.int(right);
        return { expr: op === SyntaxKind.PlusToken ? m.i32.add(a.expr, b.expr) : m.i32.sub(a.expr, b.expr), kind: 'num' };
      }
      case SyntaxKind.BarToken: case SyntaxKind.AmpersandToken: case SyntaxKind.CaretToken:
      case SyntaxKind.LessThanLessThanToken: case SyntaxKind.GreaterThanGreaterThanToken: {
        const a = this.int(left), b = this.int(right);
        const f = { [SyntaxKind.BarToken]: m.i32.or, [SyntaxKind.AmpersandToken]: m.i32.and, [SyntaxKind.CaretToken]: m.i32.xor,
          [SyntaxKind.LessThanLessThanToken]: m.i32.shl, [SyntaxKind.GreaterThanGreaterThanToken]: m.i32.shr_s }[op];
        return { expr: f(a.expr, b.expr), kind: 'i32' };
      }
      case SyntaxKind.GreaterThanGreaterThanGreaterThanToken: {
        const a = this.int(left), b = this.int(right);
        return { expr: m.i32.shr_u(a.expr, b.expr), kind: 'u32' };
      }
      case SyntaxKind.LessThanToken: case SyntaxKind.LessThanEqualsToken:
      case SyntaxKind.GreaterThanToken: case SyntaxKind.GreaterThanEqualsToken:
      case SyntaxKind.EqualsEqualsEqualsToken: case SyntaxKind.ExclamationEqualsEqualsToken: {
        const a = this.expr(left), b = this.expr(right);
        const kind = unify(a.kind, b.kind);
        const eq = op === SyntaxKind.EqualsEqualsEqualsToken || op === SyntaxKind.ExclamationEqualsEqualsToken;
        if (!kind || kind === 'num' || (kind === 'bool' && !eq)) {
          throw new GenError(node, `cannot compare ${KIND_TEXT[a.kind]} with ${KIND_TEXT[b.kind]}: make both sides signed (| 0) or both unsigned (>>> 0)`);
        }
        if (eq) return { expr: (op === SyntaxKind.EqualsEqualsEqualsToken ? m.i32.eq : m.i32.ne)(a.expr, b.expr), kind: 'bool' };
        const u = kind === 'u32';
        const f = {
          [SyntaxKind.LessThanToken]: u ? m.i32.lt_u : m.i32.lt_s, [SyntaxKind.LessThanEqualsToken]: u ? m.i32.le_u : m.i32.le_s,
          [SyntaxKind.GreaterThanToken]: u ? m.i32.gt_u : m.i32.gt_s, [SyntaxKind.GreaterThanEqualsToken]: u ? m.i32.ge_u : m.i32.ge_s,
        }[op];
        return { expr: f(a.expr, b.expr), kind: 'bool' };
      }
      case SyntaxKind.AsteriskToken: throw unsupported(node, 'the * operator (use Math.imul)');
      case SyntaxKind.EqualsEqualsToken: case SyntaxKind.ExclamationEqualsToken:
        throw unsupported(node, 'loose equality (use === or !==)');
      default: throw unsupported(node, `the operator \`${SyntaxKind[op]}\``);
    }
  }

  private call(e: Node & { getExpression(): Expression; getArguments(): Node[] }, statement: boolean): Value {
    const m = this.m;
    const callee = e.getExpression();
    const args = e.getArguments() as Expression[];
    // s.exit_tb(), s.ldl(addr), s.stl(addr, v)
    if (Node.isPropertyAccessExpression(callee) && this.isState(callee.getExpression())) {
      const name = callee.getName();
      if (name === 'exit_tb') {
        if (!statement) throw new GenError(e, 'exit_tb() is a statement');
        this.mayExit = true;
        return { expr: m.call(EXIT_IMPORT, [], binaryen.none), kind: 'i32' };
      }
      if (name in MEMORY_ACCESSORS) return this.memoryAccess(e, name as MemoryAccessor, args, statement);
      throw unsupported(callee, `the op-state method \`${name}\``);
    }
    // Math.imul / Math.clz32
    if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === 'Math') {
      const name = callee.getName();
      if (name === 'imul' && args.length === 2) {
        const a = this.int(args[0]), b = this.int(args[1]);
        return { expr: m.i32.mul(a.expr, b.expr), kind: 'i32' };
      }
      if (name === 'clz32' && args.length === 1) return { expr: m.i32.clz(this.int(args[0]).expr), kind: 'i32' };
      throw unsupported(e, `Math.${name}`);
    }
    if (Node.isIdentifier(callee)) {
      const decl = resolveFunction(callee);
      const name = decl?.getName();
      if (decl && (name === 'mulhu' || name === 'mulhs') && relativePath(decl.getSourceFile().getFilePath()) === 'ops/core.ts') {
        const ext = name === 'mulhu' ? m.i64.extend_u : m.i64.extend_s;
        const a = this.int(args[0]), b = this.int(args[1]);
        return { expr: m.i32.wrap(m.i64.shr_u(m.i64.mul(ext(a.expr), ext(b.expr)), i64const(m, 32n))), kind: 'i32' };
      }
      if (decl && name?.startsWith('helper_')) return this.helperCall(e, decl, args, statement);
    }
    throw unsupported(e, `the call \`${callee.getText()}(…)\` (only helper_*, memory accessors, Math.imul/clz32, mulhu/mulhs)`);
  }

  private helperCall(e: Node, decl: FunctionDeclaration, args: Expression[], statement: boolean): Value {
    const m = this.m;
    const name = decl.getName()!;
    const params = decl.getParameters();
    const takesState = params.length > 0 && /\bOpState\b/.test(params[0].getTypeNode()?.getText() ?? '');
    const ret = decl.getReturnTypeNode()?.getText();
    if (ret !== 'void' && ret !== 'number') throw new GenError(decl, `helper ${name} must declare its return type as number or void`);
    const ref: HelperRef = { name, file: decl.getSourceFile().getFilePath(), params: params.length - (takesState ? 1 : 0), returnsValue: ret === 'number', takesState };
    const known = this.helpers.get(name);
    if (known && known.file !== ref.file) throw new GenError(e, `two helpers are named ${name}`);
    this.helpers.set(name, ref);
    this.helpersUsed.add(name);
    this.writesMemory = true;
    if (!decl.getJsDocs().some((d) => d.getTags().some((t) => t.getTagName() === NO_LOCAL_WORDS_TAG))) this.syncsLocals = true;
    let passed = args;
    if (takesState) {
      if (!args[0] || !this.isState(args[0])) throw new GenError(e, `${name} takes the op state first: ${name}(${this.stateName}, …)`);
      passed = args.slice(1);
    }
    if (passed.length !== ref.params) throw new GenError(e, `${name} takes ${ref.params} value argument(s)`);
    const values = passed.map((a) => {
      const v = this.expr(a);
      if (v.kind !== 'i32' && v.kind !== 'lit') throw new GenError(a, `helper arguments are signed 32-bit values; coerce \`${a.getText()}\` with | 0`);
      return v.expr;
    });
    const call = m.call(name, values, ref.returnsValue ? binaryen.i32 : binaryen.none);
    if (statement) return { expr: ref.returnsValue ? m.drop(call) : call, kind: 'i32' };
    if (!ref.returnsValue) throw new GenError(e, `${name} returns nothing`);
    return { expr: call, kind: 'i32' };
  }

  private memoryAccess(e: Node, name: MemoryAccessor, args: Expression[], statement: boolean): Value {
    const m = this.m;
    const acc = MEMORY_ACCESSORS[name];
    const addr = this.int(args[0]).expr;
    if (acc.store) {
      this.writesMemory = true;
      if (!statement) throw new GenError(e, `${name}() is a statement`);
      let v = this.int(args[1]).expr;
      if (acc.be) v = acc.bytes === 2 ? bswap16(m, v) : bswap32(m, v, this.scratch());
      const store = acc.bytes === 1 ? m.i32.store8 : acc.bytes === 2 ? m.i32.store16 : m.i32.store;
      return { expr: store(0, acc.bytes, addr, v), kind: 'i32' };
    }
    let v: binaryen.ExpressionRef;
    if (acc.bytes === 1) v = acc.signed ? m.i32.load8_s(0, 1, addr) : m.i32.load8_u(0, 1, addr);
    else if (acc.bytes === 2) {
      if (acc.be) { v = bswap16(m, m.i32.load16_u(0, 2, addr)); if (acc.signed) v = m.i32.extend16_s(v); }
      else v = acc.signed ? m.i32.load16_s(0, 2, addr) : m.i32.load16_u(0, 2, addr);
    } else {
      v = m.i32.load(0, 4, addr);
      if (acc.be) v = bswap32(m, v, this.scratch());
    }
    return { expr: statement ? m.drop(v) : v, kind: 'i32' };
  }

  /**
   * The env word of `s.env[index]` if the target keeps it in a block local (then the access is
   * a global that the extractor turns into that local). A computed index might name such a
   * word: the op then syncs the locals.
   */
  private localWord(e: Node & { getArgumentExpression(): Expression | undefined }): number | undefined {
    if (this.localWords.length === 0) return undefined;
    const k = this.constant(e.getArgumentExpression()!);
    if (k === undefined) { this.syncsLocals = true; return undefined; }
    return this.localWords.includes(k) ? k : undefined;
  }

  /** Byte address of s.env[index]: ENV_BASE folded into the load/store offset by binaryen. */
  private envAddress(e: Node & { getArgumentExpression(): Expression | undefined }): binaryen.ExpressionRef {
    const m = this.m;
    const index = e.getArgumentExpression()!;
    const k = this.constant(index);
    if (k !== undefined) return m.i32.const((ENV_BASE + 4 * k) | 0);
    const v = this.int(index);
    return m.i32.add(m.i32.const(ENV_BASE | 0), m.i32.shl(v.expr, m.i32.const(2)));
  }

  /** A fresh i32 local for the lowering's own use. */
  private scratch(): number {
    this.vars.push(binaryen.i32);
    return this.vars.length - 1;
  }

  private isState(e: Node): boolean {
    return Node.isIdentifier(e) && e.getText() === this.stateName && !this.lookup(this.stateName);
  }

  private isEnv(e: Node): boolean {
    return Node.isPropertyAccessExpression(e) && e.getName() === 'env' && this.isState(e.getExpression());
  }

  private lookup(name: string): Local | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const l = this.scopes[i].get(name);
      if (l) return l;
    }
    return undefined;
  }

  /** Generation-time value of a constant expression (locals are never constant). */
  constant(e: Node): number | undefined {
    return evalConstant(e, (name) => (this.lookup(name) ? undefined : this.expansion.get(name)));
  }
}

/**
 * Generation-time value of a constant expression, computed with JavaScript's own semantics
 * (so the generated code and the interpreter agree). `binding` answers for identifiers that
 * are not module-level consts; it returns undefined for anything that is not constant.
 */
export function evalConstant(e: Node, binding: (name: string) => number | undefined = () => undefined): number | undefined {
  const rec = (n: Node) => evalConstant(n, binding);
  if (Node.isNumericLiteral(e)) return e.getLiteralValue();
  if (Node.isParenthesizedExpression(e)) return rec(e.getExpression());
  if (Node.isIdentifier(e)) return binding(e.getText()) ?? moduleConstant(e);
  if (Node.isPrefixUnaryExpression(e)) {
    const v = rec(e.getOperand());
    if (v === undefined) return undefined;
    switch (e.getOperatorToken()) {
      case SyntaxKind.MinusToken: return -v;
      case SyntaxKind.TildeToken: return ~v;
      case SyntaxKind.PlusToken: return v;
      default: return undefined;
    }
  }
  if (Node.isBinaryExpression(e)) {
    const a = rec(e.getLeft());
    if (a === undefined) return undefined;
    const b = rec(e.getRight());
    if (b === undefined) return undefined;
    switch (e.getOperatorToken().getKind()) {
      case SyntaxKind.PlusToken: return a + b;
      case SyntaxKind.MinusToken: return a - b;
      case SyntaxKind.AsteriskToken: return a * b;
      case SyntaxKind.BarToken: return a | b;
      case SyntaxKind.AmpersandToken: return a & b;
      case SyntaxKind.CaretToken: return a ^ b;
      case SyntaxKind.LessThanLessThanToken: return a << b;
      case SyntaxKind.GreaterThanGreaterThanToken: return a >> b;
      case SyntaxKind.GreaterThanGreaterThanGreaterThanToken: return a >>> b;
      default: return undefined;
    }
  }
  return undefined;
}

/** Value of an identifier that names a module-level `const X = <constant>` (possibly imported). */
function moduleConstant(id: Node): number | undefined {
  let sym = id.getSymbol();
  if (!sym) return undefined;
  if (sym.isAlias()) sym = sym.getAliasedSymbol() ?? sym;
  for (const d of sym.getDeclarations()) {
    if (Node.isVariableDeclaration(d) && d.getVariableStatement()?.getDeclarationKind() === 'const') {
      const init = d.getInitializer();
      if (init && Node.isSourceFile(d.getVariableStatement()!.getParent())) {
        return evalConstant(init);
      }
    }
  }
  return undefined;
}

function resolveFunction(id: Node): FunctionDeclaration | undefined {
  let sym = id.getSymbol();
  if (!sym) return undefined;
  if (sym.isAlias()) sym = sym.getAliasedSymbol() ?? sym;
  return sym.getDeclarations().find((d): d is FunctionDeclaration => Node.isFunctionDeclaration(d));
}

/** binaryen 132 takes i64 constants as one bigint; its typings still describe (low, high). */
function i64const(m: binaryen.Module, v: bigint): binaryen.ExpressionRef {
  return (m.i64.const as unknown as (v: bigint) => binaryen.ExpressionRef)(v);
}

function literal(m: binaryen.Module, node: Node, v: number): Value {
  if (!Number.isInteger(v)) throw new GenError(node, `${node.getText()} is not an integer`);
  if (v >= 0 && v < 2 ** 31) return { expr: m.i32.const(v), kind: 'lit' };
  if (v < 0 && v >= -(2 ** 31)) return { expr: m.i32.const(v), kind: 'i32' };
  if (v >= 2 ** 31 && v < 2 ** 32) return { expr: m.i32.const(v | 0), kind: 'u32' };
  if (Math.abs(v) < 2 ** 53) return { expr: m.i32.const(v | 0), kind: 'num' };
  throw new GenError(node, `${node.getText()} is outside the exact integer range`);
}

function unify(a: Kind, b: Kind): Kind | undefined {
  if (a === b) return a === 'lit' ? 'i32' : a;
  if (a === 'lit' && (b === 'i32' || b === 'u32')) return b;
  if (b === 'lit' && (a === 'i32' || a === 'u32')) return a;
  return undefined;
}

function bswap16(m: binaryen.Module, v: binaryen.ExpressionRef): binaryen.ExpressionRef {
  // v holds 0..0xffff; the caller sign-extends when needed.
  return m.i32.or(m.i32.and(m.i32.shr_u(v, m.i32.const(8)), m.i32.const(0xff)), m.i32.and(m.i32.shl(v, m.i32.const(8)), m.i32.const(0xff00)));
}

/** Byte swap of a 32-bit value held in local `tmp`: rotl(v,8) & 0x00ff00ff | rotr(v,8) & 0xff00ff00. */
function bswap32(m: binaryen.Module, v: binaryen.ExpressionRef, tmp: number): binaryen.ExpressionRef {
  return m.i32.or(
    m.i32.and(m.i32.rotl(m.local.tee(tmp, v, binaryen.i32), m.i32.const(8)), m.i32.const(0x00ff00ff)),
    m.i32.and(m.i32.rotr(m.local.get(tmp, binaryen.i32), m.i32.const(8)), m.i32.const(0xff00ff00 | 0)),
  );
}

const COMPOUND = new Map<SyntaxKind, SyntaxKind>([
  [SyntaxKind.PlusEqualsToken, SyntaxKind.PlusToken], [SyntaxKind.MinusEqualsToken, SyntaxKind.MinusToken],
  [SyntaxKind.BarEqualsToken, SyntaxKind.BarToken], [SyntaxKind.AmpersandEqualsToken, SyntaxKind.AmpersandToken],
  [SyntaxKind.CaretEqualsToken, SyntaxKind.CaretToken], [SyntaxKind.LessThanLessThanEqualsToken, SyntaxKind.LessThanLessThanToken],
  [SyntaxKind.GreaterThanGreaterThanEqualsToken, SyntaxKind.GreaterThanGreaterThanToken],
  [SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken, SyntaxKind.GreaterThanGreaterThanGreaterThanToken],
]);

const KIND_TEXT: Record<Kind, string> = {
  i32: 'a signed 32-bit value', u32: 'an unsigned 32-bit value (>>>)', lit: 'a small constant',
  bool: 'a boolean', num: 'an unwrapped sum (needs | 0 or >>> 0)',
};
