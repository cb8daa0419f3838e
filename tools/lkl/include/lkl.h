/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LKL application interface.
 *
 * Every name that comes from the kernel carries an lkl_, LKL_ or __lkl
 * prefix (struct lkl_stat, LKL_O_RDONLY, __lkl__u32; the rule is described
 * in arch/lkl/scripts/lkl-headers.py), so this header can be included
 * together with any C library header. System calls are made with the
 * generated lkl_sys_NAME() wrappers of <lkl/asm/syscalls.h>; like the
 * kernel's own, they return a negative LKL errno on failure.
 */
#ifndef _LKL_H
#define _LKL_H

#include <stddef.h>

#include <lkl/asm/host_ops.h>
#include <lkl/asm/syscalls.h>

#include <lkl/asm/stat.h>
#include <lkl/linux/errno.h>
#include <lkl/linux/eventpoll.h>
#include <lkl/linux/fcntl.h>
#include <lkl/linux/if.h>
#include <lkl/linux/in.h>
#include <lkl/linux/in6.h>
#include <lkl/linux/mount.h>
#include <lkl/linux/pkt_sched.h>
#include <lkl/linux/poll.h>
#include <lkl/linux/reboot.h>
#include <lkl/linux/socket.h>
#include <lkl/linux/sockios.h>
#include <lkl/linux/stat.h>
#include <lkl/linux/time.h>
#include <lkl/linux/uio.h>
#include <lkl/linux/utsname.h>

/*
 * The host operations of the POSIX host library: pass &lkl_host_ops to
 * lkl_start_kernel() to run on POSIX threads and clocks.
 */
extern struct lkl_host_operations lkl_host_ops;

/**
 * struct lkl_linux_dirent64 - a directory entry from lkl_sys_getdents64()
 * @d_ino: inode number
 * @d_off: position of the next entry, for lkl_sys_lseek()
 * @d_reclen: length of this entry in bytes
 * @d_type: file type, one of the LKL_DT_* values
 * @d_name: the file name, NUL-terminated
 */
struct lkl_linux_dirent64 {
	__lkl__u64 d_ino;
	__lkl__s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* d_type: the file type bits of st_mode, shifted right by 12 */
#define LKL_DT_UNKNOWN	0
#define LKL_DT_FIFO	(LKL_S_IFIFO >> 12)
#define LKL_DT_CHR	(LKL_S_IFCHR >> 12)
#define LKL_DT_DIR	(LKL_S_IFDIR >> 12)
#define LKL_DT_BLK	(LKL_S_IFBLK >> 12)
#define LKL_DT_REG	(LKL_S_IFREG >> 12)
#define LKL_DT_LNK	(LKL_S_IFLNK >> 12)
#define LKL_DT_SOCK	(LKL_S_IFSOCK >> 12)

/**
 * lkl_strerror() - describe an LKL errno value
 * @err: an LKL errno value; negative values (as returned by system calls)
 *	are taken as their absolute value
 *
 * The table is built from the LKL_E* values, so the result is right even on
 * a host whose errno numbers differ from Linux's.
 *
 * Return: a static string such as "No such file or directory", or
 * "Unknown error".
 */
const char *lkl_strerror(int err);

/**
 * lkl_perror() - print a message and the description of an LKL errno value
 * @msg: a prefix, printed followed by ": "; may be NULL or empty
 * @err: an LKL errno value, negative or not
 *
 * Prints through lkl_printf().
 */
void lkl_perror(const char *msg, int err);

/**
 * lkl_printf() - formatted output for LKL applications
 * @fmt: a printf() format
 *
 * Prints through lkl_host_ops.print if it is set, else to stderr.
 *
 * Return: the number of characters printed, or a negative value on error.
 */
int lkl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * lkl_ifname_to_ifindex() - look up a network interface by name
 * @name: the interface name inside LKL, for example "lo"
 *
 * Uses the SIOCGIFINDEX ioctl on an LKL socket; prints nothing.
 *
 * Return: the interface index (the loopback device is 1), or a negative
 * LKL errno (-LKL_ENODEV if there is no such interface).
 */
int lkl_ifname_to_ifindex(const char *name);

/**
 * DOC: Disks
 *
 * A host file or block device becomes a virtio-blk disk inside LKL with
 * lkl_disk_add(), once the kernel runs. The kernel's own virtio_mmio and
 * virtio_blk drivers serve it, and the kernel reads its MBR or GPT
 * partition table. lkl_mount_dev() then mounts the whole disk or one
 * partition. Each disk has a host thread that does its I/O with
 * preadv()/pwritev() (on Windows, ReadFile()/WriteFile() at an offset)
 * straight into the kernel's buffers.
 */

/**
 * struct lkl_disk - a host file or block device given to LKL as a disk
 * @fd: an open host file descriptor of the image file or block device.
 *	It stays the caller's: LKL never closes it, and the caller must keep
 *	it open until lkl_disk_remove() returns. It must be open read-write
 *	unless @readonly is set.
 * @handle: on Windows, instead of @fd: the image's file HANDLE, from
 *	CreateFile(), with the same rules (GENERIC_READ, and GENERIC_WRITE
 *	unless @readonly is set). The handle must not be opened for
 *	overlapped I/O.
 * @readonly: non-zero for a read-only disk: the kernel sees it read-only
 *	and nothing is ever written to @fd, so @fd may be open O_RDONLY
 * @dev: private to the library, set by lkl_disk_add()
 *
 * The size of the disk is the size of the file (or the block device),
 * rounded down to 512-byte sectors, when lkl_disk_add() is called.
 */
struct lkl_disk {
#ifdef _WIN32
	void *handle;
#else
	int fd;
#endif
	int readonly;
	void *dev;
};

/**
 * lkl_disk_add() - add a disk to the running kernel
 * @disk: the disk, with @fd and @readonly filled in
 *
 * Must be called after lkl_start_kernel() and before lkl_sys_halt(). When
 * it returns, the kernel has probed the disk and read its partition table.
 * The disk offers flush, discard (a hole punched in the file) and
 * write-zeroes unless it is read-only, and up to 128 segments per request.
 *
 * The image is locked until lkl_disk_remove() (or until @fd's last
 * descriptor is closed): a read-only disk takes a shared open file
 * description lock (F_OFD_SETLK; on Windows, LockFileEx()) on the whole
 * file, a read-write disk an exclusive one. Two programs may read an image together, but nobody
 * reads or writes it while one program writes it.
 *
 * Return: the disk id (>= 0) for lkl_mount_dev(), or a negative LKL errno:
 * -LKL_EBADF if @fd is not open for reading, or not for writing when
 * @readonly is 0; -LKL_EINVAL if @fd is neither a regular file nor a block
 * device; -LKL_EBUSY if another open of the image holds a lock that
 * conflicts (the image is in use); -LKL_ENODEV if the kernel's driver
 * refused the disk.
 */
int lkl_disk_add(struct lkl_disk *disk);

/**
 * lkl_disk_remove() - remove a disk from lkl_disk_add()
 * @disk: the disk
 *
 * Unmount its file systems first: the kernel's driver is unbound, and
 * file systems still mounted on the disk see I/O errors from then on. When
 * this returns, nothing in LKL uses @disk->fd any more. Call it before
 * lkl_sys_halt(): the disk's host thread and memory are released here.
 *
 * Return: 0, or a negative LKL errno.
 */
int lkl_disk_remove(struct lkl_disk *disk);

/**
 * lkl_mount_dev() - mount a disk or one of its partitions inside LKL
 * @disk_id: the disk id from lkl_disk_add()
 * @part: 0 for the whole disk, N for partition N (MBR or GPT numbering)
 * @fs_type: the file system type, for example "ext4"
 * @flags: LKL_MS_* mount flags, for example LKL_MS_RDONLY
 * @opts: file system options, or NULL
 * @mnt_str: receives the mount point, for example "/mnt/vda1"
 * @mnt_str_len: the size of @mnt_str
 *
 * Finds the disk's block device through sysfs (mounted for the lookup
 * only), creates its node in /dev, and mounts it at /mnt/NAME, where NAME
 * is the kernel's name of the device (vda, vda1 ...). Prints nothing.
 *
 * ext2, ext3 and ext4 are mounted with errors=remount-ro unless @opts has
 * an errors= option: an image whose superblock asks for a panic on errors
 * (tune2fs -e panic) would otherwise end the whole process at the first
 * corrupt block, where now the file system only turns read-only and the
 * calls that met the corruption fail.
 *
 * Return: 0, or a negative LKL errno: -LKL_ENODEV if @disk_id is not a
 * disk, -LKL_ENOENT if it has no partition @part, -LKL_ERANGE if
 * @mnt_str is too small, -LKL_E2BIG if @opts is longer than a page, or
 * the error of the mount itself.
 */
long lkl_mount_dev(unsigned int disk_id, unsigned int part,
		   const char *fs_type, int flags, const char *opts,
		   char *mnt_str, unsigned int mnt_str_len);

/**
 * lkl_umount_dev() - unmount what lkl_mount_dev() mounted
 * @disk_id: the disk id from lkl_disk_add()
 * @part: the partition number given to lkl_mount_dev()
 * @flags: umount2() flags (MNT_FORCE 1, MNT_DETACH 2)
 * @timeout_ms: how long to retry while the file system is busy
 *
 * Removes the mount point and the /dev node as well. Prints nothing.
 *
 * Return: 0, or a negative LKL errno (-LKL_EBUSY if still busy after
 * @timeout_ms).
 */
long lkl_umount_dev(unsigned int disk_id, unsigned int part, int flags,
		    long timeout_ms);

/**
 * DOC: Network devices
 *
 * A network backend on the host becomes a virtio-net interface inside LKL:
 * create the backend with one of the lkl_netdev_*_create() functions, then
 * give it to the running kernel with lkl_netdev_add(). The kernel's own
 * virtio_mmio and virtio_net drivers serve it. Each device has two host
 * threads: one sends the frames the kernel queues, the other waits for
 * frames from the backend and writes them straight into the kernel's
 * receive buffers.
 *
 * Backends whose frames carry a virtio-net header (tap, macvtap, raw with
 * PACKET_VNET_HDR, and pipe, which frames each packet itself) can carry
 * the offloads: checksum offload in both directions, TSO and GSO for IPv4
 * and IPv6, and large receive through mergeable receive buffers. The
 * others (vde, fd, udp) carry plain Ethernet frames and offer none.
 */

/* Checksum offload in both directions (VIRTIO_NET_F_CSUM, GUEST_CSUM). */
#define LKL_NETDEV_OFFLOAD_CSUM		0x1U
/* TSO and GSO from LKL for IPv4 and IPv6 (HOST_TSO4/6); needs CSUM. */
#define LKL_NETDEV_OFFLOAD_TSO		0x2U
/* Large receive: GSO frames into LKL (GUEST_TSO4/6); needs CSUM. */
#define LKL_NETDEV_OFFLOAD_LRO		0x4U
#define LKL_NETDEV_OFFLOAD_ALL		(LKL_NETDEV_OFFLOAD_CSUM | \
					 LKL_NETDEV_OFFLOAD_TSO | \
					 LKL_NETDEV_OFFLOAD_LRO)

struct lkl_netdev;

/**
 * struct lkl_netdev_args - how lkl_netdev_add() sets up a device
 * @mac: the MAC address, or all zeroes for a random locally administered
 *	one
 * @offloads: the LKL_NETDEV_OFFLOAD_* bits to offer; those the backend
 *	cannot carry are left out
 */
struct lkl_netdev_args {
	unsigned char mac[6];
	unsigned int offloads;
};

/**
 * lkl_netdev_tap_create() - a backend on an existing host tap device
 * @ifname: the tap device's name in the calling thread's network namespace
 * @nd: receives the backend
 *
 * Attaches to the tap with IFF_TAP, IFF_NO_PI and IFF_VNET_HDR, so that
 * the offloads reach the host's stack. The tap must exist (as made by
 * "ip tuntap add"), and the caller must be allowed to attach to it.
 *
 * Return: 0, or a negative LKL errno: -LKL_ENODEV if there is no such tap,
 * -LKL_EBUSY if another process has it, -LKL_EINVAL for a bad name,
 * -LKL_EPERM if the caller may not use it.
 */
int lkl_netdev_tap_create(const char *ifname, struct lkl_netdev **nd);

/**
 * lkl_netdev_macvtap_create() - a backend on an existing macvtap device
 * @path: the macvtap character device, for example "/dev/tap5"
 * @nd: receives the backend
 *
 * Return: 0, or a negative LKL errno (-LKL_ENOENT if @path does not exist).
 */
int lkl_netdev_macvtap_create(const char *path, struct lkl_netdev **nd);

/**
 * lkl_netdev_raw_create() - a backend on an AF_PACKET socket
 * @ifname: an existing host interface, for example one end of a veth pair,
 *	in the calling thread's network namespace
 * @nd: receives the backend
 *
 * Binds a raw packet socket with PACKET_VNET_HDR to @ifname, so that the
 * host hands over CHECKSUM_PARTIAL and GSO frames. Needs CAP_NET_RAW.
 *
 * Return: 0, or a negative LKL errno (-LKL_ENODEV if there is no such
 * interface).
 */
int lkl_netdev_raw_create(const char *ifname, struct lkl_netdev **nd);

/**
 * lkl_netdev_pipe_create() - a backend on a pair of named FIFOs
 * @rx_path: the FIFO frames are read from
 * @tx_path: the FIFO frames are written to
 * @nd: receives the backend
 *
 * Two LKL processes talk by swapping the paths. Each frame is sent with
 * its length and a virtio-net header, so the offloads cross the pipe. No
 * privilege is needed. Opening waits until the other side opens too.
 *
 * Return: 0, or a negative LKL errno (-LKL_ENOENT if a FIFO is missing,
 * -LKL_EINVAL if a path is not a FIFO).
 */
int lkl_netdev_pipe_create(const char *rx_path, const char *tx_path,
			   struct lkl_netdev **nd);

/**
 * lkl_netdev_vde_create() - a backend on a VDE switch
 * @sock: the switch's control socket directory, as given to vde_switch -s
 * @nd: receives the backend
 *
 * Uses libvdeplug. Frames are plain Ethernet frames: no offloads.
 *
 * Return: 0, or a negative LKL errno (-LKL_EOPNOTSUPP if the library was
 * built without libvdeplug).
 */
int lkl_netdev_vde_create(const char *sock, struct lkl_netdev **nd);

/**
 * lkl_netdev_fd_create() - a backend on an already open file descriptor
 * @fd: a descriptor that reads and writes one Ethernet frame per call,
 *	such as a tap file descriptor or one end of a SOCK_SEQPACKET or
 *	SOCK_DGRAM socket pair. It stays the caller's to close, after
 *	lkl_netdev_free().
 * @vnet_hdr_len: 0 for plain frames, or the length of the virtio-net
 *	header that precedes each frame: 10, or 12 with num_buffers
 * @nd: receives the backend
 *
 * Return: 0, or a negative LKL errno (-LKL_EBADF, -LKL_EINVAL).
 */
int lkl_netdev_fd_create(int fd, int vnet_hdr_len, struct lkl_netdev **nd);

/**
 * lkl_netdev_udp_create() - a backend on a UDP socket
 * @local: "HOST:PORT" to bind to, "[HOST]:PORT" for IPv6; an empty HOST
 *	(":PORT") binds to every address of the remote's family
 * @remote: "HOST:PORT" or "[HOST]:PORT" of the peer
 * @nd: receives the backend
 *
 * One plain Ethernet frame per datagram, no header, no offloads: the wire
 * format of QEMU's "-netdev dgram" (inet) and "-netdev socket,udp=". The
 * peer (another LKL, or QEMU) has the two addresses swapped. Addresses are
 * numeric, both of one family; ports are 1 to 65535. Only datagrams from
 * @remote are taken. No privilege is needed.
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL for a malformed or
 * missing address, -LKL_EADDRINUSE if the local port is taken,
 * -LKL_EADDRNOTAVAIL if the local address is not the host's.
 */
int lkl_netdev_udp_create(const char *local, const char *remote,
			  struct lkl_netdev **nd);

/**
 * lkl_netdev_free() - release a backend
 * @nd: the backend, which is not added to the kernel (or was removed)
 */
void lkl_netdev_free(struct lkl_netdev *nd);

/**
 * lkl_netdev_add() - add a virtio-net interface on a backend
 * @nd: the backend, not yet added
 * @args: the MAC address and offloads, or NULL for a random MAC and every
 *	offload the backend can carry
 *
 * Must be called after lkl_start_kernel(). When it returns, the kernel's
 * virtio_net driver has registered the interface (down, with no address).
 *
 * Return: the interface index inside LKL (> 0), or a negative LKL errno:
 * -LKL_EBUSY if @nd is already added, -LKL_ENODEV if the driver refused.
 */
int lkl_netdev_add(struct lkl_netdev *nd, const struct lkl_netdev_args *args);

/**
 * lkl_netdev_remove() - remove an interface added by lkl_netdev_add()
 * @nd: the backend
 *
 * The kernel unregisters the interface first; then the device's host
 * threads end. @nd can then be freed, or added again.
 *
 * Return: 0, or a negative LKL errno (-LKL_EINVAL if @nd is not added).
 */
int lkl_netdev_remove(struct lkl_netdev *nd);

/**
 * lkl_netdev_get_features() - the virtio features the driver accepted
 * @nd: an added backend
 * @features: receives the VIRTIO_NET_F_* and VIRTIO_F_* bits
 *
 * For checking which offloads are really in use.
 *
 * Return: 0, or -LKL_EINVAL if @nd is not added.
 */
int lkl_netdev_get_features(struct lkl_netdev *nd,
			    unsigned long long *features);

/**
 * struct lkl_netdev_stats - frames the device dropped before the kernel
 *	saw them, or after it sent them
 * @rx_short: received frames shorter than the backend's virtio-net header
 * @rx_too_long: received frames longer than the driver's buffers
 * @rx_gso: received GSO frames, while the driver takes none (the
 *	interface has no LRO offload): turn GSO and GRO off on the host
 *	side, or give the interface its offloads
 * @rx_csum: received frames whose partial checksum could not be
 *	completed for a driver without checksum offload
 * @tx_errors: frames the backend failed to send (a full queue of a
 *	backend that does not wait, a peer that has gone)
 *
 * The kernel's own interface counters (``ip -s link``) do not see these:
 * the kernel never got the frame, or handed it on. The first frame
 * dropped for each reason but @tx_errors is also reported with
 * lkl_printf().
 */
struct lkl_netdev_stats {
	unsigned long long rx_short;
	unsigned long long rx_too_long;
	unsigned long long rx_gso;
	unsigned long long rx_csum;
	unsigned long long tx_errors;
};

/**
 * lkl_netdev_get_stats() - the frames a device dropped on the host side
 * @nd: an added backend
 * @stats: receives the counts since lkl_netdev_add()
 *
 * Return: 0, or -LKL_EINVAL if @nd is not added.
 */
int lkl_netdev_get_stats(struct lkl_netdev *nd, struct lkl_netdev_stats *stats);

/**
 * DOC: Backends, MAC addresses and offloads as text
 *
 * Tools that take a network backend from a command line, an environment
 * variable or a configuration file name it as "TYPE:PARAM" and parse it,
 * a MAC address and a list of offloads with the three functions below,
 * so that every tool accepts the same text:
 *
 * - ``tap:IFNAME``, ``raw:IFNAME``, ``macvtap:PATH``, ``vde:DIR``: the
 *   argument of the backend's lkl_netdev_*_create() function, not empty;
 * - ``pipe:RX,TX``: two FIFO paths, split at the first comma, neither
 *   empty;
 * - ``fd:N`` or ``fd:N,HDRLEN``: a descriptor number and a virtio-net
 *   header length (0 by default), in decimal;
 * - ``udp:LOCAL,REMOTE``: two numeric ``HOST:PORT`` addresses of one
 *   family, split at the first comma, IPv6 ones as ``[HOST]:PORT``; the
 *   local HOST may be empty.
 *
 * TYPE is lower case and ends at the first colon; PARAM is the rest.
 */

/* The forms of a backend spec, for messages and usage texts. */
#define LKL_NETDEV_SPEC_FORMS \
	"tap:IFNAME, raw:IFNAME, macvtap:PATH, pipe:RX,TX, vde:DIR, fd:N[,HDRLEN] or " \
	"udp:LOCAL,REMOTE"

/**
 * lkl_netdev_spec_check() - check a backend spec without opening anything
 * @spec: "TYPE:PARAM", as in LKL_NETDEV_SPEC_FORMS
 *
 * Only the text is checked: whether the device, the FIFOs or the
 * descriptor exist is for lkl_netdev_create() to find out.
 *
 * Return: 0 if @spec is well formed; -LKL_EPROTONOSUPPORT if it names no
 * known backend type (or has no colon); -LKL_EINVAL if PARAM is empty or
 * not what that type takes.
 */
int lkl_netdev_spec_check(const char *spec);

/**
 * lkl_netdev_create() - a backend from a "TYPE:PARAM" spec
 * @spec: the backend, as in LKL_NETDEV_SPEC_FORMS
 * @nd: receives the backend
 *
 * Checks @spec as lkl_netdev_spec_check() does, then calls the type's
 * lkl_netdev_*_create() function with PARAM.
 *
 * Return: 0; an error of lkl_netdev_spec_check(); -LKL_ENOMEM; or what the
 * backend's create function returns.
 */
int lkl_netdev_create(const char *spec, struct lkl_netdev **nd);

/**
 * lkl_netdev_parse_mac() - parse the MAC address of an interface
 * @s: six bytes, each two hexadecimal digits of either case, separated
 *	by colons: "02:00:5e:10:00:01"
 * @mac: receives the six bytes, for struct lkl_netdev_args or
 *	lkl_neigh_add()
 *
 * A multicast address (the lowest bit of the first byte set) is no
 * interface's, so it is refused. All zeroes is accepted: in struct
 * lkl_netdev_args it asks for a random address.
 *
 * Return: 0, or -LKL_EINVAL (then @mac is unchanged).
 */
int lkl_netdev_parse_mac(const char *s, unsigned char *mac);

/**
 * lkl_netdev_parse_offloads() - parse the offloads of an interface
 * @s: "all" or "on" for every offload, "none" or "off" for none, a
 *	comma-separated list of "csum", "tso" and "lro" (lower case, no
 *	spaces, no empty item), or a decimal number of LKL_NETDEV_OFFLOAD_*
 *	bits (0 to LKL_NETDEV_OFFLOAD_ALL)
 * @offloads: receives the LKL_NETDEV_OFFLOAD_* bits
 *
 * Return: 0, or -LKL_EINVAL (then @offloads is unchanged).
 */
int lkl_netdev_parse_offloads(const char *s, unsigned int *offloads);

/**
 * DOC: Network configuration
 *
 * Interfaces, addresses, routes, policy rules, neighbours and qdiscs are
 * set up with rtnetlink requests inside LKL, as "ip" and "tc" would do;
 * sysctls are read and written in /proc/sys inside LKL, where proc is
 * mounted on first use. Each call opens its own NETLINK_ROUTE socket, so
 * calls may come from any thread once the kernel runs.
 *
 * Addresses are strings in the usual notation ("10.0.0.1", "fd00::1"),
 * parsed on the host, and @af is LKL_AF_INET or LKL_AF_INET6. MAC
 * addresses are six bytes, as in struct lkl_netdev_args. Each function
 * checks that every acknowledgment from the kernel is a success. None
 * prints or exits: each returns 0 (or the value asked for) or a negative
 * LKL errno. Bad input gets a specific error:
 *
 * - -LKL_EINVAL for an address that does not parse, a prefix length
 *   beyond 32 or 128, or (from the kernel) an MTU the device refuses;
 * - -LKL_EAFNOSUPPORT for an @af other than LKL_AF_INET and LKL_AF_INET6;
 * - -LKL_ENODEV for an interface index that does not exist.
 */

/*
 * The routing table that lkl_if_set_gateway() uses for @ifindex, for
 * adding more routes to it with lkl_route_add().
 */
#define LKL_IF_GATEWAY_TABLE(ifindex)	(1000U + (unsigned int)(ifindex))

/**
 * lkl_if_up() - bring a network interface up
 * @ifindex: the interface index, for example 1 for the loopback device
 *
 * Return: 0, or a negative LKL errno (-LKL_ENODEV if there is no such
 * interface).
 */
int lkl_if_up(int ifindex);

/**
 * lkl_if_down() - bring a network interface down
 * @ifindex: the interface index
 *
 * Return: 0, or a negative LKL errno (-LKL_ENODEV if there is no such
 * interface).
 */
int lkl_if_down(int ifindex);

/**
 * lkl_if_set_mtu() - set the MTU of a network interface
 * @ifindex: the interface index
 * @mtu: the MTU in bytes
 *
 * The kernel checks @mtu against the device's limits: the loopback device
 * takes anything that is not negative, an Ethernet device 68 to its
 * maximum (such as 65535 for virtio-net).
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL if the device refuses
 * @mtu, -LKL_ENODEV if there is no such interface.
 */
int lkl_if_set_mtu(int ifindex, int mtu);

/**
 * lkl_if_get_mtu() - read the MTU of a network interface
 * @ifindex: the interface index
 *
 * Return: the MTU (> 0), or a negative LKL errno (-LKL_ENODEV if there is
 * no such interface).
 */
int lkl_if_get_mtu(int ifindex);

/**
 * lkl_if_set_mac() - set the MAC address of a network interface
 * @ifindex: the interface index
 * @mac: the six bytes of the address
 *
 * Some drivers allow this only while the interface is down.
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL if @mac is NULL or the
 * kernel refuses the address, -LKL_EBUSY if the interface must be down
 * first, -LKL_ENODEV if there is no such interface.
 */
int lkl_if_set_mac(int ifindex, const unsigned char *mac);

/**
 * lkl_if_add_ip() - add an IPv4 or IPv6 address to an interface
 * @ifindex: the interface index
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @addr: the address, for example "10.0.0.2" or "fd00::2"
 * @prefixlen: the length of the network prefix, for example 24 or 64;
 *	the kernel adds the route to that network
 *
 * A new IPv6 address is tentative until duplicate address detection ends,
 * on an interface that is up and not the loopback device: see
 * lkl_if_wait_ipv6_dad().
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL for a malformed @addr or
 * a @prefixlen out of range, -LKL_EEXIST if the interface has the address
 * already, -LKL_ENODEV if there is no such interface.
 */
int lkl_if_add_ip(int ifindex, int af, const char *addr,
		  unsigned int prefixlen);

/**
 * lkl_if_del_ip() - remove an address added by lkl_if_add_ip()
 * @ifindex: the interface index
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @addr: the address
 * @prefixlen: its prefix length, as given to lkl_if_add_ip()
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL for a malformed @addr or
 * a @prefixlen out of range, -LKL_EADDRNOTAVAIL if the interface has no
 * such address, -LKL_ENODEV if there is no such interface.
 */
int lkl_if_del_ip(int ifindex, int af, const char *addr,
		  unsigned int prefixlen);

/**
 * lkl_if_wait_ipv6_dad() - wait for IPv6 duplicate address detection
 * @ifindex: the interface index
 * @addr: an IPv6 address of the interface
 * @timeout_ms: how long to wait, in milliseconds; 0 checks once
 *
 * Polls the address every 10 ms until it is no longer tentative. Until
 * then it cannot be used as a source address. DAD takes about one second
 * with the default sysctls (net.ipv6.conf.*.dad_transmits and
 * retrans_time_ms), once the interface is up and has a carrier.
 *
 * Return: 0 once the address is usable, or a negative LKL errno:
 * -LKL_ETIMEDOUT if it is still tentative after @timeout_ms,
 * -LKL_EADDRINUSE if DAD failed (another node has the address),
 * -LKL_EADDRNOTAVAIL if the interface has no such address, -LKL_EINVAL
 * for a malformed @addr, -LKL_ENODEV if there is no such interface.
 */
int lkl_if_wait_ipv6_dad(int ifindex, const char *addr, int timeout_ms);

/**
 * lkl_set_gateway() - set the default route of the main routing table
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @gw: the gateway, which must be reachable on a connected network
 *
 * Replaces the default route of @af in the main table if there is one.
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL for a malformed @gw,
 * -LKL_ENETUNREACH (IPv4) or -LKL_EHOSTUNREACH (IPv6) if no interface
 * reaches @gw. IPv6 refuses a gateway reached through the loopback device
 * with -LKL_EHOSTUNREACH.
 */
int lkl_set_gateway(int af, const char *gw);

/**
 * lkl_if_set_gateway() - a default route for traffic from one interface
 * @ifindex: the interface index
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @src: an address of the interface, for example "10.0.1.2"
 * @src_prefixlen: the prefix length that makes @src its network: the rule
 *	matches every source address in that network
 * @gw: the gateway on that interface's network
 *
 * Like "ip rule add from SRC/LEN table T" and "ip route replace default
 * via GW dev IFINDEX table T", with T = LKL_IF_GATEWAY_TABLE(@ifindex):
 * packets from @src's network leave through @gw, whatever the main table's
 * default route is. Calling it again replaces the gateway. IPv6 needs
 * CONFIG_IPV6_MULTIPLE_TABLES in the kernel.
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL for a malformed address
 * or a prefix length out of range, -LKL_EAFNOSUPPORT if the kernel has no
 * policy routing for @af, -LKL_ENODEV if there is no such interface. On
 * failure nothing is left behind.
 */
int lkl_if_set_gateway(int ifindex, int af, const char *src,
		       unsigned int src_prefixlen, const char *gw);

/**
 * lkl_route_add() - add a route
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @dst: the destination network, for example "10.1.0.0", or NULL for the
 *	default route
 * @prefixlen: the prefix length of @dst (0 when @dst is NULL); @dst must
 *	have no bits set beyond it
 * @gw: the gateway, or NULL for a network reached directly on @ifindex
 * @ifindex: the interface, or 0 to let the kernel find it from @gw
 * @table: the routing table, or 0 for the main table
 *
 * Like "ip route add". At least one of @gw and @ifindex must be given.
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL for a malformed address,
 * a prefix length out of range or host bits in @dst, -LKL_EEXIST if the
 * route exists, -LKL_ENODEV if there is no such interface,
 * -LKL_ENETUNREACH or -LKL_EHOSTUNREACH if @gw is not reachable.
 */
int lkl_route_add(int af, const char *dst, unsigned int prefixlen,
		  const char *gw, int ifindex, unsigned int table);

/**
 * lkl_route_del() - remove a route
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @dst: the destination network, or NULL for the default route
 * @prefixlen: the prefix length of @dst
 * @gw: the gateway, or NULL to match any
 * @ifindex: the interface, or 0 to match any
 * @table: the routing table, or 0 for the main table
 *
 * Return: 0, or a negative LKL errno: -LKL_ESRCH if there is no such
 * route, -LKL_EINVAL for a malformed address or a prefix length out of
 * range, -LKL_ENODEV if there is no interface @ifindex.
 */
int lkl_route_del(int af, const char *dst, unsigned int prefixlen,
		  const char *gw, int ifindex, unsigned int table);

/**
 * lkl_neigh_add() - add or replace a permanent neighbour entry
 * @ifindex: the interface index
 * @af: LKL_AF_INET (an ARP entry) or LKL_AF_INET6 (an NDP entry)
 * @ip: the neighbour's address
 * @mac: the six bytes of its MAC address
 *
 * Like "ip neigh replace IP lladdr MAC dev IFINDEX nud permanent".
 *
 * Return: 0, or a negative LKL errno: -LKL_EINVAL for a malformed @ip or a
 * NULL @mac, -LKL_ENODEV if there is no such interface.
 */
int lkl_neigh_add(int ifindex, int af, const char *ip,
		  const unsigned char *mac);

/**
 * lkl_neigh_del() - remove a neighbour entry
 * @ifindex: the interface index
 * @af: LKL_AF_INET or LKL_AF_INET6
 * @ip: the neighbour's address
 *
 * Return: 0, or a negative LKL errno: -LKL_ENOENT if there is no such
 * entry, -LKL_EINVAL for a malformed @ip, -LKL_ENODEV if there is no such
 * interface.
 */
int lkl_neigh_del(int ifindex, int af, const char *ip);

/* The longest qdisc kind, with its NUL, as the kernel has it. */
#define LKL_QDISC_KIND_LEN	16

/**
 * lkl_qdisc_add() - attach a queueing discipline with its defaults
 * @ifindex: the interface index
 * @kind: the qdisc, for example "fq" or "fq_codel"
 * @parent: where to attach it: LKL_TC_H_ROOT (from
 *	<lkl/linux/pkt_sched.h>) for the device's root, or a class handle
 *
 * Like "tc qdisc add dev IFINDEX root KIND". The kernel picks the handle.
 *
 * Return: 0, or a negative LKL errno: -LKL_ENOENT if the kernel has no
 * such qdisc, -LKL_EEXIST if @parent has a qdisc already (other than the
 * device's default), -LKL_EINVAL for an empty or too long @kind,
 * -LKL_ENODEV if there is no such interface.
 */
int lkl_qdisc_add(int ifindex, const char *kind, unsigned int parent);

/**
 * lkl_qdisc_del() - remove a qdisc, going back to the device's default
 * @ifindex: the interface index
 * @parent: LKL_TC_H_ROOT, or the class handle given to lkl_qdisc_add()
 *
 * Return: 0, or a negative LKL errno: -LKL_ENOENT if there is no qdisc to
 * remove (the device's default one cannot be), -LKL_ENODEV if there is no
 * such interface.
 */
int lkl_qdisc_del(int ifindex, unsigned int parent);

/**
 * struct lkl_qdisc_stats - what "tc -s qdisc" shows for one qdisc
 * @kind: the qdisc's kind, for example "fq", NUL-terminated
 * @handle: its handle (major number in the high 16 bits)
 * @bytes: bytes sent
 * @packets: packets sent
 * @drops: packets dropped
 * @overlimits: times the qdisc was over its limit
 * @requeues: packets the device gave back to the qdisc
 * @qlen: packets queued now
 * @backlog: bytes queued now
 */
struct lkl_qdisc_stats {
	char kind[LKL_QDISC_KIND_LEN];
	unsigned int handle;
	unsigned long long bytes;
	unsigned long long packets;
	unsigned int drops;
	unsigned int overlimits;
	unsigned int requeues;
	unsigned int qlen;
	unsigned int backlog;
};

/**
 * lkl_qdisc_get_stats() - read the statistics of a qdisc
 * @ifindex: the interface index
 * @parent: LKL_TC_H_ROOT for the device's root qdisc, or a class handle
 * @stats: receives the statistics
 *
 * Reads the kernel's TCA_STATS2 (basic and queue statistics) from a qdisc
 * dump.
 *
 * A device without a queue, such as the loopback device, shows the
 * "noqueue" qdisc with handle 0 at its root, as "tc" does.
 *
 * Return: 0, or a negative LKL errno: -LKL_ENOENT if there is no qdisc
 * at @parent, -LKL_ENODEV if there is no such interface.
 */
int lkl_qdisc_get_stats(int ifindex, unsigned int parent,
			struct lkl_qdisc_stats *stats);

/**
 * lkl_sysctl_set() - write a sysctl inside LKL
 * @name: the name as sysctl(8) takes it, for example
 *	"net.ipv4.ip_forward"; a '/' stands for a '.' within a component
 * @value: the value as text, for example "1"
 *
 * Writes @value to the file under /proc/sys inside LKL, mounting proc at
 * /proc first if it is not there.
 *
 * Return: 0, or a negative LKL errno: -LKL_ENOENT if there is no such
 * sysctl, -LKL_EINVAL for a malformed @name (empty components, "..") or a
 * value the kernel refuses.
 */
int lkl_sysctl_set(const char *name, const char *value);

/**
 * lkl_sysctl_get() - read a sysctl inside LKL
 * @name: the name, as for lkl_sysctl_set()
 * @buf: receives the value, NUL-terminated, without the final newline
 * @len: the size of @buf
 *
 * Return: 0, or a negative LKL errno: -LKL_ENOENT if there is no such
 * sysctl, -LKL_EINVAL for a malformed @name, -LKL_ERANGE if the value does
 * not fit in @buf.
 */
int lkl_sysctl_get(const char *name, char *buf, int len);

/**
 * lkl_interrupt_thread() - make a host thread's LKL system call give up
 * @thread: the host thread, as lkl_host_ops.thread_self() names it when
 *	called on that thread
 *
 * The system call that @thread is blocked in inside LKL returns -LKL_EINTR,
 * as a call interrupted by a signal does; if @thread is not in a call, its
 * next call that waits does. LKL's own signals have no user context to be
 * delivered to, so this is how a host signal handler (through a thread
 * that it wakes, since this is not async-signal-safe) interrupts a
 * blocking call such as accept() or read().
 *
 * Return: 0, or a negative LKL errno: -LKL_ESRCH if @thread has never
 * called into LKL.
 */
static inline long lkl_interrupt_thread(lkl_thread_t thread)
{
	/* The kernel's long: 64 bits also where the host's long is not. */
	__lkl__kernel_long_t params[6] = { (__lkl__kernel_long_t)thread };

	return lkl_syscall(LKL_NR_interrupt_thread, params);
}

/*
 * The generic system call table has only the *at() and other newer forms
 * of some calls. The wrappers below give the classic calls, with the same
 * results as on other architectures.
 */

/**
 * lkl_sys_open() - open a file, relative to the current directory
 * @path: the file name
 * @flags: LKL_O_* flags
 * @mode: the permissions of a new file
 *
 * Return: a file descriptor, or a negative LKL errno.
 */
static inline long lkl_sys_open(const char *path, int flags,
				__lkl__kernel_mode_t mode)
{
	return lkl_sys_openat(LKL_AT_FDCWD, path, flags, mode);
}

/**
 * lkl_sys_stat() - get the status of a file, following symbolic links
 * @path: the file name
 * @buf: where to store the status
 *
 * Return: 0, or a negative LKL errno.
 */
static inline long lkl_sys_stat(const char *path, struct lkl_stat *buf)
{
	return lkl_sys_newfstatat(LKL_AT_FDCWD, path, buf, 0);
}

/**
 * lkl_sys_lstat() - get the status of a file or of a symbolic link itself
 * @path: the file name
 * @buf: where to store the status
 *
 * Return: 0, or a negative LKL errno.
 */
static inline long lkl_sys_lstat(const char *path, struct lkl_stat *buf)
{
	return lkl_sys_newfstatat(LKL_AT_FDCWD, path, buf,
				  LKL_AT_SYMLINK_NOFOLLOW);
}

/**
 * lkl_sys_mkdir() - create a directory
 * @path: the directory name
 * @mode: its permissions
 *
 * Return: 0, or a negative LKL errno.
 */
static inline long lkl_sys_mkdir(const char *path, __lkl__kernel_mode_t mode)
{
	return lkl_sys_mkdirat(LKL_AT_FDCWD, path, mode);
}

/**
 * lkl_sys_rmdir() - remove an empty directory
 * @path: the directory name
 *
 * Return: 0, or a negative LKL errno.
 */
static inline long lkl_sys_rmdir(const char *path)
{
	return lkl_sys_unlinkat(LKL_AT_FDCWD, path, LKL_AT_REMOVEDIR);
}

/**
 * lkl_sys_unlink() - remove a name of a file
 * @path: the file name
 *
 * Return: 0, or a negative LKL errno.
 */
static inline long lkl_sys_unlink(const char *path)
{
	return lkl_sys_unlinkat(LKL_AT_FDCWD, path, 0);
}

/**
 * lkl_sys_rename() - rename a file
 * @oldpath: the current name
 * @newpath: the new name, replaced if it exists
 *
 * Uses renameat2() without flags, which the generic table always has.
 *
 * Return: 0, or a negative LKL errno.
 */
static inline long lkl_sys_rename(const char *oldpath, const char *newpath)
{
	return lkl_sys_renameat2(LKL_AT_FDCWD, oldpath, LKL_AT_FDCWD, newpath,
				 0);
}

/**
 * lkl_sys_access() - check the caller's permissions for a file
 * @path: the file name
 * @mode: LKL_F_OK, or a mask of LKL_R_OK, LKL_W_OK and LKL_X_OK
 *
 * Return: 0 if access is allowed, or a negative LKL errno.
 */
static inline long lkl_sys_access(const char *path, int mode)
{
	return lkl_sys_faccessat(LKL_AT_FDCWD, path, mode);
}

/**
 * lkl_sys_pipe() - create a pipe
 * @fds: receives the read end in fds[0] and the write end in fds[1]
 *
 * Return: 0, or a negative LKL errno.
 */
static inline long lkl_sys_pipe(int fds[2])
{
	return lkl_sys_pipe2(fds, 0);
}

/**
 * lkl_sys_dup2() - duplicate a file descriptor onto a given number
 * @oldfd: the descriptor to duplicate
 * @newfd: the number to use; a descriptor open there is closed first
 *
 * Unlike dup3(), this returns @newfd when it equals a valid @oldfd.
 *
 * Return: @newfd, or a negative LKL errno.
 */
static inline long lkl_sys_dup2(unsigned int oldfd, unsigned int newfd)
{
	long ret;

	if (oldfd != newfd)
		return lkl_sys_dup3(oldfd, newfd, 0);
	ret = lkl_sys_fcntl(oldfd, LKL_F_GETFD, 0);
	return ret < 0 ? ret : (long)newfd;
}

/**
 * lkl_sys_poll() - wait for events on file descriptors
 * @fds: the descriptors and the events to wait for
 * @nfds: the number of entries in @fds
 * @timeout: the longest wait in milliseconds; negative waits forever
 *
 * Return: the number of entries with events, 0 on timeout, or a negative
 * LKL errno.
 */
static inline long lkl_sys_poll(struct lkl_pollfd *fds, unsigned int nfds,
				int timeout)
{
	struct __lkl__kernel_timespec ts;

	if (timeout < 0)
		return lkl_sys_ppoll(fds, nfds, NULL, NULL, sizeof(lkl_sigset_t));
	ts.tv_sec = timeout / 1000;
	ts.tv_nsec = timeout % 1000 * 1000000L;
	return lkl_sys_ppoll(fds, nfds, &ts, NULL, sizeof(lkl_sigset_t));
}

/**
 * lkl_sys_epoll_wait() - wait for events on an epoll instance
 * @epfd: the epoll file descriptor
 * @events: receives the ready events
 * @maxevents: the number of entries in @events
 * @timeout: the longest wait in milliseconds; negative waits forever
 *
 * Return: the number of events stored, 0 on timeout, or a negative LKL
 * errno.
 */
static inline long lkl_sys_epoll_wait(int epfd, struct lkl_epoll_event *events,
				      int maxevents, int timeout)
{
	return lkl_sys_epoll_pwait(epfd, events, maxevents, timeout, NULL,
				   sizeof(lkl_sigset_t));
}

/**
 * lkl_sys_eventfd() - create an event counter file descriptor
 * @count: the initial value of the counter
 *
 * Return: a file descriptor, or a negative LKL errno.
 */
static inline long lkl_sys_eventfd(unsigned int count)
{
	return lkl_sys_eventfd2(count, 0);
}

#endif /* _LKL_H */
