// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so as a client of lkl-server: with LKL_HIJACK_SERVER set,
 * no kernel boots in the process, and every LKL call goes to the server
 * through a proxy that replaces lkl_syscall() (the library is linked with
 * --wrap=lkl_syscall). Each thread has a connection of its own; fork()
 * gets the child a copy of the parent's descriptor table in the server.
 * See Documentation/virt/lkl/server.rst.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "hijack.h"
#include "server-proto.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* The lowest number of a connection to the server. */
#define HIJACK_SRV_MIN_FD	100

int hijack_server_mode;
static const char *hijack_srv_path;
static uint64_t hijack_srv_key;
static int hijack_srv_dead;

/* This thread's connection, its key, and the fork generation it was made in. */
static __thread int hijack_srv_fd = -1;
static __thread uint64_t hijack_srv_conn_key;
static __thread int hijack_srv_gen;
static int hijack_srv_fork_gen;
static pthread_key_t hijack_srv_tkey;

/* Every open connection, so that a forked child can close the parent's. */
static pthread_mutex_t hijack_srv_lock = PTHREAD_MUTEX_INITIALIZER;
static int hijack_srv_conns[1024];
static int hijack_srv_nconns;

/* The connection made for a child just before fork(). */
static int hijack_srv_fork_fd = -1;
static uint64_t hijack_srv_fork_key, hijack_srv_fork_conn;

/* One buffer of a call, as lkl_srv_describe() walked it. */
struct hijack_srv_region {
	void *ptr;
	size_t len;
	unsigned int how;
};

/* What a call's walk collects: its buffers, and the data sent. */
struct hijack_srv_walk {
	struct hijack_srv_region *reg;
	size_t nreg, maxreg;
	char *data;
	size_t len, size;
};

static long hijack_srv_gone(void)
{
	if (!__atomic_exchange_n(&hijack_srv_dead, 1, __ATOMIC_ACQ_REL))
		hijack_log(0, "the LKL server at %s is gone: LKL calls fail with EIO",
			   hijack_srv_path);
	return -LKL_EIO;
}

static ssize_t hijack_srv_host_read(int fd, void *buf, size_t len)
{
	return hijack_host.read(fd, buf, len);
}

static ssize_t hijack_srv_host_writev(int fd, const struct iovec *iov,
				      int cnt)
{
	return hijack_host.writev(fd, iov, cnt);
}

/* The connection's calls go around the hijack's interposers. */
static const struct lkl_srv_io hijack_srv_io = {
	.read = hijack_srv_host_read,
	.writev = hijack_srv_host_writev,
};

static void hijack_srv_add(int fd)
{
	pthread_mutex_lock(&hijack_srv_lock);
	if (hijack_srv_nconns < (int)ARRAY_LEN(hijack_srv_conns))
		hijack_srv_conns[hijack_srv_nconns++] = fd;
	pthread_mutex_unlock(&hijack_srv_lock);
}

static void hijack_srv_del(int fd)
{
	int i;

	pthread_mutex_lock(&hijack_srv_lock);
	for (i = 0; i < hijack_srv_nconns; i++)
		if (hijack_srv_conns[i] == fd) {
			hijack_srv_conns[i] = hijack_srv_conns[--hijack_srv_nconns];
			break;
		}
	pthread_mutex_unlock(&hijack_srv_lock);
}

/*
 * Connect to the server and say hello: @kind for process @key. Return the
 * connection, with the key of its process in *@key and its own in
 * *@conn, or a negative errno.
 */
static int hijack_srv_connect(enum lkl_srv_kind kind, uint64_t *key,
			      uint64_t *conn)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct lkl_srv_hello hello = {
		.magic = LKL_SRV_MAGIC,
		.version = LKL_SRV_VERSION,
		.kind = kind,
	};
	struct lkl_srv_hello_rep rep;
	int fd, err;

	if (strlen(hijack_srv_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, hijack_srv_path, strlen(hijack_srv_path) + 1);
	fd = hijack_host.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/*
	 * Out of the way of the low numbers a program picks itself, as in
	 * a shell's "exec 3<>...", which would close the connection.
	 */
	err = hijack_host.fcntl(fd, F_DUPFD_CLOEXEC, HIJACK_SRV_MIN_FD);
	if (err >= 0) {
		hijack_host.close(fd);
		fd = err;
	}
	/* A table's first connection: the server notes its number. */
	hello.key = kind == LKL_SRV_NEW ? (uint64_t)fd : *key;
	if (hijack_host.connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		hijack_host.close(fd);
		return err;
	}
	if (lkl_srv_send(&hijack_srv_io, fd, &hello, sizeof(hello), NULL, 0) ||
	    lkl_srv_read_all(&hijack_srv_io, fd, &rep, sizeof(rep))) {
		hijack_host.close(fd);
		return -ECONNRESET;
	}
	if (rep.ret < 0) {
		hijack_host.close(fd);
		return (int)rep.ret;
	}
	*key = rep.key;
	if (conn)
		*conn = rep.conn;
	return fd;
}

/*
 * A signal handler without SA_RESTART ran while this thread waited for
 * its call: have the server end the call, as an in-process kernel would
 * (lkl_interrupt_thread()). The call's answer then comes as usual.
 */
static void hijack_srv_interrupt(void)
{
	uint64_t key = hijack_srv_conn_key;
	int fd = hijack_srv_connect(LKL_SRV_INTERRUPT, &key, NULL);

	if (fd >= 0)
		hijack_host.close(fd);
}

/* Wait for the answer to a call; a signal interrupts the call. */
static int hijack_srv_wait(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = hijack_host.read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			hijack_srv_interrupt();
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	return lkl_srv_read_all(&hijack_srv_io, fd, (char *)buf + n, len - n);
}

/* The calling thread is gone: close its connection. */
static void hijack_srv_thread_end(void *arg)
{
	int fd = (int)(long)arg - 1;

	if (hijack_srv_gen != hijack_srv_fork_gen)
		return;
	hijack_srv_del(fd);
	hijack_host.close(fd);
	hijack_srv_fd = -1;
}

/* The calling thread's connection, made at its first call. */
static int hijack_srv_conn(void)
{
	uint64_t key = hijack_srv_key;
	int fd;

	if (hijack_srv_fd >= 0 && hijack_srv_gen == hijack_srv_fork_gen)
		return hijack_srv_fd;
	fd = hijack_srv_connect(LKL_SRV_THREAD, &key, &hijack_srv_conn_key);
	if (fd < 0)
		return fd;
	hijack_srv_add(fd);
	hijack_srv_fd = fd;
	hijack_srv_gen = hijack_srv_fork_gen;
	pthread_setspecific(hijack_srv_tkey, (void *)(long)(fd + 1));
	return fd;
}

/* lkl_srv_walk_fn of the client: note the buffer, copy what goes in. */
static int hijack_srv_region(void *ctx, void **slot, size_t len,
			     unsigned int how)
{
	struct hijack_srv_walk *w = ctx;
	struct hijack_srv_region *r;

	if (!how)
		return 0;
	if (!*slot)
		len = 0;
	if (w->nreg == w->maxreg) {
		size_t n = w->maxreg ? 2 * w->maxreg : 8;

		r = realloc(w->reg, n * sizeof(*r));
		if (!r)
			return -ENOMEM;
		w->reg = r;
		w->maxreg = n;
	}
	w->reg[w->nreg++] = (struct hijack_srv_region){ *slot, len, how };
	if (!(how & LKL_SRV_IN) || !len)
		return 0;
	if (len > LKL_SRV_MAX_DATA - w->len)
		return -ENOBUFS;
	if (w->len + len > w->size) {
		size_t n = w->size ? w->size : 256;
		char *d;

		while (n < w->len + len)
			n *= 2;
		d = realloc(w->data, n);
		if (!d)
			return -ENOMEM;
		w->data = d;
		w->size = n;
	}
	memcpy(w->data + w->len, *slot, len);
	w->len += len;
	return 0;
}

/* Copy what the kernel wrote to one buffer back where the program wants it. */
static void hijack_srv_merge(const struct hijack_srv_region *r,
			     const char *src, size_t n)
{
	size_t i;

	if (r->how & LKL_SRV_POLLFD) {
		struct pollfd *dst = r->ptr;
		const struct pollfd *s = (const struct pollfd *)src;

		for (i = 0; i < n / sizeof(*dst); i++)
			dst[i].revents = s[i].revents;
	} else if (r->how & LKL_SRV_MSGHDR) {
		struct msghdr *dst = r->ptr;
		const struct msghdr *s = (const struct msghdr *)src;

		dst->msg_namelen = s->msg_namelen;
		dst->msg_controllen = s->msg_controllen;
		dst->msg_flags = s->msg_flags;
	} else if (r->how & LKL_SRV_MMSG) {
		struct mmsghdr *dst = r->ptr;
		const struct mmsghdr *s = (const struct mmsghdr *)src;

		for (i = 0; i < n / sizeof(*dst); i++) {
			dst[i].msg_hdr.msg_namelen = s[i].msg_hdr.msg_namelen;
			dst[i].msg_hdr.msg_controllen =
				s[i].msg_hdr.msg_controllen;
			dst[i].msg_hdr.msg_flags = s[i].msg_hdr.msg_flags;
			dst[i].msg_len = s[i].msg_len;
		}
	} else {
		memcpy(r->ptr, src, n);
	}
}

/* Send the call, wait for its answer, and copy out what it wrote. */
static long hijack_srv_call(int fd, long nr, const long *args,
			    const struct lkl_srv_call *call,
			    struct hijack_srv_walk *w)
{
	struct lkl_srv_req req = { .magic = LKL_SRV_MAGIC, .nr = nr };
	struct lkl_srv_rep rep;
	size_t i, off = 0, budget;
	char *out = NULL;
	long ret;

	req.len = w->len;
	for (i = 0; i < 6; i++)
		req.args[i] = args[i];
	if (lkl_srv_send(&hijack_srv_io, fd, &req, sizeof(req), w->data, w->len) ||
	    hijack_srv_wait(fd, &rep, sizeof(rep)))
		return hijack_srv_gone();
	if (rep.len) {
		out = malloc(rep.len);
		if (!out || lkl_srv_read_all(&hijack_srv_io, fd, out, rep.len)) {
			free(out);
			return hijack_srv_gone();
		}
	}
	ret = rep.ret;
	budget = ret > 0 ? ret * call->unit : 0;
	for (i = 0; ret >= 0 && i < w->nreg; i++) {
		const struct hijack_srv_region *r = &w->reg[i];
		size_t n = lkl_srv_out_len(r->len, r->how, &budget);

		if (n > rep.len - off) {
			ret = hijack_srv_gone();
			break;
		}
		if (n)
			hijack_srv_merge(r, out + off, n);
		off += n;
	}
	free(out);
	return ret;
}

/*
 * A request of the protocol itself (LKL_SRV_OP_*) on connection @fd: its
 * answer, with the data that follows in *@out (freed by the caller).
 */
static long hijack_srv_op(int fd, long op, long a0, long a1, char **out,
			  size_t *len)
{
	struct lkl_srv_req req = { .magic = LKL_SRV_MAGIC, .nr = op };
	struct lkl_srv_rep rep;
	char *data = NULL;

	req.args[0] = a0;
	req.args[1] = a1;
	if (lkl_srv_send(&hijack_srv_io, fd, &req, sizeof(req), NULL, 0) ||
	    lkl_srv_read_all(&hijack_srv_io, fd, &rep, sizeof(rep)))
		return -LKL_EIO;
	if (rep.len) {
		data = malloc(rep.len);
		if (!data || lkl_srv_read_all(&hijack_srv_io, fd, data, rep.len)) {
			free(data);
			return -LKL_EIO;
		}
	}
	if (out) {
		*out = data;
		*len = rep.len;
	} else {
		free(data);
	}
	return rep.ret;
}

/**
 * hijack_server_fd_tag() - keep a placeholder across exec as LKL would
 * @fd: the host placeholder number
 * @lkl_fd: the LKL descriptor (the number in the server's table) behind it
 *
 * Tells the server which placeholder stands for @lkl_fd, so that a program
 * exec'd later finds it again, and makes the placeholder close-on-exec
 * exactly when the LKL descriptor is. Does nothing outside server mode:
 * there LKL descriptors do not survive exec.
 */
void hijack_server_fd_tag(int fd, int lkl_fd)
{
	long ret;
	int cfd;

	if (!hijack_server_mode ||
	    __atomic_load_n(&hijack_srv_dead, __ATOMIC_ACQUIRE))
		return;
	cfd = hijack_srv_conn();
	if (cfd < 0)
		return;
	ret = hijack_srv_op(cfd, LKL_SRV_OP_TAG, lkl_fd, fd, NULL, NULL);
	if (ret == -LKL_EIO)
		hijack_srv_gone();
	else if (ret == 0)
		hijack_host.fcntl(fd, F_SETFD, 0);
}

/**
 * hijack_server_syscall() - make an LKL call in the server
 * @nr: the system call number
 * @params: its six arguments
 *
 * Return: what the call returned in the server, -LKL_ENOSYS for a call the
 * server does not take, or -EIO once the server is gone.
 */
long hijack_server_syscall(long nr, long *params)
{
	struct hijack_srv_walk w = { 0 };
	struct lkl_srv_call call;
	long args[6], ret;
	int fd;

	if (__atomic_load_n(&hijack_srv_dead, __ATOMIC_ACQUIRE))
		return -LKL_EIO;
	memcpy(args, params, sizeof(args));
	ret = lkl_srv_describe(nr, args, &call, hijack_srv_region, &w);
	if (!ret) {
		fd = hijack_srv_conn();
		ret = fd < 0 ? hijack_srv_gone() :
		      hijack_srv_call(fd, nr, args, &call, &w);
	} else if (ret == -LKL_ENOSYS) {
		hijack_log(1, "system call %ld is not passed to the server", nr);
	}
	free(w.reg);
	free(w.data);
	return ret;
}

/* Every LKL call of the library: the server's or the process's kernel. */
long __wrap_lkl_syscall(long no, long *params)
{
	if (hijack_server_mode)
		return hijack_server_syscall(no, params);
	return __real_lkl_syscall(no, params);
}

/* fork() is about to run: the server copies our table for the child. */
static void hijack_srv_prepare(void)
{
	uint64_t key = hijack_srv_key;
	int fd;

	pthread_mutex_lock(&hijack_srv_lock);
	hijack_srv_fork_fd = -1;
	/* The child of a client whose server is gone fails alike. */
	if (__atomic_load_n(&hijack_srv_dead, __ATOMIC_ACQUIRE))
		return;
	fd = hijack_srv_connect(LKL_SRV_FORK, &key, &hijack_srv_fork_conn);
	hijack_srv_fork_fd = fd;
	hijack_srv_fork_key = key;
	if (fd < 0)
		hijack_log(0, "fork: no table in the LKL server for the child: %s",
			   strerror(-fd));
}

static void hijack_srv_parent(void)
{
	if (hijack_srv_fork_fd >= 0)
		hijack_host.close(hijack_srv_fork_fd);
	hijack_srv_fork_fd = -1;
	pthread_mutex_unlock(&hijack_srv_lock);
}

/* The child: its own connection; the parent's are not its to use. */
static void hijack_srv_child(void)
{
	int i;

	for (i = 0; i < hijack_srv_nconns; i++)
		hijack_host.close(hijack_srv_conns[i]);
	hijack_srv_nconns = 0;
	hijack_srv_fork_gen++;
	hijack_srv_fd = -1;
	if (hijack_srv_fork_fd >= 0) {
		/* The child's table outlives exec with this connection. */
		hijack_host.fcntl(hijack_srv_fork_fd, F_SETFD, 0);
		hijack_srv_op(hijack_srv_fork_fd, LKL_SRV_OP_PID, getpid(),
			      hijack_srv_fork_fd, NULL, NULL);
		hijack_srv_conns[hijack_srv_nconns++] = hijack_srv_fork_fd;
		hijack_srv_key = hijack_srv_fork_key;
		hijack_srv_conn_key = hijack_srv_fork_conn;
		hijack_srv_fd = hijack_srv_fork_fd;
		hijack_srv_gen = hijack_srv_fork_gen;
		pthread_setspecific(hijack_srv_tkey,
				    (void *)(long)(hijack_srv_fd + 1));
	} else {
		hijack_srv_dead = 1;
	}
	hijack_srv_fork_fd = -1;
	pthread_mutex_init(&hijack_srv_lock, NULL);
}

/* Is @fd a connection to the server? */
static int hijack_srv_is_conn(int fd)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	int flags = hijack_host.fcntl(fd, F_GETFD, 0);

	if (flags < 0 || (flags & FD_CLOEXEC))
		return 0;
	memset(&sa, 0, sizeof(sa));
	if (hijack_host.getpeername(fd, (struct sockaddr *)&sa, &len) ||
	    sa.sun_family != AF_UNIX ||
	    len <= offsetof(struct sockaddr_un, sun_path))
		return 0;
	return !strncmp(sa.sun_path, hijack_srv_path, sizeof(sa.sun_path));
}

/*
 * A program with a new table may have inherited connections that are not
 * close-on-exec from a process that started it without fork() handlers
 * (vfork(), posix_spawn()): they are that process's, and would keep its
 * table, close-on-exec descriptors included, open as long as this program
 * runs. Close them.
 */
static void hijack_srv_close_inherited(int fd)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n;

	if (!d)
		return;
	while ((e = readdir(d))) {
		n = atoi(e->d_name);
		if (n >= HIJACK_SRV_MIN_FD && n != fd && n != dirfd(d) &&
		    hijack_srv_is_conn(n))
			hijack_host.close(n);
	}
	closedir(d);
}

/*
 * The rest of the answer to LKL_SRV_NEW on @fd: if this program was
 * exec'd by a client, the server has given it the table of that process
 * (this pid), without its close-on-exec descriptors: map the placeholders
 * that stand for the others. Return @fd, or -ECONNRESET.
 */
static int hijack_srv_exec(int fd)
{
	struct lkl_srv_exec_rep er;
	int32_t pair[2];
	int n;

	if (lkl_srv_read_all(&hijack_srv_io, fd, &er, sizeof(er)))
		goto bad;
	if (er.anchor < 0) {
		hijack_srv_close_inherited(fd);
		return fd;
	}
	for (n = 0; n < er.count; n++) {
		if (lkl_srv_read_all(&hijack_srv_io, fd, pair, sizeof(pair)))
			goto bad;
		if (pair[1] >= 0 && pair[1] < HIJACK_MAX_FDS &&
		    hijack_host.fcntl(pair[1], F_GETFD, 0) >= 0 &&
		    !hijack_fd_map[pair[1]])
			hijack_fd_map[pair[1]] = pair[0] + 1;
		else	/* its placeholder is gone */
			hijack_srv_op(fd, __lkl__NR_close, pair[0], 0, NULL,
				      NULL);
	}
	/* The connection that kept the table: this one takes over. */
	if (er.anchor != fd && hijack_srv_is_conn(er.anchor))
		hijack_host.close(er.anchor);
	hijack_log(1, "exec: %d LKL descriptors kept", er.count);
	return fd;
bad:
	hijack_host.close(fd);
	return -ECONNRESET;
}

/**
 * hijack_server_start() - become a client of lkl-server if asked to
 *
 * Called from the setup, with the host's calls looked up. With
 * LKL_HIJACK_SERVER set, connects to the server for a new process (exits
 * with a message if it cannot), reads LKL_HIJACK_DEBUG and
 * LKL_HIJACK_PIPE (the server has the rest of the configuration), and
 * sends every LKL call to the server from then on.
 *
 * Return: 1 if the process is a client now, 0 if LKL_HIJACK_SERVER is
 * not set.
 */
int hijack_server_start(void)
{
	uint64_t key = 0;
	const char *v;
	int fd;

	v = getenv("LKL_HIJACK_SERVER");
	if (!v || !*v)
		return 0;
	/* A copy: programs such as nginx write over their environment. */
	hijack_srv_path = strdup(v);
	if (!hijack_srv_path) {
		fprintf(stderr, "lkl-hijack: out of memory\n");
		exit(1);
	}
	v = getenv("LKL_HIJACK_DEBUG");
	if (v && *v)
		hijack_debug_level = hijack_parse_int("LKL_HIJACK_DEBUG", v, 0,
						      9);
	v = getenv("LKL_HIJACK_PIPE");
	if (v && *v)
		hijack_lkl_pipes = hijack_parse_pipe("LKL_HIJACK_PIPE", v);

	fd = hijack_srv_connect(LKL_SRV_NEW, &key, &hijack_srv_conn_key);
	if (fd >= 0)
		fd = hijack_srv_exec(fd);
	/* The table outlives exec with this connection; threads' do not. */
	if (fd >= 0)
		hijack_host.fcntl(fd, F_SETFD, 0);
	if (fd < 0) {
		fprintf(stderr, "lkl-hijack: cannot connect to the LKL server at %s: %s\n",
			hijack_srv_path, strerror(-fd));
		exit(1);
	}
	pthread_key_create(&hijack_srv_tkey, hijack_srv_thread_end);
	hijack_srv_key = key;
	hijack_srv_add(fd);
	hijack_srv_fd = fd;
	hijack_srv_gen = hijack_srv_fork_gen;
	pthread_setspecific(hijack_srv_tkey, (void *)(long)(fd + 1));
	pthread_atfork(hijack_srv_prepare, hijack_srv_parent,
		       hijack_srv_child);
	hijack_server_mode = 1;
	hijack_log(1, "LKL calls go to the server at %s (process %llu)",
		   hijack_srv_path, (unsigned long long)key);
	return 1;
}
