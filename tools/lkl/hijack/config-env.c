// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: the LKL_HIJACK_* environment variables, and the
 * loading of the whole configuration: LKL_HIJACK_CONFIG_FILE names the
 * JSON file (config-json.c), and the other variables override its
 * top-level keys and add one interface.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hijack.h"
#include "config.h"

static const char *hijack_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* LKL_HIJACK_SYSCTL="net.ipv4.tcp_sack=0;net.core.somaxconn=1024" */
static void hijack_env_sysctls(struct hijack_config *cfg, const char *s)
{
	char *copy = hijack_strdup(s), *tok, *save, *eq;
	int n = cfg->nsysctls;

	cfg->sysctls = realloc(cfg->sysctls,
			       (n + strlen(s) + 1) * sizeof(*cfg->sysctls));
	for (tok = strtok_r(copy, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		eq = strchr(tok, '=');
		if (!eq || eq == tok)
			hijack_config_fail("LKL_HIJACK_SYSCTL",
					   "\"%s\" is not NAME=VALUE", tok);
		*eq = '\0';
		cfg->sysctls[n].name = hijack_strdup(tok);
		cfg->sysctls[n].value = hijack_strdup(eq + 1);
		n++;
	}
	cfg->nsysctls = n;
	free(copy);
}

static void hijack_env_load(struct hijack_config *cfg)
{
	struct hijack_iface *ifc;
	const char *v;

	v = hijack_env("LKL_HIJACK_BOOT_CMDLINE");
	if (v) {
		free(cfg->cmdline);
		cfg->cmdline = hijack_strdup(v);
	}
	v = hijack_env("LKL_HIJACK_MEMSIZE");
	if (v) {
		hijack_check_memsize("LKL_HIJACK_MEMSIZE", v);
		free(cfg->memsize);
		cfg->memsize = hijack_strdup(v);
	}
	v = hijack_env("LKL_HIJACK_NET_GATEWAY");
	if (v) {
		hijack_check_addr("LKL_HIJACK_NET_GATEWAY", AF_INET, v);
		free(cfg->gateway);
		cfg->gateway = hijack_strdup(v);
	}
	v = hijack_env("LKL_HIJACK_NET_GATEWAY6");
	if (v) {
		hijack_check_addr("LKL_HIJACK_NET_GATEWAY6", AF_INET6, v);
		free(cfg->gateway6);
		cfg->gateway6 = hijack_strdup(v);
	}
	v = hijack_env("LKL_HIJACK_SYSCTL");
	if (v)
		hijack_env_sysctls(cfg, v);
	v = hijack_env("LKL_HIJACK_PIPE");
	if (v)
		hijack_lkl_pipes = hijack_parse_pipe("LKL_HIJACK_PIPE", v);

	v = hijack_env("LKL_HIJACK_NET_IFTYPE");
	if (!v) {
		static const char * const needs_type[] = {
			"LKL_HIJACK_NET_IFPARAMS", "LKL_HIJACK_NET_IP",
			"LKL_HIJACK_NET_NETMASK_LEN", "LKL_HIJACK_NET_IPV6",
			"LKL_HIJACK_NET_NETMASK6_LEN", "LKL_HIJACK_NET_MTU",
			"LKL_HIJACK_NET_MAC", "LKL_HIJACK_NET_OFFLOAD",
			"LKL_HIJACK_NET_QDISC", NULL
		};
		int i;

		for (i = 0; needs_type[i]; i++)
			if (hijack_env(needs_type[i]))
				hijack_config_fail(needs_type[i],
						   "set without LKL_HIJACK_NET_IFTYPE");
		return;
	}
	if (cfg->nifaces == HIJACK_MAX_IFACES)
		hijack_config_fail("LKL_HIJACK_NET_IFTYPE", "too many interfaces");
	ifc = &cfg->ifaces[cfg->nifaces++];
	snprintf(ifc->key, sizeof(ifc->key), "LKL_HIJACK_NET");
	ifc->type = hijack_strdup(v);
	v = hijack_env("LKL_HIJACK_NET_IFPARAMS");
	if (v)
		ifc->param = hijack_strdup(v);
	v = hijack_env("LKL_HIJACK_NET_IP");
	if (v) {
		hijack_check_addr("LKL_HIJACK_NET_IP", AF_INET, v);
		ifc->ip = hijack_strdup(v);
	}
	v = hijack_env("LKL_HIJACK_NET_NETMASK_LEN");
	if (v)
		ifc->plen = hijack_parse_int("LKL_HIJACK_NET_NETMASK_LEN", v, 0,
					     32);
	v = hijack_env("LKL_HIJACK_NET_IPV6");
	if (v) {
		hijack_check_addr("LKL_HIJACK_NET_IPV6", AF_INET6, v);
		ifc->ip6 = hijack_strdup(v);
	}
	v = hijack_env("LKL_HIJACK_NET_NETMASK6_LEN");
	if (v)
		ifc->plen6 = hijack_parse_int("LKL_HIJACK_NET_NETMASK6_LEN", v,
					      0, 128);
	v = hijack_env("LKL_HIJACK_NET_MTU");
	if (v)
		ifc->mtu = hijack_parse_int("LKL_HIJACK_NET_MTU", v, 68, 65535);
	v = hijack_env("LKL_HIJACK_NET_MAC");
	if (v) {
		hijack_parse_mac("LKL_HIJACK_NET_MAC", v, ifc->mac);
		ifc->has_mac = 1;
	}
	v = hijack_env("LKL_HIJACK_NET_OFFLOAD");
	if (v) {
		ifc->offloads = hijack_parse_offloads("LKL_HIJACK_NET_OFFLOAD", v);
		ifc->has_offloads = 1;
	}
	v = hijack_env("LKL_HIJACK_NET_QDISC");
	if (v)
		ifc->qdisc = hijack_strdup(v);
}

/**
 * hijack_config_load() - read and check the whole configuration
 *
 * Reads LKL_HIJACK_DEBUG first, then the JSON file named by
 * LKL_HIJACK_CONFIG_FILE, then the other variables, which override the
 * file's top-level keys and add one interface. Exits with a message on
 * the first error.
 *
 * Return: the configuration, for hijack_config_apply().
 */
struct hijack_config *hijack_config_load(void)
{
	struct hijack_config *cfg = calloc(1, sizeof(*cfg));
	const char *v;
	int i;

	if (!cfg) {
		fprintf(stderr, "lkl-hijack: out of memory\n");
		exit(1);
	}
	v = hijack_env("LKL_HIJACK_DEBUG");
	if (v)
		hijack_debug_level = hijack_parse_int("LKL_HIJACK_DEBUG", v, 0,
						      9);
	v = hijack_env("LKL_HIJACK_CONFIG_FILE");
	if (v)
		hijack_json_load(cfg, v);
	v = hijack_env("LKL_HIJACK_DEBUG");
	if (v)
		hijack_debug_level = hijack_parse_int("LKL_HIJACK_DEBUG", v, 0,
						      9);
	hijack_env_load(cfg);
	for (i = 0; i < cfg->nifaces; i++)
		hijack_check_iface(&cfg->ifaces[i]);
	for (i = 0; i < cfg->nroutes; i++)
		if (cfg->routes[i].iface >= cfg->nifaces)
			hijack_config_fail(cfg->routes[i].key,
					   "interface %d: there are only %d interfaces",
					   cfg->routes[i].iface, cfg->nifaces);
	return cfg;
}
