// SPDX-License-Identifier: GPL-2.0
/*
 * The hijack suite's reading of LKL's interface counters, from the
 * /proc/net/dev dump that LKL_HIJACK_DEBUG=1 prints at exit.
 */
#include <stdio.h>
#include <string.h>

#include "testlib.h"

#define HJ_DUMP_TITLE	"LKL's /proc/net/dev at exit"

/* Field @field (0 is rx_bytes) of @ifname's line in the dump in @out. */
static long long hj_dev_field(const char *out, const char *ifname, int field)
{
	unsigned long long f[10];
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), " %s:", ifname);
	p = strstr(out, HJ_DUMP_TITLE);
	if (!p)
		return -1;
	p = strstr(p, key);
	if (!p)
		return -1;
	if (sscanf(p + strlen(key),
		   "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7],
		   &f[8], &f[9]) <= field)
		return -1;
	return f[field];
}

long long hj_counter(const char *out, const char *ifname, int tx)
{
	/* rx_packets is field 1, tx_packets field 9. */
	return hj_dev_field(out, ifname, tx ? 9 : 1);
}

long long hj_counter_bytes(const char *out, const char *ifname, int tx)
{
	/* rx_bytes is field 0, tx_bytes field 8. */
	return hj_dev_field(out, ifname, tx ? 8 : 0);
}
