// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: the configuration, from LKL_HIJACK_* environment
 * variables and from a JSON file (LKL_HIJACK_CONFIG_FILE) read with
 * json-c.
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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hijack.h"

#define HIJACK_KEY_LEN		64
#define HIJACK_MAX_IFACES	16

/* A permanent ARP or NDP entry on an interface. */
struct hijack_neigh {
	char key[2 * HIJACK_KEY_LEN];	/* "interfaces[0].neighbours[1]" */
	int af;
	char *ip;
	unsigned char mac[6];
};

/* One network interface: a backend and how to set it up. */
struct hijack_iface {
	char key[HIJACK_KEY_LEN];	/* "interfaces[0]" or "LKL_HIJACK_NET" */
	char *type;
	char *param;
	int mtu;
	int has_mac;
	unsigned char mac[6];
	int has_offloads;
	unsigned int offloads;
	char *ip;
	unsigned int plen;
	char *ip6;
	unsigned int plen6;
	char *qdisc;
	char *gw;
	char *gw6;
	int nneighs;
	struct hijack_neigh *neighs;
};

/* A route: "routes": [ { "dst": "10.1.0.0/16", "gw": "10.0.0.1" } ] */
struct hijack_route {
	char key[HIJACK_KEY_LEN];	/* "routes[0]" */
	int af;
	char *dst;			/* NULL for the default route */
	unsigned int plen;
	char *gw;
	int iface;			/* an index in interfaces[], or -1 */
	char *ifname;			/* or a name in LKL */
};

/* A disk image to mount: "mounts": [ { "image": "/tmp/disk.img" } ] */
struct hijack_mount {
	char key[HIJACK_KEY_LEN];	/* "mounts[0]" */
	char *image;
	char *fstype;
	unsigned int part;
	int readonly;
	char *dir;
	int fd;				/* the image, opened before boot */
};

/* What was mounted, for hijack_config_unmount() at exit. */
struct hijack_mounted {
	char key[HIJACK_KEY_LEN];
	struct lkl_disk disk;
	long id;
	unsigned int part;
	char mnt[64];
	char *dir;
};

#define HIJACK_MAX_MOUNTS	16

static struct hijack_mounted hijack_mounted[HIJACK_MAX_MOUNTS];
static int hijack_nmounted;

struct hijack_sysctl {
	char *name;
	char *value;
};

struct hijack_config {
	char *cmdline;
	char *memsize;
	char *gateway;
	char *gateway6;
	int nsysctls;
	struct hijack_sysctl *sysctls;
	int nroutes;
	struct hijack_route *routes;
	int nmounts;
	struct hijack_mount *mounts;
	int nifaces;
	struct hijack_iface ifaces[HIJACK_MAX_IFACES];
};

static void hijack_config_fail(const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "lkl-hijack: config: %s: %s\n", key, msg);
	exit(1);
}

static char *hijack_strdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		fprintf(stderr, "lkl-hijack: out of memory\n");
		exit(1);
	}
	return p;
}

/* An integer in [@min, @max] from the text @s, or a config failure. */
static long hijack_parse_int(const char *key, const char *s, long min,
			     long max)
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

static void hijack_check_addr(const char *key, int af, const char *s)
{
	unsigned char buf[16];

	if (inet_pton(af, s, buf) != 1)
		hijack_config_fail(key, "\"%s\" is not an IPv%d address", s,
				   af == AF_INET ? 4 : 6);
}

static void hijack_parse_mac(const char *key, const char *s,
			     unsigned char *mac)
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		hijack_config_fail(key, "\"%s\" is not a MAC address (aa:bb:cc:dd:ee:ff)",
				   s);
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
}

/* "csum,tso,lro", "all", "none" or a number of LKL_NETDEV_OFFLOAD_* bits. */
static unsigned int hijack_parse_offloads(const char *key, const char *s)
{
	unsigned int bits = 0;
	char *copy, *tok, *save;

	if (isdigit((unsigned char)*s))
		return hijack_parse_int(key, s, 0, LKL_NETDEV_OFFLOAD_ALL);
	copy = hijack_strdup(s);
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "csum"))
			bits |= LKL_NETDEV_OFFLOAD_CSUM;
		else if (!strcmp(tok, "tso"))
			bits |= LKL_NETDEV_OFFLOAD_TSO;
		else if (!strcmp(tok, "lro"))
			bits |= LKL_NETDEV_OFFLOAD_LRO;
		else if (!strcmp(tok, "all"))
			bits |= LKL_NETDEV_OFFLOAD_ALL;
		else if (strcmp(tok, "none"))
			hijack_config_fail(key,
					   "unknown offload \"%s\" (csum, tso, lro, all, none)",
					   tok);
	}
	free(copy);
	return bits;
}

/* LKL_HIJACK_PIPE or "pipe": whose pipes pipe() makes, 1 for LKL's. */
static int hijack_parse_pipe(const char *key, const char *s)
{
	if (!strcmp(s, "lkl"))
		return 1;
	if (strcmp(s, "host"))
		hijack_config_fail(key, "\"%s\" is neither \"host\" nor \"lkl\"",
				   s);
	return 0;
}

static void hijack_check_memsize(const char *key, const char *s)
{
	const char *p = s;

	while (isdigit((unsigned char)*p))
		p++;
	if (p == s || (*p && (!strchr("KkMmGg", *p) || p[1])))
		hijack_config_fail(key, "\"%s\" is not a size such as 64M", s);
}

static void hijack_check_iface(struct hijack_iface *ifc)
{
	static const char * const types[] = {
		"tap", "macvtap", "raw", "pipe", "vde", NULL
	};
	char key[HIJACK_KEY_LEN + 16];
	int i;

	snprintf(key, sizeof(key), "%s.type", ifc->key);
	if (!ifc->type)
		hijack_config_fail(key, "missing (tap, macvtap, raw, pipe or vde)");
	for (i = 0; types[i] && strcmp(types[i], ifc->type); i++)
		;
	if (!types[i])
		hijack_config_fail(key, "unknown backend \"%s\" (tap, macvtap, raw, pipe or vde)",
				   ifc->type);
	snprintf(key, sizeof(key), "%s.param", ifc->key);
	if (!ifc->param || !*ifc->param)
		hijack_config_fail(key, "missing: the %s backend needs one",
				   ifc->type);
	if (!strcmp(ifc->type, "pipe") && !strchr(ifc->param, ','))
		hijack_config_fail(key, "the pipe backend takes \"RX_FIFO,TX_FIFO\"");
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

/* --- JSON --- */

static const char *hijack_json_str(const char *key, struct json_object *v)
{
	if (!json_object_is_type(v, json_type_string))
		hijack_config_fail(key, "must be a string, not %s",
				   json_type_to_name(json_object_get_type(v)));
	return json_object_get_string(v);
}

static long hijack_json_int(const char *key, struct json_object *v, long min,
			    long max)
{
	long n;

	if (!json_object_is_type(v, json_type_int))
		hijack_config_fail(key, "must be an integer, not %s",
				   json_type_to_name(json_object_get_type(v)));
	n = (long)json_object_get_int64(v);
	if (n < min || n > max)
		hijack_config_fail(key, "%ld is out of range (%ld to %ld)", n,
				   min, max);
	return n;
}

static void hijack_json_type(const char *key, struct json_object *v,
			     enum json_type type)
{
	if (!json_object_is_type(v, type))
		hijack_config_fail(key, "must be %s %s, not %s",
				   type == json_type_array ? "an" : "a",
				   json_type_to_name(type),
				   json_type_to_name(json_object_get_type(v)));
}

/* An IPv4 or IPv6 address: its family, or a config failure. */
static int hijack_addr_family(const char *key, const char *s)
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

/* "neighbours": [ { "ip": "10.0.0.1", "mac": "02:00:00:00:00:01" } ] */
static void hijack_json_neighs(struct hijack_iface *ifc, const char *akey,
			       struct json_object *arr)
{
	struct hijack_neigh *n;
	size_t i, len;

	hijack_json_type(akey, arr, json_type_array);
	len = json_object_array_length(arr);
	ifc->neighs = calloc(len + 1, sizeof(*ifc->neighs));
	if (!ifc->neighs)
		hijack_config_fail(akey, "out of memory");
	for (i = 0; i < len; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		char key[sizeof(n->key) + 16];
		int has_mac = 0;

		n = &ifc->neighs[ifc->nneighs++];
		snprintf(n->key, sizeof(n->key), "%.96s[%zu]", akey, i);
		hijack_json_type(n->key, o, json_type_object);
		json_object_object_foreach(o, name, v) {
			snprintf(key, sizeof(key), "%s.%s", n->key, name);
			if (!strcmp(name, "ip")) {
				n->ip = hijack_strdup(hijack_json_str(key, v));
				n->af = hijack_addr_family(key, n->ip);
			} else if (!strcmp(name, "mac")) {
				hijack_parse_mac(key, hijack_json_str(key, v),
						 n->mac);
				has_mac = 1;
			} else {
				hijack_config_fail(key, "unknown key");
			}
		}
		if (!n->ip)
			hijack_config_fail(n->key, "missing \"%s\"", "ip");
		if (!has_mac)
			hijack_config_fail(n->key, "missing \"%s\"", "mac");
	}
}

static void hijack_json_iface(struct hijack_iface *ifc, struct json_object *o)
{
	char key[HIJACK_KEY_LEN + 32];

	if (!json_object_is_type(o, json_type_object))
		hijack_config_fail(ifc->key, "must be an object, not %s",
				   json_type_to_name(json_object_get_type(o)));
	json_object_object_foreach(o, name, v) {
		snprintf(key, sizeof(key), "%s.%s", ifc->key, name);
		if (!strcmp(name, "type")) {
			ifc->type = hijack_strdup(hijack_json_str(key, v));
		} else if (!strcmp(name, "param")) {
			ifc->param = hijack_strdup(hijack_json_str(key, v));
		} else if (!strcmp(name, "mtu")) {
			ifc->mtu = hijack_json_int(key, v, 68, 65535);
		} else if (!strcmp(name, "mac")) {
			hijack_parse_mac(key, hijack_json_str(key, v), ifc->mac);
			ifc->has_mac = 1;
		} else if (!strcmp(name, "offloads")) {
			ifc->has_offloads = 1;
			if (json_object_is_type(v, json_type_int))
				ifc->offloads = hijack_json_int(key, v, 0,
								LKL_NETDEV_OFFLOAD_ALL);
			else
				ifc->offloads =
					hijack_parse_offloads(key,
							      hijack_json_str(key, v));
		} else if (!strcmp(name, "ip")) {
			ifc->ip = hijack_strdup(hijack_json_str(key, v));
		} else if (!strcmp(name, "netmask_len")) {
			ifc->plen = hijack_json_int(key, v, 0, 32);
		} else if (!strcmp(name, "ipv6")) {
			ifc->ip6 = hijack_strdup(hijack_json_str(key, v));
		} else if (!strcmp(name, "netmask6_len")) {
			ifc->plen6 = hijack_json_int(key, v, 0, 128);
		} else if (!strcmp(name, "qdisc")) {
			ifc->qdisc = hijack_strdup(hijack_json_str(key, v));
		} else if (!strcmp(name, "gateway")) {
			ifc->gw = hijack_strdup(hijack_json_str(key, v));
			hijack_check_addr(key, AF_INET, ifc->gw);
		} else if (!strcmp(name, "gateway6")) {
			ifc->gw6 = hijack_strdup(hijack_json_str(key, v));
			hijack_check_addr(key, AF_INET6, ifc->gw6);
		} else if (!strcmp(name, "neighbours")) {
			hijack_json_neighs(ifc, key, v);
		} else {
			hijack_config_fail(key, "unknown key");
		}
	}
}

static void hijack_json_sysctls(struct hijack_config *cfg,
				struct json_object *o)
{
	char key[HIJACK_KEY_LEN + 64];
	int i = 0;

	if (!json_object_is_type(o, json_type_object))
		hijack_config_fail("sysctl", "must be an object, not %s",
				   json_type_to_name(json_object_get_type(o)));
	cfg->sysctls = calloc(json_object_object_length(o) + 1,
			      sizeof(*cfg->sysctls));
	json_object_object_foreach(o, name, v) {
		snprintf(key, sizeof(key), "sysctl.%s", name);
		cfg->sysctls[i].name = hijack_strdup(name);
		if (json_object_is_type(v, json_type_int))
			cfg->sysctls[i].value =
				hijack_strdup(json_object_get_string(v));
		else
			cfg->sysctls[i].value =
				hijack_strdup(hijack_json_str(key, v));
		i++;
	}
	cfg->nsysctls = i;
}

/*
 * "10.1.0.0/16", "fd00:1::/64", a single address, or "default": sets
 * @r's destination, prefix length and family (0 for "default", whose
 * family comes from its gateway). Host bits beyond the prefix are an
 * error, as for "ip route add".
 */
static void hijack_parse_dst(const char *key, struct hijack_route *r,
			     const char *s)
{
	unsigned char buf[16];
	char *slash;
	unsigned int i;

	if (!strcmp(s, "default"))
		return;
	r->dst = hijack_strdup(s);
	slash = strchr(r->dst, '/');
	if (slash)
		*slash++ = '\0';
	r->af = hijack_addr_family(key, r->dst);
	r->plen = r->af == AF_INET ? 32 : 128;
	if (slash)
		r->plen = hijack_parse_int(key, slash, 0, r->plen);
	inet_pton(r->af, r->dst, buf);
	for (i = r->plen; i < (r->af == AF_INET ? 32U : 128U); i++)
		if (buf[i / 8] & (0x80 >> (i % 8)))
			hijack_config_fail(key, "\"%s\" has bits set beyond the prefix length",
					   s);
}

static void hijack_json_routes(struct hijack_config *cfg,
			       struct json_object *arr)
{
	char key[HIJACK_KEY_LEN + 32];
	struct hijack_route *r;
	size_t i, len;
	int af;

	hijack_json_type("routes", arr, json_type_array);
	len = json_object_array_length(arr);
	cfg->routes = calloc(len + 1, sizeof(*cfg->routes));
	if (!cfg->routes)
		hijack_config_fail("routes", "out of memory");
	for (i = 0; i < len; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		int has_dst = 0;

		r = &cfg->routes[cfg->nroutes++];
		r->iface = -1;
		snprintf(r->key, sizeof(r->key), "routes[%zu]", i);
		hijack_json_type(r->key, o, json_type_object);
		json_object_object_foreach(o, name, v) {
			snprintf(key, sizeof(key), "%s.%s", r->key, name);
			if (!strcmp(name, "dst")) {
				hijack_parse_dst(key, r, hijack_json_str(key, v));
				has_dst = 1;
			} else if (!strcmp(name, "gw")) {
				r->gw = hijack_strdup(hijack_json_str(key, v));
			} else if (!strcmp(name, "interface")) {
				if (json_object_is_type(v, json_type_int))
					r->iface = hijack_json_int(key, v, 0,
								   HIJACK_MAX_IFACES - 1);
				else
					r->ifname =
						hijack_strdup(hijack_json_str(key, v));
			} else {
				hijack_config_fail(key, "unknown key");
			}
		}
		if (!has_dst)
			hijack_config_fail(r->key, "missing \"%s\"", "dst");
		snprintf(key, sizeof(key), "%s.gw", r->key);
		if (r->gw) {
			af = hijack_addr_family(key, r->gw);
			if (r->af && af != r->af)
				hijack_config_fail(key, "\"%s\" is not an IPv%d address like dst",
						   r->gw, r->af == AF_INET ? 4 : 6);
			r->af = af;
		} else if (!r->af) {
			hijack_config_fail(key, "missing: a default route needs a gateway");
		} else if (r->iface < 0 && !r->ifname) {
			hijack_config_fail(r->key, "needs \"gw\", \"interface\" or both");
		}
	}
}

static void hijack_json_mount(struct hijack_mount *m, struct json_object *o)
{
	char key[HIJACK_KEY_LEN + 32];

	hijack_json_type(m->key, o, json_type_object);
	json_object_object_foreach(o, name, v) {
		snprintf(key, sizeof(key), "%s.%s", m->key, name);
		if (!strcmp(name, "image")) {
			m->image = hijack_strdup(hijack_json_str(key, v));
		} else if (!strcmp(name, "fstype")) {
			m->fstype = hijack_strdup(hijack_json_str(key, v));
			if (!*m->fstype || strpbrk(m->fstype, " ,/"))
				hijack_config_fail(key, "\"%s\" is not a file system type",
						   m->fstype);
		} else if (!strcmp(name, "partition")) {
			m->part = hijack_json_int(key, v, 0, 255);
		} else if (!strcmp(name, "readonly")) {
			hijack_json_type(key, v, json_type_boolean);
			m->readonly = json_object_get_boolean(v);
		} else if (!strcmp(name, "dir")) {
			m->dir = hijack_strdup(hijack_json_str(key, v));
			if (m->dir[0] != '/' || !m->dir[1])
				hijack_config_fail(key, "\"%s\" is not an absolute path",
						   m->dir);
		} else {
			hijack_config_fail(key, "unknown key");
		}
	}
	if (!m->image)
		hijack_config_fail(m->key, "missing \"%s\"", "image");
	if (!m->fstype)
		m->fstype = hijack_strdup("ext4");
	/* Opened now, so that a missing image stops the program before main(). */
	snprintf(key, sizeof(key), "%s.image", m->key);
	m->fd = open(m->image, (m->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (m->fd < 0)
		hijack_config_fail(key, "%s: %s", m->image, strerror(errno));
}

static void hijack_json_mounts(struct hijack_config *cfg,
			       struct json_object *arr)
{
	struct hijack_mount *m;
	size_t i, len;

	hijack_json_type("mounts", arr, json_type_array);
	len = json_object_array_length(arr);
	if (len > HIJACK_MAX_MOUNTS)
		hijack_config_fail("mounts", "at most %d mounts",
				   HIJACK_MAX_MOUNTS);
	cfg->mounts = calloc(len + 1, sizeof(*cfg->mounts));
	if (!cfg->mounts)
		hijack_config_fail("mounts", "out of memory");
	for (i = 0; i < len; i++) {
		m = &cfg->mounts[cfg->nmounts++];
		m->fd = -1;
		snprintf(m->key, sizeof(m->key), "mounts[%zu]", i);
		hijack_json_mount(m, json_object_array_get_idx(arr, i));
	}
}

static void hijack_json_load(struct hijack_config *cfg, const char *path)
{
	enum json_tokener_error jerr;
	struct json_object *root, *arr;
	char *text;
	size_t i, len;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		hijack_config_fail("LKL_HIJACK_CONFIG_FILE", "%s: %s", path,
				   strerror(errno));
	text = malloc(1 << 20);
	if (!text)
		hijack_config_fail("LKL_HIJACK_CONFIG_FILE", "out of memory");
	len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	text[len] = '\0';
	root = json_tokener_parse_verbose(text, &jerr);
	free(text);
	if (!root)
		hijack_config_fail("LKL_HIJACK_CONFIG_FILE", "%s: not JSON: %s",
				   path, json_tokener_error_desc(jerr));
	if (!json_object_is_type(root, json_type_object))
		hijack_config_fail("LKL_HIJACK_CONFIG_FILE",
				   "%s: the top level must be an object", path);

	json_object_object_foreach(root, name, v) {
		if (!strcmp(name, "debug")) {
			hijack_debug_level = hijack_json_int(name, v, 0, 9);
		} else if (!strcmp(name, "boot_cmdline")) {
			cfg->cmdline = hijack_strdup(hijack_json_str(name, v));
		} else if (!strcmp(name, "memsize")) {
			cfg->memsize = hijack_strdup(hijack_json_str(name, v));
			hijack_check_memsize(name, cfg->memsize);
		} else if (!strcmp(name, "gateway")) {
			cfg->gateway = hijack_strdup(hijack_json_str(name, v));
			hijack_check_addr(name, AF_INET, cfg->gateway);
		} else if (!strcmp(name, "gateway6")) {
			cfg->gateway6 = hijack_strdup(hijack_json_str(name, v));
			hijack_check_addr(name, AF_INET6, cfg->gateway6);
		} else if (!strcmp(name, "sysctl")) {
			hijack_json_sysctls(cfg, v);
		} else if (!strcmp(name, "routes")) {
			hijack_json_routes(cfg, v);
		} else if (!strcmp(name, "mounts")) {
			hijack_json_mounts(cfg, v);
		} else if (!strcmp(name, "pipe")) {
			hijack_lkl_pipes =
				hijack_parse_pipe(name, hijack_json_str(name, v));
		} else if (!strcmp(name, "interfaces")) {
			arr = v;
			if (!json_object_is_type(arr, json_type_array))
				hijack_config_fail(name, "must be an array, not %s",
						   json_type_to_name(json_object_get_type(arr)));
			len = json_object_array_length(arr);
			if (len > HIJACK_MAX_IFACES)
				hijack_config_fail(name, "at most %d interfaces",
						   HIJACK_MAX_IFACES);
			for (i = 0; i < len; i++) {
				struct hijack_iface *ifc;

				ifc = &cfg->ifaces[cfg->nifaces++];
				snprintf(ifc->key, sizeof(ifc->key),
					 "interfaces[%zu]", i);
				hijack_json_iface(ifc,
						  json_object_array_get_idx(arr, i));
			}
		} else {
			hijack_config_fail(name, "unknown key");
		}
	}
	json_object_put(root);
}

/* --- environment --- */

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

/* Stop the program: @what failed with the LKL errno @err. */
static void hijack_apply_fail(const char *key, const char *what, long err)
{
	hijack_config_fail(key, "%s: %s", what, lkl_strerror((int)err));
}

static int hijack_iface_backend(const struct hijack_iface *ifc,
				struct lkl_netdev **nd)
{
	char *rx, *tx;
	int ret;

	if (!strcmp(ifc->type, "tap"))
		return lkl_netdev_tap_create(ifc->param, nd);
	if (!strcmp(ifc->type, "macvtap"))
		return lkl_netdev_macvtap_create(ifc->param, nd);
	if (!strcmp(ifc->type, "raw"))
		return lkl_netdev_raw_create(ifc->param, nd);
	if (!strcmp(ifc->type, "vde"))
		return lkl_netdev_vde_create(ifc->param, nd);
	rx = hijack_strdup(ifc->param);
	tx = strchr(rx, ',');
	*tx++ = '\0';
	ret = lkl_netdev_pipe_create(rx, tx, nd);
	free(rx);
	return ret;
}

static long hijack_iface_apply(const struct hijack_iface *ifc)
{
	char key[HIJACK_KEY_LEN + 16], what[128];
	struct lkl_netdev_args args;
	struct lkl_netdev *nd;
	long ifindex, ret;
	int i;

	snprintf(key, sizeof(key), "%s.param", ifc->key);
	snprintf(what, sizeof(what), "cannot open %s backend \"%s\"",
		 ifc->type, ifc->param);
	ret = hijack_iface_backend(ifc, &nd);
	if (ret < 0)
		hijack_apply_fail(key, what, ret);

	memset(&args, 0, sizeof(args));
	args.offloads = LKL_NETDEV_OFFLOAD_ALL;
	if (ifc->has_mac)
		memcpy(args.mac, ifc->mac, sizeof(args.mac));
	if (ifc->has_offloads)
		args.offloads = ifc->offloads;
	ifindex = lkl_netdev_add(nd, &args);
	if (ifindex < 0)
		hijack_apply_fail(ifc->key, "cannot add the device", ifindex);

	if (ifc->mtu) {
		snprintf(key, sizeof(key), "%s.mtu", ifc->key);
		ret = lkl_if_set_mtu(ifindex, ifc->mtu);
		if (ret < 0)
			hijack_apply_fail(key, "the device refuses it", ret);
	}
	ret = lkl_if_up(ifindex);
	if (ret < 0)
		hijack_apply_fail(ifc->key, "cannot bring it up", ret);
	if (ifc->ip) {
		snprintf(key, sizeof(key), "%s.ip", ifc->key);
		ret = lkl_if_add_ip(ifindex, LKL_AF_INET, ifc->ip,
				    ifc->plen ? ifc->plen : 24);
		if (ret < 0)
			hijack_apply_fail(key, ifc->ip, ret);
	}
	if (ifc->ip6) {
		snprintf(key, sizeof(key), "%s.ipv6", ifc->key);
		ret = lkl_if_add_ip(ifindex, LKL_AF_INET6, ifc->ip6,
				    ifc->plen6 ? ifc->plen6 : 64);
		if (ret < 0)
			hijack_apply_fail(key, ifc->ip6, ret);
	}
	if (ifc->qdisc) {
		snprintf(key, sizeof(key), "%s.qdisc", ifc->key);
		ret = lkl_qdisc_add(ifindex, ifc->qdisc, LKL_TC_H_ROOT);
		if (ret < 0)
			hijack_apply_fail(key, ifc->qdisc, ret);
	}
	if (ifc->gw) {
		snprintf(key, sizeof(key), "%s.gateway", ifc->key);
		ret = lkl_if_set_gateway(ifindex, LKL_AF_INET, ifc->ip,
					 ifc->plen ? ifc->plen : 24, ifc->gw);
		if (ret < 0)
			hijack_apply_fail(key, ifc->gw, ret);
	}
	if (ifc->gw6) {
		snprintf(key, sizeof(key), "%s.gateway6", ifc->key);
		ret = lkl_if_set_gateway(ifindex, LKL_AF_INET6, ifc->ip6,
					 ifc->plen6 ? ifc->plen6 : 64, ifc->gw6);
		if (ret < 0)
			hijack_apply_fail(key, ifc->gw6, ret);
	}
	for (i = 0; i < ifc->nneighs; i++) {
		const struct hijack_neigh *n = &ifc->neighs[i];

		ret = lkl_neigh_add(ifindex, n->af == AF_INET ? LKL_AF_INET :
				    LKL_AF_INET6, n->ip, n->mac);
		if (ret < 0)
			hijack_apply_fail(n->key, n->ip, ret);
	}
	hijack_log(1, "%s: %s backend \"%s\" is interface %ld", ifc->key,
		   ifc->type, ifc->param, ifindex);
	return ifindex;
}

/* Add the route @r; @ifindex maps interfaces[] to interface indexes. */
static void hijack_route_apply(const struct hijack_route *r,
			       const long *ifindex)
{
	char key[HIJACK_KEY_LEN + 32];
	long ret, idx = 0;

	if (r->iface >= 0)
		idx = ifindex[r->iface];
	if (r->ifname) {
		snprintf(key, sizeof(key), "%s.interface", r->key);
		idx = lkl_ifname_to_ifindex(r->ifname);
		if (idx < 0)
			hijack_apply_fail(key, r->ifname, idx);
	}
	ret = lkl_route_add(r->af == AF_INET ? LKL_AF_INET : LKL_AF_INET6,
			    r->dst, r->plen, r->gw, idx, 0);
	if (ret < 0)
		hijack_apply_fail(r->key, r->dst ? r->dst : "default", ret);
	hijack_log(1, "%s: %s/%u via %s dev %ld", r->key,
		   r->dst ? r->dst : "default", r->plen,
		   r->gw ? r->gw : "-", idx);
}

/* Create the directory @path in LKL, and its parents. */
static long hijack_mkdir_p(const char *path)
{
	char buf[256];
	long ret = 0;
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -LKL_ENAMETOOLONG;
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			ret = lkl_sys_mkdir(buf, 0755);
			*p = c;
			if (ret < 0 && ret != -LKL_EEXIST)
				return ret;
		}
		if (!*p)
			return 0;
	}
}

/*
 * Add the image of @m as a disk, mount it at /mnt/NAME (lkl_mount_dev())
 * and, with "dir", bind that to "dir" too. Remembered for unmounting at
 * exit; the image's descriptor becomes the disk's.
 */
static void hijack_mount_apply(struct hijack_mount *m)
{
	struct hijack_mounted *md = &hijack_mounted[hijack_nmounted];
	char key[HIJACK_KEY_LEN + 32];
	long ret;

	snprintf(key, sizeof(key), "%s.image", m->key);
	snprintf(md->key, sizeof(md->key), "%s", m->key);
	md->disk.fd = m->fd;
	md->disk.readonly = m->readonly;
	md->id = lkl_disk_add(&md->disk);
	if (md->id < 0)
		hijack_apply_fail(key, m->image, md->id);
	m->fd = -1;
	md->part = m->part;
	hijack_nmounted++;
	ret = lkl_mount_dev(md->id, m->part, m->fstype,
			    m->readonly ? LKL_MS_RDONLY : 0, NULL, md->mnt,
			    sizeof(md->mnt));
	if (ret < 0) {
		md->mnt[0] = '\0';
		hijack_apply_fail(key, m->image, ret);
	}
	hijack_log(1, "%s: %s (%s, partition %u, %s) mounted on %s", m->key,
		   m->image, m->fstype, m->part,
		   m->readonly ? "read-only" : "read-write", md->mnt);
	if (!m->dir)
		return;
	snprintf(key, sizeof(key), "%s.dir", m->key);
	ret = hijack_mkdir_p(m->dir);
	if (ret >= 0)
		ret = lkl_sys_mount(md->mnt, m->dir, NULL, LKL_MS_BIND, NULL);
	if (ret < 0)
		hijack_apply_fail(key, m->dir, ret);
	md->dir = hijack_strdup(m->dir);
	hijack_log(1, "%s: and on %s", m->key, m->dir);
}

/**
 * hijack_config_unmount() - undo the "mounts" key, before LKL halts
 *
 * Unmounts each image in the reverse order, removes its disk and closes
 * the image, so that its file system is left clean.
 */
void hijack_config_unmount(void)
{
	struct hijack_mounted *md;
	long ret;

	while (hijack_nmounted > 0) {
		md = &hijack_mounted[--hijack_nmounted];
		if (md->dir) {
			ret = lkl_sys_umount2(md->dir, 0);
			if (ret < 0)
				hijack_log(0, "%s: cannot unmount %s: %s",
					   md->key, md->dir,
					   lkl_strerror((int)ret));
			free(md->dir);
			md->dir = NULL;
		}
		if (md->mnt[0]) {
			ret = lkl_umount_dev(md->id, md->part, 0, 1000);
			if (ret < 0)
				hijack_log(0, "%s: cannot unmount %s: %s",
					   md->key, md->mnt,
					   lkl_strerror((int)ret));
			else
				hijack_log(1, "%s: unmounted %s", md->key,
					   md->mnt);
		}
		lkl_disk_remove(&md->disk);
		hijack_host.close(md->disk.fd);
	}
}

/**
 * hijack_config_apply() - set LKL up as configured
 * @cfg: the configuration from hijack_config_load()
 *
 * Adds the interfaces, their addresses, qdiscs, gateways and neighbours,
 * the default routes, the routes and the sysctls. Exits with a message
 * naming the key on the first failure.
 */
void hijack_config_apply(const struct hijack_config *cfg)
{
	long ifindex[HIJACK_MAX_IFACES];
	char key[HIJACK_KEY_LEN + 64];
	long ret;
	int i;

	/*
	 * Configured IPv6 addresses are usable at once: no duplicate
	 * address detection, which would hold them back for a second.
	 */
	if (cfg->nifaces) {
		lkl_sysctl_set("net.ipv6.conf.all.accept_dad", "0");
		lkl_sysctl_set("net.ipv6.conf.default.accept_dad", "0");
	}
	for (i = 0; i < cfg->nifaces; i++)
		ifindex[i] = hijack_iface_apply(&cfg->ifaces[i]);
	if (cfg->gateway) {
		ret = lkl_set_gateway(LKL_AF_INET, cfg->gateway);
		if (ret < 0)
			hijack_apply_fail("gateway", cfg->gateway, ret);
	}
	if (cfg->gateway6) {
		ret = lkl_set_gateway(LKL_AF_INET6, cfg->gateway6);
		if (ret < 0)
			hijack_apply_fail("gateway6", cfg->gateway6, ret);
	}
	for (i = 0; i < cfg->nroutes; i++)
		hijack_route_apply(&cfg->routes[i], ifindex);
	for (i = 0; i < cfg->nsysctls; i++) {
		snprintf(key, sizeof(key), "sysctl.%s", cfg->sysctls[i].name);
		ret = lkl_sysctl_set(cfg->sysctls[i].name,
				     cfg->sysctls[i].value);
		if (ret < 0)
			hijack_apply_fail(key, cfg->sysctls[i].value, ret);
	}
}

/**
 * hijack_config_mount() - mount the disk images of the "mounts" key
 * @cfg: the configuration from hijack_config_load()
 *
 * Called at the end of the setup, after the other keys. Exits with a
 * message naming the key on failure.
 */
void hijack_config_mount(struct hijack_config *cfg)
{
	int i;

	for (i = 0; i < cfg->nmounts; i++)
		hijack_mount_apply(&cfg->mounts[i]);
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
