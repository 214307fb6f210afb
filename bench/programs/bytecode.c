/* A branchy switch-dispatch loop: a small stack-machine bytecode interpreter running a program
 * (nested loops computing Collatz step counts and a running hash), `size` times. */
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, AND, SHR, JZ, JMP, JLT, DUP, DROP, HASH, HALT };

/* vars: 0 i, 1 n, 2 steps, 3 hash, 4 limit; the program is assembled in main() */
static int32_t code[256];
static int pc_;
static void emit(int32_t x) { code[pc_++] = x; }

static uint32_t run(const int32_t *c, uint32_t limit) {
	int32_t stack[64], vars[8] = { 0 };
	int sp = 0, pc = 0;
	vars[4] = (int32_t)limit;
	vars[3] = (int32_t)2166136261u;
	for (;;) {
		int32_t op = c[pc++];
		switch (op) {
		case PUSH: stack[sp++] = c[pc++]; break;
		case LOAD: stack[sp++] = vars[c[pc++]]; break;
		case STORE: vars[c[pc++]] = stack[--sp]; break;
		case ADD: sp--; stack[sp - 1] += stack[sp]; break;
		case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
		case MUL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
		case AND: sp--; stack[sp - 1] &= stack[sp]; break;
		case SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> stack[sp]); break;
		case JZ: { int32_t t = c[pc++]; if (stack[--sp] == 0) pc = t; break; }
		case JMP: pc = c[pc]; break;
		case JLT: { int32_t t = c[pc++]; sp -= 2; if (stack[sp] < stack[sp + 1]) pc = t; break; }
		case DUP: stack[sp] = stack[sp - 1]; sp++; break;
		case DROP: sp--; break;
		case HASH: sp--; vars[3] = (int32_t)bench_mix((uint32_t)vars[3], (uint32_t)stack[sp]); break;
		case HALT: return (uint32_t)vars[3];
		default: return 0xdeadbeef;
		}
	}
}

int main(int argc, char **argv) {
	uint32_t size = bench_size(argc, argv, 24);
	/* i = 1 */
	emit(PUSH); emit(1); emit(STORE); emit(0);
	int outer = pc_;
	emit(LOAD); emit(0); emit(LOAD); emit(4); emit(JLT); int body_ref = pc_; emit(0);
	emit(HALT);
	code[body_ref] = pc_;
	emit(LOAD); emit(0); emit(STORE); emit(1);           /* n = i */
	emit(PUSH); emit(0); emit(STORE); emit(2);           /* steps = 0 */
	int inner = pc_;
	emit(LOAD); emit(1); emit(PUSH); emit(1); emit(SUB); emit(JZ); int done_ref = pc_; emit(0);
	emit(LOAD); emit(1); emit(PUSH); emit(1); emit(AND); emit(JZ); int even_ref = pc_; emit(0);
	emit(LOAD); emit(1); emit(PUSH); emit(3); emit(MUL); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(1);
	emit(JMP); int step_ref = pc_; emit(0);
	code[even_ref] = pc_;
	emit(LOAD); emit(1); emit(PUSH); emit(1); emit(SHR); emit(STORE); emit(1);
	code[step_ref] = pc_;
	emit(LOAD); emit(2); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(2);   /* steps++ */
	emit(JMP); emit(inner);
	code[done_ref] = pc_;
	emit(LOAD); emit(2); emit(DUP); emit(DROP); emit(HASH);                       /* hash(steps) */
	emit(LOAD); emit(0); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(0);   /* i++ */
	emit(JMP); emit(outer);
	uint32_t sum = 0;
	for (uint32_t r = 0; r < size; r++) sum = bench_mix(sum, run(code, 2000 + r));
	bench_result("bytecode", size, sum);
	return 0;
}
