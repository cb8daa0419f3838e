// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: the checked configuration applied to the running
 * LKL: interfaces with their addresses, qdiscs, gateways and neighbours,
 * routes, sysctls, and disk images mounted until exit. A failure stops
 * the program with a message that names the key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hijack.h"
#include "config.h"

/* What was mounted, for hijack_config_unmount() at exit. */
struct hijack_mounted {
	char key[HIJACK_KEY_LEN];
	struct lkl_disk disk;
	long id;
	unsigned int part;
	char mnt[64];
	char *dir;
};

static struct hijack_mounted hijack_mounted[HIJACK_MAX_MOUNTS];
static int hijack_nmounted;

/* Stop the program: @what failed with the LKL errno @err. */
static void hijack_apply_fail(const char *key, const char *what, long err)
{
	hijack_config_fail(key, "%s: %s", what, lkl_strerror((int)err));
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
	ret = lkl_netdev_create(ifc->spec, &nd);
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
	if (md->id == -LKL_EBUSY)
		hijack_config_fail(key, "%s: image in use: another program %s it",
				   m->image, m->readonly ? "writes" :
				   "reads or writes");
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
	hijack_config_apply_sysctls(cfg);
}

/**
 * hijack_config_apply_sysctls() - set the sysctls of the configuration
 * @cfg: the configuration from hijack_config_load()
 *
 * The part of hijack_config_apply() that a forked child, which has a
 * loopback device only, applies too. Exits with a message naming the key
 * on the first failure.
 */
void hijack_config_apply_sysctls(const struct hijack_config *cfg)
{
	char key[HIJACK_KEY_LEN + 64];
	long ret;
	int i;

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
