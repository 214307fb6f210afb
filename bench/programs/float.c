/* Double-precision arithmetic: armel has no FPU, so every operation is a libgcc soft-float call
 * on ARM. Only +, -, *, / and comparisons (correctly rounded in IEEE 754 on every host, so the
 * native build agrees bit for bit): a Mandelbrot escape count, Newton square roots and a
 * numerical integration, `size` rounds. */
#include "bench.h"
#include <string.h>

static uint32_t bits_hash(uint32_t h, double d) {
	uint64_t b;
	memcpy(&b, &d, 8);
	return bench_mix(bench_mix(h, (uint32_t)b), (uint32_t)(b >> 32));
}

int main(int argc, char **argv) {
	uint32_t rounds = bench_size(argc, argv, 100);
	uint32_t sum = 2166136261u;
	for (uint32_t r = 0; r < rounds; r++) {
		/* Mandelbrot over a 24 x 16 grid, up to 100 iterations */
		uint32_t total = 0;
		for (int py = 0; py < 16; py++)
			for (int px = 0; px < 24; px++) {
				double cx = -2.0 + px * (3.0 / 24) + r * 1e-3, cy = -1.0 + py * (2.0 / 16), x = 0, y = 0;
				int it = 0;
				while (it < 100 && x * x + y * y <= 4.0) {
					double t = x * x - y * y + cx;
					y = 2.0 * x * y + cy;
					x = t;
					it++;
				}
				total += (uint32_t)it;
			}
		sum = bench_mix(sum, total);
		/* Newton's square roots */
		double acc = 0;
		for (int i = 1; i <= 300; i++) {
			double a = i * 1.5 + r, g = a / 2 + 1;
			for (int k = 0; k < 12; k++) g = 0.5 * (g + a / g);
			acc += g;
		}
		sum = bits_hash(sum, acc);
		/* the integral of 4 / (1 + x^2) over [0, 1] by the midpoint rule: pi */
		double h = 1.0 / 4000, pi = 0;
		for (int i = 0; i < 4000; i++) {
			double x = (i + 0.5) * h;
			pi += 4.0 / (1.0 + x * x);
		}
		sum = bits_hash(sum, pi * h);
	}
	bench_result("float", rounds, sum);
	return 0;
}
