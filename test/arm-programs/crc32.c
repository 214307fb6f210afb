/* CRC-32 (IEEE, reflected) bitwise and table-driven, plus Adler-32: shifts,
   XORs and byte loads in tight loops. */
#include "semihost.h"

static u32 table[256];
static u8 data[8192];

static u32 crc_bitwise(const u8 *p, unsigned n)
{
	u32 c = 0xffffffff;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
	}
	return ~c;
}
static u32 crc_table(const u8 *p, unsigned n)
{
	u32 c = 0xffffffff;
	while (n--) c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}
static u32 adler32(const u8 *p, unsigned n)
{
	u32 a = 1, b = 0;
	while (n--) { a = (a + *p++) % 65521; b = (b + a) % 65521; }
	return b << 16 | a;
}

int main(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
		table[i] = c;
	}
	const char *s = "123456789";
	u32 c1 = crc_bitwise((const u8 *)s, 9);
	printf("crc32(\"123456789\") = %08x\n", c1);
	check_eq("crc check value", c1, 0xcbf43926);
	u32 x = 1;
	for (unsigned i = 0; i < sizeof data; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; data[i] = (u8)x; }
	u32 ct = crc_table(data, sizeof data), cb = crc_bitwise(data, sizeof data);
	printf("crc32(8 KiB) table %08x bitwise %08x\n", ct, cb);
	check_eq("crc table vs bitwise", ct, cb);
	u32 ad = adler32(data, sizeof data);
	printf("adler32(8 KiB) = %08x, adler32(\"Wikipedia\") = %08x\n", ad, adler32((const u8 *)"Wikipedia", 9));
	check_eq("adler", adler32((const u8 *)"Wikipedia", 9), 0x11e60398);
	return finish("crc32");
}
