/* Smoke test for the runtime: printf formats, semihosting console, exit path. */
#include "semihost.h"

int main(void)
{
	printf("hello from %s\n",
#ifdef __thumb__
	       "thumb"
#else
	       "arm"
#endif
	);
	printf("d=%d i=%i u=%u x=%x X=%X 08x=%08x s=[%s] c=%c pct=%%\n",
	       -12345, 42, 3000000000u, 0xbeef, 0xbeef, 0x1234, "str", 'Z');
	printf("width [%5d] [%-6s] [%05u] lld=%lld llx=%llx\n", 42, "ab", 7u,
	       -1234567890123ll, 0x123456789abcdefull);
	/* Goes to qemu's stderr, so stays out of the stdout comparison. */
	sh_write0("hello via SYS_WRITE0 (semihosting console)\n");
	check_eq("printf returns", 0, 0);
	u32 cpsr = get_cpsr();
	printf("mode=%02x T=%u I=%u F=%u\n", cpsr & 0x1f, (cpsr >> 5) & 1, (cpsr >> 7) & 1, (cpsr >> 6) & 1);
	check_eq("svc mode", cpsr & 0x1f, 0x13);
	return finish("hello");
}
