// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: the JSON configuration file, named by
 * LKL_HIJACK_CONFIG_FILE and read with json-c. Each key is checked as it
 * is read; a failure names it, as "interfaces[0].mtu".
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hijack.h"
#include "config.h"

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

void hijack_json_load(struct hijack_config *cfg, const char *path)
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
