/* Files: open/read/write/lseek/pread/pwrite/ftruncate, stat fields, rename, unlink, links,
 * dup/dup2/fcntl, access, umask, chmod, utimensat, readv/writev, openat and friends. */
#include "common.h"
#include <fcntl.h>
#include <sys/uio.h>

static void show_stat(const char *what, const char *path, int follow)
{
	struct stat st;
	int r = follow ? stat(path, &st) : lstat(path, &st);
	if (r < 0) {
		printf("%s: stat %s\n", what, errname(errno));
		return;
	}
	const char *type = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "symlink" : "other";
	printf("%s: %s size=%lld mode=%04o nlink=%u\n", what, type, (long long)st.st_size, (unsigned)(st.st_mode & 07777),
	       (unsigned)st.st_nlink);
}

static void show_file(const char *what, const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("%s: open %s\n", what, errname(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	printf("%s: %zd bytes [", what, n);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] >= 32 && buf[i] < 127)
			putchar(buf[i]);
		else
			printf("\\x%02x", (unsigned char)buf[i]);
	}
	printf("]\n");
}

int main(void)
{
	setup();
	char buf[128];

	/* write, read, lseek */
	int fd = open("f.txt", O_CREAT | O_RDWR | O_TRUNC, 0666);
	YESNO("open O_CREAT gives fd 3", fd == 3);
	SHOWV("write", write(fd, "hello world\n", 12));
	SHOWV("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR));
	SHOWV("lseek SEEK_SET", lseek(fd, 0, SEEK_SET));
	ssize_t n = read(fd, buf, 5);
	printf("read: %zd [%.*s]\n", n, (int)n, buf);
	SHOWV("lseek SEEK_END -3", lseek(fd, -3, SEEK_END));
	n = read(fd, buf, sizeof buf);
	printf("read at end-3: %zd [%.2s]\n", n, buf);
	SHOWV("read at EOF", read(fd, buf, sizeof buf));
	SHOWV("lseek past end", lseek(fd, 30, SEEK_SET));
	SHOWV("write past end", write(fd, "X", 1));
	show_stat("after hole", "f.txt", 1);
	SHOWV("pread", pread(fd, buf, 5, 6));
	printf("pread data: [%.5s]\n", buf);
	SHOWV("offset unchanged by pread", lseek(fd, 0, SEEK_CUR));
	SHOWV("pwrite", pwrite(fd, "WORLD", 5, 6));
	SHOWV("offset unchanged by pwrite", lseek(fd, 0, SEEK_CUR));
	SHOWV("ftruncate 8", ftruncate(fd, 8));
	show_stat("after ftruncate 8", "f.txt", 1);
	SHOWV("ftruncate 16", ftruncate(fd, 16));
	close(fd);
	show_file("contents", "f.txt");
	SHOWV("truncate 4", truncate("f.txt", 4));
	show_file("after truncate", "f.txt");

	/* fstat fields */
	struct stat st;
	fd = open("f.txt", O_RDONLY);
	SHOW("fstat", fstat(fd, &st));
	printf("fstat: size=%lld mode=%04o reg=%d nlink=%u uid-matches=%d\n", (long long)st.st_size,
	       (unsigned)(st.st_mode & 07777), S_ISREG(st.st_mode), (unsigned)st.st_nlink, st.st_uid == geteuid());
	close(fd);

	/* O_APPEND, readv/writev */
	fd = open("f.txt", O_WRONLY | O_APPEND);
	SHOWV("lseek 0 on O_APPEND", lseek(fd, 0, SEEK_SET));
	SHOWV("append write", write(fd, "++", 2));
	struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
	SHOWV("writev", writev(fd, iov, 3));
	close(fd);
	show_file("after append", "f.txt");
	fd = open("f.txt", O_RDONLY);
	char a[3], b[4];
	struct iovec riov[2] = {{a, 3}, {b, 4}};
	SHOWV("readv", readv(fd, riov, 2));
	printf("readv data: [%.3s] [%.4s]\n", a, b);
	close(fd);

	/* umask and modes */
	SHOWV("umask(077) returns", umask(077));
	fd = open("private", O_CREAT | O_WRONLY, 0666);
	close(fd);
	show_stat("created under umask 077", "private", 1);
	umask(022);
	SHOW("chmod 0751", chmod("private", 0751));
	show_stat("after chmod", "private", 1);
	fd = open("private", O_RDONLY);
	SHOW("fchmod 0640", fchmod(fd, 0640));
	close(fd);
	show_stat("after fchmod", "private", 1);

	/* access */
	SHOW("access F_OK", access("f.txt", F_OK));
	SHOW("access R_OK|W_OK", access("f.txt", R_OK | W_OK));
	SHOW("access X_OK on 0644", access("f.txt", X_OK));
	SHOW("access missing", access("missing", F_OK));

	/* rename */
	SHOW("rename", rename("f.txt", "g.txt"));
	SHOW("access old name", access("f.txt", F_OK));
	show_file("renamed", "g.txt");
	fd = open("h.txt", O_CREAT | O_WRONLY, 0644);
	SHOWV("write h", write(fd, "hhh", 3));
	close(fd);
	SHOW("rename over existing", rename("g.txt", "h.txt"));
	show_file("replaced", "h.txt");

	/* hard links */
	SHOW("link", link("h.txt", "hl.txt"));
	show_stat("link target", "h.txt", 1);
	show_stat("link", "hl.txt", 1);
	struct stat s1, s2;
	stat("h.txt", &s1);
	stat("hl.txt", &s2);
	YESNO("same inode", s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev);
	SHOW("unlink link", unlink("hl.txt"));
	show_stat("after unlink", "h.txt", 1);

	/* symbolic links */
	SHOW("symlink", symlink("h.txt", "sl"));
	n = readlink("sl", buf, sizeof buf);
	printf("readlink: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	n = readlink("sl", buf, 3);
	printf("readlink short buffer: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	show_stat("lstat symlink", "sl", 0);
	show_stat("stat through symlink", "sl", 1);
	show_file("read through symlink", "sl");
	SHOW("symlink dangling", symlink("nowhere", "dangling"));
	show_stat("stat dangling", "dangling", 1);
	show_stat("lstat dangling", "dangling", 0);
	SHOWV("readlink regular file", readlink("h.txt", buf, sizeof buf));

	/* an unlinked file stays usable through its descriptor */
	fd = open("tmp.txt", O_CREAT | O_RDWR, 0644);
	SHOW("unlink open file", unlink("tmp.txt"));
	SHOW("open unlinked", open("tmp.txt", O_RDONLY));
	SHOWV("write unlinked", write(fd, "still here", 10));
	SHOWV("pread unlinked", pread(fd, buf, 10, 0));
	printf("unlinked data: [%.10s]\n", buf);
	fstat(fd, &st);
	printf("unlinked nlink: %u\n", (unsigned)st.st_nlink);
	close(fd);

	/* dup, dup2, fcntl */
	fd = open("h.txt", O_RDONLY);
	int d = dup(fd);
	YESNO("dup gives lowest free fd", d == fd + 1);
	read(fd, buf, 2);
	SHOWV("dup shares the offset", lseek(d, 0, SEEK_CUR));
	SHOWV("dup2 to 10", dup2(fd, 10));
	SHOWV("dup2 same fd", dup2(10, 10));
	SHOWV("fcntl F_DUPFD 20", fcntl(fd, F_DUPFD, 20));
	SHOWV("fcntl F_DUPFD_CLOEXEC 20", fcntl(fd, F_DUPFD_CLOEXEC, 20));
	SHOWV("F_GETFD of 21", fcntl(21, F_GETFD));
	SHOWV("F_GETFD of 20", fcntl(20, F_GETFD));
	SHOWV("F_SETFD FD_CLOEXEC", fcntl(20, F_SETFD, FD_CLOEXEC));
	SHOWV("F_GETFD after", fcntl(20, F_GETFD));
	int fl = fcntl(fd, F_GETFL);
	printf("F_GETFL accmode: %s\n", (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "other");
	SHOWV("F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, fl | O_NONBLOCK));
	YESNO("F_GETFL has O_NONBLOCK", fcntl(fd, F_GETFL) & O_NONBLOCK);
	YESNO("dup shares O_NONBLOCK", fcntl(d, F_GETFL) & O_NONBLOCK);
	int w = open("h.txt", O_WRONLY | O_APPEND);
	fl = fcntl(w, F_GETFL);
	printf("F_GETFL: accmode=%s append=%d\n", (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "other", !!(fl & O_APPEND));
	close(w);
	SHOW("close", close(10));
	SHOW("close again", close(10));
	close(20);
	close(21);
	close(d);
	close(fd);

	/* utimensat, futimens */
	struct timespec ts[2] = {{1000000000, 0}, {1234567890, 500}};
	SHOW("utimensat", utimensat(AT_FDCWD, "h.txt", ts, 0));
	stat("h.txt", &st);
	printf("times: atime=%lld mtime=%lld mtime_nsec=%ld\n", (long long)st.st_atime, (long long)st.st_mtime,
	       (long)st.st_mtim.tv_nsec);
	struct timespec omit[2] = {{0, UTIME_OMIT}, {2000000000, 0}};
	fd = open("h.txt", O_RDONLY);
	SHOW("futimens with UTIME_OMIT", futimens(fd, omit));
	close(fd);
	stat("h.txt", &st);
	printf("times: atime=%lld mtime=%lld\n", (long long)st.st_atime, (long long)st.st_mtime);
	SHOW("utimensat on symlink itself", utimensat(AT_FDCWD, "sl", ts, AT_SYMLINK_NOFOLLOW));
	lstat("sl", &st);
	printf("symlink mtime: %lld\n", (long long)st.st_mtime);

	/* *at calls */
	SHOW("mkdir d", mkdir("d", 0755));
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "inner", O_CREAT | O_WRONLY, 0600);
	SHOWV("write inner", write(fd, "in", 2));
	close(fd);
	SHOW("fstatat", fstatat(dfd, "inner", &st, 0));
	printf("fstatat: size=%lld mode=%04o\n", (long long)st.st_size, (unsigned)(st.st_mode & 07777));
	show_file("inner via path", "d/inner");
	SHOW("renameat", renameat(dfd, "inner", AT_FDCWD, "outer"));
	SHOW("symlinkat", symlinkat("../outer", dfd, "ln"));
	n = readlinkat(dfd, "ln", buf, sizeof buf);
	printf("readlinkat: [%.*s]\n", (int)(n > 0 ? n : 0), buf);
	show_file("through relative symlink", "d/ln");
	SHOW("linkat", linkat(AT_FDCWD, "outer", dfd, "hard", 0));
	show_stat("outer after linkat", "outer", 1);
	SHOW("unlinkat file", unlinkat(dfd, "hard", 0));
	SHOW("unlinkat symlink", unlinkat(dfd, "ln", 0));
	SHOW("faccessat", faccessat(dfd, "..", W_OK, 0));
	close(dfd);
	SHOW("rmdir d", rmdir("d"));

	/* fsync family */
	fd = open("outer", O_RDWR);
	SHOW("fsync", fsync(fd));
	SHOW("fdatasync", fdatasync(fd));
	close(fd);
	SHOW("unlink outer", unlink("outer"));
	printf("done\n");
	return 0;
}
