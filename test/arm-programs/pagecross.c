/* Straight-line code, a loop and a Thumb BL pair across 4 KiB page boundaries. */
#include "semihost.h"

extern u32 cross_straight(u32), cross_loop(u32), cross_thumb(u32);

int main(void)
{
	printf("cross_straight at %08x, page offset %03x\n", (u32)cross_straight, (u32)cross_straight & 0xfff);
	check_eq("straight placement", (u32)cross_straight & 0xfff, 0xfe8);
	check_eq("loop placement", (u32)cross_loop & 0xfff, 0xff8);
	check_eq("thumb placement", (u32)cross_thumb & 0xfff, 0xff7);	/* bit 0 = Thumb */
	u32 a = 0;
	for (int i = 0; i < 100; i++) a = cross_straight(a);
	printf("straight x100: %u\n", a);
	check_eq("straight", a, 1100);
	u32 b = cross_loop(1000);
	printf("loop(1000): %u\n", b);
	check_eq("loop", b, 499500);
	u32 c = cross_thumb(4);
	printf("thumb(4): %u\n", c);
	check_eq("thumb", c, 20);
	return finish("pagecross");
}
