// SPDX-License-Identifier: GPL-2.0
/* LKL has no assembly code, so no offsets to export to it. */
#include <linux/kbuild.h>

int main(void)
{
	return 0;
}
