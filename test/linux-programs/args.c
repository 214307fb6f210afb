/* Prints its argv (argv[0] without its directory) and the environment variables whose names start with DWT_ (sorted), then
 * exits with the status in DWT_EXIT (default 0). Other tests exec it and compare its output. */
#include "common.h"

extern char **environ;

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	/* argv[0]'s directory differs between the native and the ARM builds. */
	const char *slash = strrchr(argv[0], '/');
	printf("argv[0]=%s%s\n", slash ? ".../" : "", slash ? slash + 1 : argv[0]);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	YESNO("argv[argc] is NULL", argv[argc] == NULL);
	char *vars[256];
	int n = 0;
	for (char **e = environ; *e && n < 256; e++)
		if (strncmp(*e, "DWT_", 4) == 0)
			vars[n++] = *e;
	qsort(vars, n, sizeof vars[0], cmp);
	for (int i = 0; i < n; i++)
		printf("env %s\n", vars[i]);
	const char *path = getenv("PATH");
	YESNO("PATH set", path != NULL);
	const char *code = getenv("DWT_EXIT");
	return code ? atoi(code) : 0;
}
