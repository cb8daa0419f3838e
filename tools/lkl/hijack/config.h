/* SPDX-License-Identifier: GPL-2.0 */
/*
 * liblkl-hijack.so: the configuration's data model, shared by the files
 * that fill it in (config-env.c, config-json.c), check it (config.c) and
 * apply it to LKL (config-apply.c). hijack.h has the calls the rest of
 * the library makes.
 */
#ifndef _LKL_HIJACK_CONFIG_H
#define _LKL_HIJACK_CONFIG_H

#define HIJACK_KEY_LEN		64
#define HIJACK_MAX_IFACES	16
#define HIJACK_MAX_MOUNTS	16

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
	char *spec;			/* "TYPE:PARAM", for lkl_netdev_create() */
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

/* In config.c: failures, and the checks both sources share. */
void hijack_config_fail(const char *key, const char *fmt, ...);
char *hijack_strdup(const char *s);
long hijack_parse_int(const char *key, const char *s, long min, long max);
void hijack_check_addr(const char *key, int af, const char *s);
int hijack_addr_family(const char *key, const char *s);
void hijack_parse_mac(const char *key, const char *s, unsigned char *mac);
unsigned int hijack_parse_offloads(const char *key, const char *s);
int hijack_parse_pipe(const char *key, const char *s);
void hijack_check_memsize(const char *key, const char *s);
void hijack_check_iface(struct hijack_iface *ifc);

/* In config-json.c. */
void hijack_json_load(struct hijack_config *cfg, const char *path);

#endif /* _LKL_HIJACK_CONFIG_H */
