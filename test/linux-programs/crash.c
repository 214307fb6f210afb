/* Ends in the way its argument says, for the runner to see: "null" (a NULL write: SIGSEGV),
 * "jump" (a call to unmapped memory: SIGSEGV), "abort" (SIGABRT), "term" (raise SIGTERM),
 * "kill" (SIGKILL itself), "exit N", "exit_group N" (_exit). Prints a line first. */
#include "common.h"
#include <signal.h>

int *volatile null_int;
void (*volatile bad_function)(void) = (void (*)(void))0x10;

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "null";
	printf("crash: %s\n", how);
	fflush(stdout);
	if (!strcmp(how, "null"))
		*null_int = 1;
	else if (!strcmp(how, "read-null"))
		return *null_int;
	else if (!strcmp(how, "jump"))
		bad_function();
	else if (!strcmp(how, "abort"))
		abort();
	else if (!strcmp(how, "term"))
		raise(SIGTERM);
	else if (!strcmp(how, "kill"))
		kill(getpid(), SIGKILL);
	else if (!strcmp(how, "exit"))
		exit(argc > 2 ? atoi(argv[2]) : 0);
	else if (!strcmp(how, "_exit"))
		_exit(argc > 2 ? atoi(argv[2]) : 0);
	printf("still alive\n");
	return 99;
}
