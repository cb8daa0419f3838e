// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: the configuration's checks, its kernel command line
 * and its release. config-env.c and config-json.c fill it in from
 * LKL_HIJACK_* environment variables and from the JSON file named by
 * LKL_HIJACK_CONFIG_FILE; config-apply.c applies it to LKL.
 *
 * Everything is checked before LKL boots: unknown keys, wrong types,
 * malformed addresses and values out of range stop the program before
 * main() with a message that names the key. What only the running kernel
 * can tell (a missing or busy backend, an MTU the device refuses) stops it
 * after boot, the same way. Documentation/virt/lkl/hijack.rst lists every
 * key.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hijack.h"
#include "config.h"

#define HIJACK_BACKENDS		"tap, raw, macvtap, pipe, vde, fd or udp"

void hijack_config_fail(const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "lkl-hijack: config: %s: %s\n", key, msg);
	exit(1);
}

char *hijack_strdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		fprintf(stderr, "lkl-hijack: out of memory\n");
		exit(1);
	}
	return p;
}

/* An integer in [@min, @max] from the text @s, or a config failure. */
long hijack_parse_int(const char *key, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end)
		hijack_config_fail(key, "\"%s\" is not an integer", s);
	if (v < min || v > max)
		hijack_config_fail(key, "%ld is out of range (%ld to %ld)", v,
				   min, max);
	return v;
}

void hijack_check_addr(const char *key, int af, const char *s)
{
	unsigned char buf[16];

	if (inet_pton(af, s, buf) != 1)
		hijack_config_fail(key, "\"%s\" is not an IPv%d address", s,
				   af == AF_INET ? 4 : 6);
}

/* A MAC address, as lkl_netdev_parse_mac() takes it. */
void hijack_parse_mac(const char *key, const char *s, unsigned char *mac)
{
	if (lkl_netdev_parse_mac(s, mac))
		hijack_config_fail(key, "\"%s\" is not a MAC address (%s)", s,
				   "aa:bb:cc:dd:ee:ff, hex, not multicast");
}

/* Offloads, as lkl_netdev_parse_offloads() takes them. */
unsigned int hijack_parse_offloads(const char *key, const char *s)
{
	unsigned int bits;

	if (lkl_netdev_parse_offloads(s, &bits))
		hijack_config_fail(key, "\"%s\" is not offloads (%s)", s,
				   "all, none, some of csum,tso,lro, or 0 to 7");
	return bits;
}

/* LKL_HIJACK_PIPE or "pipe": whose pipes pipe() makes, 1 for LKL's. */
int hijack_parse_pipe(const char *key, const char *s)
{
	if (!strcmp(s, "lkl"))
		return 1;
	if (strcmp(s, "host"))
		hijack_config_fail(key, "\"%s\" is neither \"host\" nor \"lkl\"",
				   s);
	return 0;
}

void hijack_check_memsize(const char *key, const char *s)
{
	const char *p = s;

	while (isdigit((unsigned char)*p))
		p++;
	if (p == s || (*p && (!strchr("KkMmGg", *p) || p[1])))
		hijack_config_fail(key, "\"%s\" is not a size such as 64M", s);
}

void hijack_check_iface(struct hijack_iface *ifc)
{
	char key[HIJACK_KEY_LEN + 16];
	size_t len;
	int ret;

	snprintf(key, sizeof(key), "%s.type", ifc->key);
	if (!ifc->type)
		hijack_config_fail(key, "missing (" HIJACK_BACKENDS ")");
	/* The backend is the spec "TYPE:PARAM" of lkl_netdev_create(). */
	if (strchr(ifc->type, ':'))
		hijack_config_fail(key, "unknown backend \"%s\" (" HIJACK_BACKENDS ")",
				   ifc->type);
	snprintf(key, sizeof(key), "%s.param", ifc->key);
	len = strlen(ifc->type) + strlen(ifc->param ? ifc->param : "") + 2;
	ifc->spec = malloc(len);
	if (!ifc->spec)
		hijack_config_fail(key, "out of memory");
	snprintf(ifc->spec, len, "%s:%s", ifc->type,
		 ifc->param ? ifc->param : "");
	ret = lkl_netdev_spec_check(ifc->spec);
	if (ret == -LKL_EPROTONOSUPPORT) {
		snprintf(key, sizeof(key), "%s.type", ifc->key);
		hijack_config_fail(key, "unknown backend \"%s\" (" HIJACK_BACKENDS ")",
				   ifc->type);
	}
	if (!ifc->param || !*ifc->param)
		hijack_config_fail(key, "missing: the %s backend needs one",
				   ifc->type);
	if (ret < 0)
		hijack_config_fail(key, "\"%s\" is not what the %s backend takes (%s)",
				   ifc->param, ifc->type,
				   LKL_NETDEV_SPEC_FORMS);
	snprintf(key, sizeof(key), "%s.ip", ifc->key);
	if (ifc->ip)
		hijack_check_addr(key, AF_INET, ifc->ip);
	snprintf(key, sizeof(key), "%s.ipv6", ifc->key);
	if (ifc->ip6)
		hijack_check_addr(key, AF_INET6, ifc->ip6);
	snprintf(key, sizeof(key), "%s.gateway", ifc->key);
	if (ifc->gw && !ifc->ip)
		hijack_config_fail(key, "needs %s.ip, the source of its traffic",
				   ifc->key);
	snprintf(key, sizeof(key), "%s.gateway6", ifc->key);
	if (ifc->gw6 && !ifc->ip6)
		hijack_config_fail(key, "needs %s.ipv6, the source of its traffic",
				   ifc->key);
}

/* An IPv4 or IPv6 address: its family, or a config failure. */
int hijack_addr_family(const char *key, const char *s)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return AF_INET6;
	hijack_config_fail(key, "\"%s\" is neither an IPv4 nor an IPv6 address",
			   s);
	return -1;
}

/**
 * hijack_config_cmdline() - the kernel command line to boot with
 * @cfg: the configuration
 * @buf: receives the command line
 * @len: the size of @buf
 *
 * Return: 0, or -1 if it does not fit.
 */
int hijack_config_cmdline(const struct hijack_config *cfg, char *buf,
			  size_t len)
{
	int n;

	/* The defconfig's console shows warnings only: at 2, show it all. */
	n = snprintf(buf, len, "mem=%s%s%s%s",
		     cfg->memsize ? cfg->memsize : "64M",
		     hijack_debug_level >= 2 ? " loglevel=8" : " loglevel=4",
		     cfg->cmdline ? " " : "", cfg->cmdline ? cfg->cmdline : "");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/**
 * hijack_config_free() - release what hijack_config_load() returned
 * @cfg: the configuration
 */
void hijack_config_free(struct hijack_config *cfg)
{
	int i, j;

	for (i = 0; i < cfg->nifaces; i++) {
		free(cfg->ifaces[i].type);
		free(cfg->ifaces[i].param);
		free(cfg->ifaces[i].spec);
		free(cfg->ifaces[i].ip);
		free(cfg->ifaces[i].ip6);
		free(cfg->ifaces[i].qdisc);
		free(cfg->ifaces[i].gw);
		free(cfg->ifaces[i].gw6);
		for (j = 0; j < cfg->ifaces[i].nneighs; j++)
			free(cfg->ifaces[i].neighs[j].ip);
		free(cfg->ifaces[i].neighs);
	}
	for (i = 0; i < cfg->nsysctls; i++) {
		free(cfg->sysctls[i].name);
		free(cfg->sysctls[i].value);
	}
	free(cfg->sysctls);
	for (i = 0; i < cfg->nroutes; i++) {
		free(cfg->routes[i].dst);
		free(cfg->routes[i].gw);
		free(cfg->routes[i].ifname);
	}
	free(cfg->routes);
	for (i = 0; i < cfg->nmounts; i++) {
		if (cfg->mounts[i].fd >= 0)
			hijack_host.close(cfg->mounts[i].fd);
		free(cfg->mounts[i].image);
		free(cfg->mounts[i].fstype);
		free(cfg->mounts[i].dir);
	}
	free(cfg->mounts);
	free(cfg->cmdline);
	free(cfg->memsize);
	free(cfg->gateway);
	free(cfg->gateway6);
	free(cfg);
}
