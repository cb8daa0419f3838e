// SPDX-License-Identifier: GPL-2.0
/*
 * Network backends, MAC addresses and offloads written as text, the one
 * parser of the tools that take them from a command line, the environment
 * or a file (lkl-net-test, liblkl-hijack.so). The rules are in <lkl.h>,
 * above lkl_netdev_spec_check().
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>

#include "virtio/netdev.h"

enum netdev_spec_type {
	SPEC_TAP,
	SPEC_RAW,
	SPEC_MACVTAP,
	SPEC_PIPE,
	SPEC_VDE,
	SPEC_FD,
	SPEC_UDP,
	SPEC_NR_TYPES
};

static const char * const netdev_spec_types[SPEC_NR_TYPES] = {
	[SPEC_TAP] = "tap",
	[SPEC_RAW] = "raw",
	[SPEC_MACVTAP] = "macvtap",
	[SPEC_PIPE] = "pipe",
	[SPEC_VDE] = "vde",
	[SPEC_FD] = "fd",
	[SPEC_UDP] = "udp",
};

/**
 * struct netdev_spec - a spec split into its parts
 * @type: the backend type
 * @param: PARAM, the text after the first colon
 * @comma: for pipe, fd and udp, the first comma in @param, or NULL
 * @fd: for fd, the descriptor number
 * @hdr_len: for fd, the virtio-net header length
 */
struct netdev_spec {
	enum netdev_spec_type type;
	const char *param;
	const char *comma;
	int fd;
	int hdr_len;
};

/* The decimal number in [@s, @end): 0 and *@val, or -1. */
static int netdev_spec_number(const char *s, const char *end, int *val)
{
	long long n = 0;

	if (s == end)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > INT_MAX)
			return -1;
	}
	*val = (int)n;
	return 0;
}

/*
 * Check the LOCAL,REMOTE of a udp spec and, if @nd, create the backend:
 * the addresses hold no comma, so the first one splits them.
 */
static int netdev_spec_udp(const struct netdev_spec *p, struct lkl_netdev **nd)
{
	char *local;
	int ret;

	if (!p->comma)
		return -LKL_EINVAL;
	local = strndup(p->param, p->comma - p->param);
	if (!local)
		return -LKL_ENOMEM;
	if (nd)
		ret = lkl_netdev_udp_create(local, p->comma + 1, nd);
	else
		ret = netdev_udp_check(local, p->comma + 1) ? -LKL_EINVAL : 0;
	free(local);
	return ret;
}

static int netdev_spec_parse(const char *spec, struct netdev_spec *p)
{
	const char *colon = strchr(spec, ':');
	size_t len;
	int i;

	if (!colon)
		return -LKL_EPROTONOSUPPORT;
	len = colon - spec;
	for (i = 0; i < SPEC_NR_TYPES; i++)
		if (strlen(netdev_spec_types[i]) == len &&
		    !strncmp(spec, netdev_spec_types[i], len))
			break;
	if (i == SPEC_NR_TYPES)
		return -LKL_EPROTONOSUPPORT;
	p->type = i;
	p->param = colon + 1;
	p->comma = strchr(p->param, ',');
	p->fd = -1;
	p->hdr_len = 0;
	if (!*p->param)
		return -LKL_EINVAL;
	switch (p->type) {
	case SPEC_PIPE:
		if (!p->comma || p->comma == p->param || !p->comma[1])
			return -LKL_EINVAL;
		break;
	case SPEC_UDP:
		return netdev_spec_udp(p, NULL);
	case SPEC_FD:
		if (netdev_spec_number(p->param, p->comma ? p->comma :
				       p->param + strlen(p->param), &p->fd))
			return -LKL_EINVAL;
		if (p->comma &&
		    netdev_spec_number(p->comma + 1,
				       p->comma + 1 + strlen(p->comma + 1),
				       &p->hdr_len))
			return -LKL_EINVAL;
		break;
	default:
		break;
	}
	return 0;
}

int lkl_netdev_spec_check(const char *spec)
{
	struct netdev_spec p;

	return netdev_spec_parse(spec, &p);
}

int lkl_netdev_create(const char *spec, struct lkl_netdev **nd)
{
	struct netdev_spec p;
	char *rx;
	int ret;

	ret = netdev_spec_parse(spec, &p);
	if (ret < 0)
		return ret;
	switch (p.type) {
	case SPEC_TAP:
		return lkl_netdev_tap_create(p.param, nd);
	case SPEC_RAW:
		return lkl_netdev_raw_create(p.param, nd);
	case SPEC_MACVTAP:
		return lkl_netdev_macvtap_create(p.param, nd);
	case SPEC_VDE:
		return lkl_netdev_vde_create(p.param, nd);
	case SPEC_FD:
		return lkl_netdev_fd_create(p.fd, p.hdr_len, nd);
	case SPEC_UDP:
		return netdev_spec_udp(&p, nd);
	case SPEC_PIPE:
		rx = strndup(p.param, p.comma - p.param);
		if (!rx)
			return -LKL_ENOMEM;
		ret = lkl_netdev_pipe_create(rx, p.comma + 1, nd);
		free(rx);
		return ret;
	default:
		return -LKL_EPROTONOSUPPORT;
	}
}

static int netdev_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lkl_netdev_parse_mac(const char *s, unsigned char *mac)
{
	unsigned char b[6];
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		hi = netdev_hex_digit(s[0]);
		lo = hi < 0 ? -1 : netdev_hex_digit(s[1]);
		if (lo < 0)
			return -LKL_EINVAL;
		b[i] = (unsigned char)(hi << 4 | lo);
		s += 2;
		if (*s != (i == 5 ? '\0' : ':'))
			return -LKL_EINVAL;
		s++;
	}
	if (b[0] & 1)
		return -LKL_EINVAL;
	memcpy(mac, b, sizeof(b));
	return 0;
}

int lkl_netdev_parse_offloads(const char *s, unsigned int *offloads)
{
	static const struct {
		const char *name;
		unsigned int bits;
	} names[] = {
		{ "csum", LKL_NETDEV_OFFLOAD_CSUM },
		{ "tso", LKL_NETDEV_OFFLOAD_TSO },
		{ "lro", LKL_NETDEV_OFFLOAD_LRO },
		{ NULL, 0 },
	};
	unsigned int bits = 0;
	const char *end;
	size_t i, len;
	int n;

	if (!strcmp(s, "all") || !strcmp(s, "on")) {
		*offloads = LKL_NETDEV_OFFLOAD_ALL;
		return 0;
	}
	if (!strcmp(s, "none") || !strcmp(s, "off")) {
		*offloads = 0;
		return 0;
	}
	if (*s >= '0' && *s <= '9') {
		if (netdev_spec_number(s, s + strlen(s), &n) ||
		    (unsigned int)n > LKL_NETDEV_OFFLOAD_ALL)
			return -LKL_EINVAL;
		*offloads = n;
		return 0;
	}
	for (;;) {
		end = strchr(s, ',');
		len = end ? (size_t)(end - s) : strlen(s);
		for (i = 0; names[i].name; i++)
			if (strlen(names[i].name) == len &&
			    !strncmp(s, names[i].name, len))
				break;
		if (!names[i].name)
			return -LKL_EINVAL;
		bits |= names[i].bits;
		if (!end)
			break;
		s = end + 1;
	}
	*offloads = bits;
	return 0;
}
