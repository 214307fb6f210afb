/* Hello world, with argv, thread-local storage, atexit, stdio buffering, and an exit status
 * taken from the first argument. */
#include "common.h"

static __thread int tls_counter = 5;
static __thread char tls_name[16] = "tls";

static void bye(void)
{
	printf("atexit handler runs\n");
}

int main(int argc, char **argv)
{
	printf("Hello, world!\n");
	printf("argc=%d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	tls_counter += 10;
	printf("tls: %d %s\n", tls_counter, tls_name);
	printf("sizeof(int)=%d\n", (int)sizeof(int));
	atexit(bye);
	fputs("to stderr\n", stderr);
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	printf("%s\n", big);
	return argc > 1 ? atoi(argv[1]) : 0;
}
