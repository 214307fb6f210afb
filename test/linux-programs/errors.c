/* Error paths: the errno of failing system calls, including EFAULT for bad user pointers. */
#include "common.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

/* Opaque to the compiler, so that it neither warns nor rewrites the calls. */
static void *volatile bad_ptr = (void *)1;
static void *volatile null_ptr;

int main(void)
{
	setup();
	char buf[64];
	int fd = open("file", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, "0123456789", 10);
	lseek(fd, 0, SEEK_SET);
	mkdir("dir", 0755);

	SHOW("open missing", open("missing", O_RDONLY));
	SHOW("open missing/x", open("missing/x", O_RDONLY));
	SHOW("open file/x (ENOTDIR)", open("file/x", O_RDONLY));
	SHOW("open O_CREAT|O_EXCL existing", open("file", O_CREAT | O_EXCL | O_WRONLY, 0644));
	SHOW("open dir for writing", open("dir", O_WRONLY));
	SHOW("open O_DIRECTORY on a file", open("file", O_RDONLY | O_DIRECTORY));
	SHOW("open empty path", open("", O_RDONLY));
	SHOWV("read(99)", read(99, buf, 1));
	SHOWV("write(99)", write(99, buf, 1));
	SHOWV("read(-1)", read(-1, buf, 1));
	SHOWV("close(99)", close(99));
	SHOWV("lseek(99)", lseek(99, 0, SEEK_SET));
	SHOWV("fstat(99)", fstat(99, (struct stat *)buf));
	SHOWV("dup(99)", dup(99));
	SHOWV("dup2(99, 5)", dup2(99, 5));
	SHOWV("fcntl(99, F_GETFL)", fcntl(99, F_GETFL));

	/* bad user pointers */
	SHOWV("read into (void*)1", read(fd, bad_ptr, 4));
	SHOWV("offset after failed read", lseek(fd, 0, SEEK_CUR));
	SHOWV("write from (void*)1", write(fd, bad_ptr, 4));
	SHOWV("read into NULL", read(fd, null_ptr, 4));
	SHOWV("open with a bad path pointer", open((const char *)bad_ptr, O_RDONLY));
	SHOWV("pipe into a bad array", pipe((int *)bad_ptr));
	struct iovec bad[1] = {{NULL, 4}};
	bad[0].iov_base = bad_ptr;
	SHOWV("readv with a bad iovec", readv(fd, bad, 1));
	SHOWV("writev from a bad iovec array", writev(fd, (struct iovec *)bad_ptr, 1));
	SHOWV("getcwd into a bad buffer", syscall(SYS_getcwd, bad_ptr, 100));
	SHOWV("read 0 bytes from a bad pointer", read(fd, bad_ptr, 0));

	/* other errors */
	SHOWV("lseek bad whence", lseek(fd, 0, 42));
	SHOWV("lseek negative", lseek(fd, -100, SEEK_SET));
	SHOWV("read a directory", ({ int d = open("dir", O_RDONLY); long r = read(d, buf, 10); int e = errno; close(d); errno = e; r; }));
	int p[2];
	pipe(p);
	SHOWV("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
	SHOWV("write to a read end", write(p[0], "x", 1));
	SHOWV("read from a write end", read(p[1], buf, 1));
	close(p[0]);
	close(p[1]);
	int ro = open("file", O_RDONLY);
	SHOWV("write to O_RDONLY fd", write(ro, "x", 1));
	SHOWV("ftruncate O_RDONLY fd", ftruncate(ro, 0));
	close(ro);
	SHOW("mkdir existing", mkdir("dir", 0755));
	SHOW("mkdir over a file", mkdir("file", 0755));
	SHOW("link existing", link("file", "dir"));
	SHOW("symlink existing", symlink("x", "file"));
	SHOW("rmdir file", rmdir("file"));
	SHOW("unlink missing", unlink("missing"));
	SHOW("rename missing", rename("missing", "x"));
	SHOW("chdir file", chdir("file"));
	SHOW("stat file/", stat("file/", (struct stat *)buf));
	SHOW("ioctl TCGETS on a file", ioctl(fd, 0x5401, buf));
	SHOW("unknown system call", syscall(9999));
	char longname[300];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	SHOW("open a too long name", open(longname, O_RDONLY));
	SHOW("symlink loop", ({ symlink("loop", "loop"); open("loop", O_RDONLY); }));
	close(fd);
	printf("done\n");
	return 0;
}
