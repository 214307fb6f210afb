/*
 * Shared helpers of the user-mode test programs (test/linux-programs/). The programs print
 * what they observe, one fact a line, so that the output of a native (x86-64) run and of a
 * qemu-arm run is the expected output: nothing printed may depend on addresses, pids, times,
 * the temporary directory's name or the word size.
 */
#ifndef LINUX_PROGRAMS_COMMON_H
#define LINUX_PROGRAMS_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* The symbolic name of an errno value (libc's strerror texts are not compared). */
static inline const char *errname(int e)
{
	switch (e) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case ENOEXEC: return "ENOEXEC";
	case EBADF: return "EBADF";
	case ECHILD: return "ECHILD";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EMLINK: return "EMLINK";
	case EPIPE: return "EPIPE";
	case EDOM: return "EDOM";
	case ERANGE: return "ERANGE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case ETIMEDOUT: return "ETIMEDOUT";
	default: {
		static char buf[32];
		snprintf(buf, sizeof buf, "errno %d", e);
		return buf;
	}
	}
}

/* Line-buffered stdout (so that the lines of forked children interleave by line) and a known umask. */
static inline void setup(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
}

/* Prints "what: OK" for a call that returned >= 0, else "what: ENAME". */
#define SHOW(what, call)                                                                           \
	do {                                                                                           \
		errno = 0;                                                                                 \
		long show_r_ = (long)(call);                                                               \
		printf("%s: %s\n", what, show_r_ >= 0 ? "OK" : errname(errno));                           \
	} while (0)

/* Prints "what: <value>" for a call's result, or "what: -1 ENAME". */
#define SHOWV(what, call)                                                                          \
	do {                                                                                           \
		errno = 0;                                                                                 \
		long show_r_ = (long)(call);                                                               \
		if (show_r_ >= 0)                                                                          \
			printf("%s: %ld\n", what, show_r_);                                                    \
		else                                                                                       \
			printf("%s: -1 %s\n", what, errname(errno));                                           \
	} while (0)

/* Prints "what: yes" or "what: no". */
#define YESNO(what, cond) printf("%s: %s\n", what, (cond) ? "yes" : "no")

#endif
