/* Time: CLOCK_MONOTONIC never goes back and advances, nanosleep sleeps at least as long as
 * asked, gettimeofday, time and CLOCK_REALTIME agree and are sane, clock_getres, times, and
 * futex waits of one thread (a value mismatch, a timeout) and wakes. */
#include "common.h"
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

static long long ns(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	setup();
	struct timespec a, b, res;
	SHOW("clock_gettime MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &a));
	int backwards = 0;
	long long prev = ns(a);
	for (int i = 0; i < 10000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (ns(b) < prev)
			backwards++;
		prev = ns(b);
	}
	printf("monotonic went backwards: %d times\n", backwards);
	YESNO("tv_nsec in range", b.tv_nsec >= 0 && b.tv_nsec < 1000000000);

	struct timespec req = {0, 50 * 1000000}, rem = {9, 9};
	clock_gettime(CLOCK_MONOTONIC, &a);
	SHOW("nanosleep 50ms", nanosleep(&req, &rem));
	clock_gettime(CLOCK_MONOTONIC, &b);
	long long slept = ns(b) - ns(a);
	YESNO("slept at least 50ms", slept >= 50000000LL);
	YESNO("slept less than 5s", slept < 5000000000LL);
	req.tv_sec = 0;
	req.tv_nsec = 1000000000;
	SHOW("nanosleep with tv_nsec = 1e9", nanosleep(&req, NULL));
	req.tv_nsec = -1;
	SHOW("nanosleep with tv_nsec = -1", nanosleep(&req, NULL));
	clock_gettime(CLOCK_MONOTONIC, &a);
	SHOW("usleep 20000", usleep(20000));
	clock_gettime(CLOCK_MONOTONIC, &b);
	YESNO("usleep slept at least 20ms", ns(b) - ns(a) >= 20000000LL);
	req.tv_sec = 0;
	req.tv_nsec = 30000000;
	clock_gettime(CLOCK_MONOTONIC, &a);
	SHOW("clock_nanosleep relative 30ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0 ? 0 : -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	YESNO("clock_nanosleep slept at least 30ms", ns(b) - ns(a) >= 30000000LL);
	struct timespec until = b;
	until.tv_nsec += 20000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_nsec -= 1000000000;
		until.tv_sec++;
	}
	SHOW("clock_nanosleep TIMER_ABSTIME", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0 ? 0 : -1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	YESNO("woke after the absolute time", ns(a) >= ns(until));

	struct timeval tv;
	SHOW("gettimeofday", gettimeofday(&tv, NULL));
	time_t now = time(NULL);
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	YESNO("gettimeofday after 2020", tv.tv_sec > 1577836800);
	YESNO("tv_usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	/* time() reads the kernel's coarse clock (ktime_get_real_seconds), which may still be a tick
	 * behind a gettimeofday made just before it at a second's turn: one second less is in order. */
	YESNO("time() agrees with gettimeofday", now - tv.tv_sec >= -1 && now - tv.tv_sec <= 2);
	YESNO("CLOCK_REALTIME agrees with time()", rt.tv_sec - now >= 0 && rt.tv_sec - now <= 2);
	time_t t2;
	time(&t2);
	YESNO("time(&t) stores", t2 >= now);

	SHOW("clock_getres MONOTONIC", clock_getres(CLOCK_MONOTONIC, &res));
	YESNO("resolution at most 1ms", res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
	SHOW("clock_gettime PROCESS_CPUTIME_ID", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a));
	SHOW("clock_gettime BOOTTIME", clock_gettime(CLOCK_BOOTTIME, &a));
	SHOW("clock_gettime bad clock", clock_gettime((clockid_t)12345, &a));

	struct tms t;
	clock_t c = times(&t);
	YESNO("times() succeeds", c != (clock_t)-1);
	struct tm tm;
	time_t fixed = 1234567890;
	gmtime_r(&fixed, &tm);
	char buf[64];
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
	printf("gmtime(1234567890): %s\n", buf);

	int word = 5;
	SHOW("futex wait on a changed value", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0));
	struct timespec fto = {0, 30 * 1000000};
	clock_gettime(CLOCK_MONOTONIC, &a);
	SHOW("futex wait with a timeout", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 5, &fto, NULL, 0));
	clock_gettime(CLOCK_MONOTONIC, &b);
	YESNO("futex waited its timeout", ns(b) - ns(a) >= 30 * 1000000LL);
	SHOWV("futex wake with no waiter", syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	printf("done\n");
	return 0;
}
