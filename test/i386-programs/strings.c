/* The string instructions and the C library's string functions: memcpy/memmove (overlapping both
 * ways), memset, memcmp, strlen/strcmp/strchr/strstr, sprintf of integers, qsort and bsearch,
 * and inline assembly for rep movs/stos/cmps/scas/lods with the direction flag set and clear. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }

int main(void)
{
	char buf[256], big[4096];
	int i;
	for (i = 0; i < (int)sizeof big; i++) big[i] = (char)(i * 7 + (i >> 5));
	memmove(big + 3, big, 1000);
	memmove(big + 100, big + 150, 1000);
	memcpy(buf, big + 17, sizeof buf);
	unsigned sum = 0;
	for (i = 0; i < (int)sizeof big; i++) sum = sum * 31 + (unsigned char)big[i];
	for (i = 0; i < (int)sizeof buf; i++) sum = sum * 31 + (unsigned char)buf[i];
	printf("memmove/memcpy checksum %08x\n", sum);
	memset(big, 'z', 1234);
	memset(big + 5, 0, 3);
	printf("memset: %d %d %d memcmp: %d %d\n", big[0], big[5], big[1233], memcmp(big, big + 8, 100) == 0, memcmp("abc", "abd", 3) < 0);

	const char *s = "the quick brown fox jumps over the lazy dog";
	printf("strlen %zu strchr %s strrchr %s strstr %s strcmp %d %d\n", strlen(s), strchr(s, 'q'), strrchr(s, 'o'),
	       strstr(s, "lazy"), strcmp("apple", "apples") < 0, strcmp("b", "a") > 0);
	strcpy(buf, "hello");
	strcat(buf, ", world");
	strncat(buf, "!!!!!", 2);
	printf("%s (%zu) %s\n", buf, strlen(buf), strncmp(buf, "hello", 5) == 0 ? "prefix" : "no");
	snprintf(buf, sizeof buf, "%d %u %x %X %o %5d|%-5d|%05d %ld %lld %llu %c %s %p", -42, 42u, 0xbeef, 0xbeef, 8, 7, 7, 7,
		 -1234567L, -123456789012345LL, 18446744073709551615ULL, 'Q', "str", (void *)0x1234);
	printf("%s\n", buf);
	printf("strtol %ld %ld %lu atoi %d\n", strtol("-0x1f", 0, 16), strtol("777", 0, 8), strtoul("4294967295", 0, 10), atoi("  -17xyz"));

	int arr[50];
	for (i = 0; i < 50; i++) arr[i] = (i * 37) % 101 - 50;
	qsort(arr, 50, sizeof arr[0], cmp);
	for (i = 0; i < 50; i++) printf("%d%c", arr[i], i == 49 ? '\n' : ' ');
	int key = arr[17];
	int *found = bsearch(&key, arr, 50, sizeof arr[0], cmp);
	printf("bsearch: %d at %d\n", key, found ? (int)(found - arr) : -1);

	/* The string instructions themselves. */
	char src[64], dst[64];
	for (i = 0; i < 64; i++) src[i] = (char)('A' + i % 26), dst[i] = '.';
	{
		void *d = dst + 60, *sp = src + 60;
		int n = 20;
		__asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(sp), "+c"(n) : : "memory");
		printf("rep movsb backwards: %.64s esi-src=%d edi-dst=%d\n", dst, (int)((char *)sp - src), (int)((char *)d - dst));
	}
	{
		unsigned words[8] = { 0 };
		void *d = words;
		int n = 5;
		__asm__ volatile("rep stosl" : "+D"(d), "+c"(n) : "a"(0x11223344) : "memory");
		printf("rep stosl: %08x %08x %08x edi-words=%d\n", words[0], words[4], words[5], (int)((char *)d - (char *)words));
	}
	{
		const char *a = "abcdefgh", *b = "abcdXfgh";
		const void *pa = a, *pb = b;
		int n = 8;
		unsigned char eq;
		__asm__ volatile("cld; repz cmpsb; sete %3" : "+S"(pa), "+D"(pb), "+c"(n), "=q"(eq) : : "memory", "cc");
		printf("repz cmpsb: stopped after %d, ecx=%d, equal=%d\n", (int)((const char *)pa - a), n, eq);
	}
	{
		const char *str = "find the colon: here";
		const void *p = str;
		int n = 100;
		__asm__ volatile("cld; repnz scasb" : "+D"(p), "+c"(n) : "a"(':') : "memory", "cc");
		printf("repnz scasb: found at %d, ecx=%d\n", (int)((const char *)p - str) - 1, n);
	}
	{
		unsigned short hw[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };
		const void *p = hw + 3;
		unsigned ax = 0;
		__asm__ volatile("std; lodsw; lodsw; cld" : "+S"(p), "+a"(ax) : : "memory");
		printf("lodsw backwards: %04x esi-hw=%d\n", ax & 0xffff, (int)((const char *)p - (const char *)hw));
	}
	return 0;
}
