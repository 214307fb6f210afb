/* Directories: mkdir/rmdir, readdir (getdents) sorted, chdir/fchdir/getcwd, rename of
 * directories, nlink of directories, rewinddir (not telldir/seekdir: a 32-bit long cannot hold a host's 64-bit directory offsets), a directory with many entries. */
/* Large-file interfaces: a 32-bit readdir fails with EOVERFLOW when the host file system hands
 * out 64-bit directory offsets, which a user-mode emulator cannot narrow as a 32-bit kernel would. */
#define _FILE_OFFSET_BITS 64
#include "common.h"
#include <dirent.h>
#include <fcntl.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *what, const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		printf("%s: opendir %s\n", what, errname(errno));
		return;
	}
	char *names[512];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 512) {
		char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : e->d_type == DT_UNKNOWN ? '?' : 'o';
		char *s = malloc(strlen(e->d_name) + 3);
		sprintf(s, "%s:%c", e->d_name, t);
		names[n++] = s;
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	printf("%s: %d entries:", what, n);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void touch(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0) {
		printf("create %s: %s\n", path, errname(errno));
		return;
	}
	write(fd, text, strlen(text));
	close(fd);
}

static void nlink(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		printf("nlink %s: %s\n", path, errname(errno));
	else
		printf("nlink %s: %u mode=%04o dir=%d\n", path, (unsigned)st.st_nlink, (unsigned)(st.st_mode & 07777),
		       S_ISDIR(st.st_mode));
}

int main(void)
{
	setup();
	char start[4096], cwd[4096];
	if (!getcwd(start, sizeof start)) {
		printf("getcwd: %s\n", errname(errno));
		return 1;
	}
	size_t base = strlen(start);

	SHOW("mkdir top", mkdir("top", 0755));
	SHOW("mkdir top/a", mkdir("top/a", 0700));
	SHOW("mkdir top/b", mkdir("top/b", 0777));
	SHOW("mkdir top/a/deep", mkdir("top/a/deep", 0755));
	touch("top/file1", "one");
	touch("top/a/file2", "two");
	SHOW("symlink top/link", symlink("a/file2", "top/link"));
	list("top", "top");
	list("top/a", "top/a");
	nlink("top");
	nlink("top/a");
	nlink("top/b");

	/* chdir, getcwd */
	SHOW("chdir top/a", chdir("top/a"));
	if (getcwd(cwd, sizeof cwd))
		printf("getcwd: <start>%s\n", strncmp(cwd, start, base) == 0 ? cwd + base : "(elsewhere)");
	list(".", ".");
	SHOW("open relative file", open("file2", O_RDONLY));
	SHOW("chdir ../..", chdir("../.."));
	if (getcwd(cwd, sizeof cwd))
		YESNO("back at start", strcmp(cwd, start) == 0);
	int dfd = open("top/b", O_RDONLY | O_DIRECTORY);
	SHOW("fchdir top/b", fchdir(dfd));
	close(dfd);
	if (getcwd(cwd, sizeof cwd))
		printf("getcwd: <start>%s\n", strncmp(cwd, start, base) == 0 ? cwd + base : "(elsewhere)");
	SHOW("chdir via symlink parent", chdir("../link/.."));
	SHOW("chdir start", chdir(start));
	SHOW("chdir to a file", chdir("top/file1"));
	SHOW("chdir missing", chdir("top/missing"));
	char tiny[4];
	errno = 0;
	const char *got = getcwd(tiny, sizeof tiny) ? "ok" : "NULL";
	printf("getcwd tiny buffer: %s %s\n", got, errname(errno));

	/* rmdir rules */
	SHOW("rmdir non-empty", rmdir("top/a"));
	SHOW("rmdir a file", rmdir("top/file1"));
	SHOW("unlink a directory", unlink("top/b"));
	SHOW("rmdir missing", rmdir("top/zzz"));
	SHOW("rmdir top/b", rmdir("top/b"));
	nlink("top");

	/* rename directories */
	SHOW("rename dir", rename("top/a", "top/c"));
	list("top after rename", "top");
	list("top/c", "top/c");
	SHOW("rename dir into itself", rename("top/c", "top/c/deep/x"));
	SHOW("mkdir top/e", mkdir("top/e", 0755));
	SHOW("rename dir over empty dir", rename("top/c", "top/e"));
	list("top after rename over", "top");
	SHOW("mkdir top/f", mkdir("top/f", 0755));
	touch("top/f/x", "x");
	SHOW("rename dir over non-empty dir", rename("top/e", "top/f"));
	SHOW("rename file over dir", rename("top/file1", "top/f"));

	/* many entries, rewinddir, telldir/seekdir */
	SHOW("mkdir many", mkdir("many", 0755));
	char name[64];
	for (int i = 0; i < 300; i++) {
		sprintf(name, "many/entry-with-a-rather-long-name-%03d", i);
		touch(name, "");
	}
	DIR *d = opendir("many");
	int count = 0;
	while (readdir(d))
		count++;
	printf("many: %d entries\n", count);
	rewinddir(d);
	count = 0;
	while (readdir(d))
		count++;
	printf("many after rewinddir: %d entries\n", count);
	closedir(d);
	for (int i = 0; i < 300; i++) {
		sprintf(name, "many/entry-with-a-rather-long-name-%03d", i);
		unlink(name);
	}
	list("many emptied", "many");
	SHOW("rmdir many", rmdir("many"));

	/* opendir errors */
	list("opendir a file", "top/file1");
	list("opendir missing", "nope");
	SHOW("mkdir existing", mkdir("top", 0755));
	SHOW("mkdir in missing parent", mkdir("nope/x", 0755));
	printf("done\n");
	return 0;
}
