/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel server's protocol, shared by the hijack's client side
 * (server-client.c) and lkl-server: the messages, and the description of
 * every call that a client may send (server-proto.c). See
 * Documentation/virt/lkl/server.rst.
 */
#ifndef _LKL_HIJACK_SERVER_PROTO_H
#define _LKL_HIJACK_SERVER_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#define LKL_SRV_MAGIC		0x534c4b4cU	/* "LKLS" */
#define LKL_SRV_VERSION		1
/* The most data that one request or answer carries. */
#define LKL_SRV_MAX_DATA	(64U * 1024 * 1024)
/* The most that one read() or write() through the server moves. */
#define LKL_SRV_MAX_IO		(1024L * 1024)
/* The most iovec or mmsghdr entries in one call, as UIO_MAXIOV. */
#define LKL_SRV_MAX_VEC		1024

/* What a new connection is for. */
enum lkl_srv_kind {
	LKL_SRV_NEW = 1,	/* a program's first thread: see server.rst */
	LKL_SRV_THREAD,		/* another thread of process @key */
	LKL_SRV_FORK,		/* a child of process @key, about to fork */
	LKL_SRV_INTERRUPT,	/* end the call of connection @key */
};

/*
 * Requests of the protocol itself, not system calls (struct lkl_srv_req
 * @nr), for exec (see server.rst):
 * TAG: @args[0] is a number of the client's table, @args[1] the host
 *	placeholder number that stands for it; answers 1 if the descriptor is
 *	close-on-exec, else 0.
 * PID: a forked child's first request: @args[0] is its pid, @args[1] the
 *	number of this connection in it, which stays open across exec.
 */
#define LKL_SRV_OP_TAG		(-1)
#define LKL_SRV_OP_PID		(-2)

/**
 * struct lkl_srv_exec_rep - after the hello answer of an LKL_SRV_NEW
 * @anchor: the number, in the client, of the connection that kept the
 *	table across exec (the client closes it: the new one takes over),
 *	or -1 for a new table
 * @count: how many pairs of int32 (table number, placeholder number)
 *	follow: the descriptors kept
 */
struct lkl_srv_exec_rep {
	int32_t anchor;
	int32_t count;
};

/**
 * struct lkl_srv_hello - the first message on a connection
 * @magic: LKL_SRV_MAGIC
 * @version: LKL_SRV_VERSION
 * @kind: an enum lkl_srv_kind
 * @pad: zero
 * @key: for LKL_SRV_THREAD and LKL_SRV_FORK, the process's key; for
 *	LKL_SRV_INTERRUPT, the connection's; for LKL_SRV_NEW, the
 *	connection's number in the client (it stays open across exec)
 */
struct lkl_srv_hello {
	uint32_t magic;
	uint32_t version;
	uint32_t kind;
	uint32_t pad;
	uint64_t key;
};

/**
 * struct lkl_srv_hello_rep - the answer to a hello
 * @ret: 0, or a negative errno (the server then closes the connection)
 * @key: the key of the connection's process
 * @conn: the connection's key, for LKL_SRV_INTERRUPT
 */
struct lkl_srv_hello_rep {
	int64_t ret;
	uint64_t key;
	uint64_t conn;
};

/**
 * struct lkl_srv_req - a system call, followed by @len bytes of data
 * @magic: LKL_SRV_MAGIC
 * @len: the length of the data that follows
 * @nr: the system call number
 * @args: its arguments, as the client passed them
 */
struct lkl_srv_req {
	uint32_t magic;
	uint32_t len;
	int64_t nr;
	int64_t args[6];
};

/**
 * struct lkl_srv_rep - the result of a call, followed by @len bytes
 * @ret: what the call returned
 * @len: the length of the data that follows
 * @pad: zero
 */
struct lkl_srv_rep {
	int64_t ret;
	uint32_t len;
	uint32_t pad;
};

/* How a buffer of a call is used, for lkl_srv_walk_fn. */
#define LKL_SRV_IN	0x01	/* the kernel reads it */
#define LKL_SRV_OUT	0x02	/* the kernel writes it */
#define LKL_SRV_RET	0x04	/* only the first bytes written count */
#define LKL_SRV_POLLFD	0x08	/* pollfds: only revents goes back */
#define LKL_SRV_MSGHDR	0x10	/* a msghdr: only its lengths and flags */
#define LKL_SRV_MMSG	0x20	/* mmsghdrs: lengths, flags and msg_len */
#define LKL_SRV_FDPAIR	0x40	/* two new descriptors (pipe2, socketpair) */

/*
 * Called for each buffer of a call, in a fixed order: @slot holds the
 * pointer to it (an argument, or a field of a buffer met before), @len is
 * its length and @how a mix of LKL_SRV_*. The server points *@slot at a
 * buffer of its own. Return 0, or a negative errno to stop the walk.
 */
typedef int (*lkl_srv_walk_fn)(void *ctx, void **slot, size_t len,
			       unsigned int how);

/**
 * struct lkl_srv_call - what lkl_srv_describe() tells of a call
 * @fds: a bit for each argument that is a descriptor
 * @new_fd: the result is a new descriptor
 * @close_fd: the call closes its first argument
 * @unit: for LKL_SRV_RET buffers, how many bytes a result of one means
 */
struct lkl_srv_call {
	unsigned int fds;
	int new_fd;
	int close_fd;
	size_t unit;
};

int lkl_srv_describe(long nr, long *args, struct lkl_srv_call *call,
		     lkl_srv_walk_fn fn, void *ctx);
size_t lkl_srv_out_len(size_t len, unsigned int how, size_t *budget);

/**
 * struct lkl_srv_io - how one side moves bytes on a connection
 * @read: read(2), or the same call made another way
 * @writev: writev(2), or the same call made another way
 *
 * The client goes around the hijack's own interposers; the server sends
 * with MSG_NOSIGNAL.
 */
struct lkl_srv_io {
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*writev)(int fd, const struct iovec *iov, int cnt);
};

int lkl_srv_read_all(const struct lkl_srv_io *io, int fd, void *buf,
		     size_t len);
int lkl_srv_send(const struct lkl_srv_io *io, int fd, const void *hdr,
		 size_t hlen, const void *data, size_t len);

#endif /* _LKL_HIJACK_SERVER_PROTO_H */
