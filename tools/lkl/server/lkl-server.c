// SPDX-License-Identifier: GPL-2.0
/*
 * lkl-server: one LKL kernel for many processes. It boots LKL with the
 * hijack's configuration, listens on a Unix socket that only its owner
 * can reach, and runs the LKL calls of hijacked programs started with
 * LKL_HIJACK_SERVER (see Documentation/virt/lkl/server.rst).
 *
 * Each connection has a thread here, which makes its calls in LKL. Each
 * client process has a table that maps the descriptor numbers it uses to
 * descriptors of the server's LKL process; all its connections share it.
 * A watcher thread sees connections hang up and interrupts calls that
 * their threads are blocked in, so that a client killed by SIGKILL leaves
 * nothing behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "config.h"
#include "hijack.h"
#include "posix/posix.h"
#include "server-proto.h"

/* What the hijack's configuration and log code use of the host. */
struct hijack_host_calls hijack_host;
int hijack_lkl_pipes;

/* A number no LKL descriptor has: poll() reports it as POLLNVAL. */
#define SRV_BAD_FD		0x40000000
/* The most descriptors in the table of one client process. */
#define SRV_MAX_FDS		65536

/*
 * A client process: @map[n] is the LKL descriptor (plus one) behind the
 * number n that the client uses, and @tag[n] the host placeholder number
 * that stands for it in the client (plus one; 0 for none), kept for exec.
 * @pid is the client's pid and @start when that process started (see
 * srv_pid_start()), and @anchor the number, in it, of the connection
 * that stays open across exec. @lock guards @map, @tag and
 * @nmap; @refs (the connections) is guarded by srv_lock.
 */
struct srv_proc {
	uint64_t key;
	int refs;
	pid_t pid;
	unsigned long long start;
	int anchor;
	pthread_mutex_t lock;
	int *map;
	int *tag;
	int nmap;
	struct srv_proc *next;
};

/* A connection, served by its own thread. */
struct srv_conn {
	uint64_t key;
	int fd;
	struct srv_proc *proc;
	lkl_thread_t lkl_thread;
	pid_t pid;
	int busy;
	struct srv_conn *next;
};

static pthread_mutex_t srv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct srv_proc *srv_procs;
static struct srv_conn *srv_conns;
static uint64_t srv_next_key, srv_next_conn;
static int srv_nprocs, srv_nconns;
static int srv_epoll = -1;
static const char *srv_path;
static int srv_verbose;

static void srv_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len;

	len = snprintf(buf, sizeof(buf), "lkl-server: ");
	va_start(ap, fmt);
	len += vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(buf) - 1)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	if (write(STDERR_FILENO, buf, len) < 0)
		return;
}

/* A send that does not raise SIGPIPE when the client has gone. */
static ssize_t srv_writev(int fd, const struct iovec *iov, int cnt)
{
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = cnt };

	return sendmsg(fd, &m, MSG_NOSIGNAL);
}

static const struct lkl_srv_io srv_io = {
	.read = read,
	.writev = srv_writev,
};

/* The LKL descriptor behind the client's number @n, or -1. */
static int srv_fd_get(struct srv_proc *p, long n)
{
	int v = 0;

	pthread_mutex_lock(&p->lock);
	if (n >= 0 && n < p->nmap)
		v = p->map[n];
	pthread_mutex_unlock(&p->lock);
	return v - 1;
}

/* Forget the client's number @n: the LKL descriptor behind it, or -1. */
static int srv_fd_take(struct srv_proc *p, long n)
{
	int v = 0;

	pthread_mutex_lock(&p->lock);
	if (n >= 0 && n < p->nmap) {
		v = p->map[n];
		p->map[n] = 0;
		p->tag[n] = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return v - 1;
}

/* Give the LKL descriptor @lfd the lowest free number: it, or -EMFILE. */
static long srv_fd_add(struct srv_proc *p, long lfd)
{
	int n, *map, *tag;

	pthread_mutex_lock(&p->lock);
	for (n = 0; n < p->nmap && p->map[n]; n++)
		;
	if (n == p->nmap) {
		int size = p->nmap ? 2 * p->nmap : 64;

		map = NULL;
		tag = size <= SRV_MAX_FDS ?
		      realloc(p->tag, size * sizeof(*tag)) : NULL;
		if (tag) {
			p->tag = tag;
			map = realloc(p->map, size * sizeof(*map));
		}
		if (!map) {
			pthread_mutex_unlock(&p->lock);
			lkl_sys_close(lfd);
			return -LKL_EMFILE;
		}
		memset(map + p->nmap, 0, (size - p->nmap) * sizeof(*map));
		memset(tag + p->nmap, 0, (size - p->nmap) * sizeof(*tag));
		p->map = map;
		p->nmap = size;
	}
	p->map[n] = lfd + 1;
	p->tag[n] = 0;
	pthread_mutex_unlock(&p->lock);
	return n;
}

static struct srv_proc *srv_proc_new(void)
{
	struct srv_proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_lock(&srv_lock);
	p->key = ++srv_next_key;
	p->refs = 1;
	p->next = srv_procs;
	srv_procs = p;
	srv_nprocs++;
	pthread_mutex_unlock(&srv_lock);
	return p;
}

/* The process @key, with one more reference, or NULL. */
static struct srv_proc *srv_proc_get(uint64_t key)
{
	struct srv_proc *p;

	pthread_mutex_lock(&srv_lock);
	for (p = srv_procs; p && p->key != key; p = p->next)
		;
	if (p)
		p->refs++;
	pthread_mutex_unlock(&srv_lock);
	return p;
}

/* Drop a reference; the last one closes the process's descriptors. */
static void srv_proc_put(struct srv_proc *p)
{
	struct srv_proc **pp;
	int n, closed = 0;

	pthread_mutex_lock(&srv_lock);
	if (--p->refs) {
		pthread_mutex_unlock(&srv_lock);
		return;
	}
	for (pp = &srv_procs; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	srv_nprocs--;
	pthread_mutex_unlock(&srv_lock);

	for (n = 0; n < p->nmap; n++)
		if (p->map[n]) {
			lkl_sys_close(p->map[n] - 1);
			closed++;
		}
	if (srv_verbose)
		srv_log("process %llu is gone: %d descriptors closed",
			(unsigned long long)p->key, closed);
	pthread_mutex_destroy(&p->lock);
	free(p->map);
	free(p->tag);
	free(p);
}

/* A child about to be forked: a copy of @parent's table. */
static struct srv_proc *srv_proc_fork(struct srv_proc *parent)
{
	struct srv_proc *p = srv_proc_new();
	int n;

	if (!p)
		return NULL;
	pthread_mutex_lock(&parent->lock);
	p->map = calloc(parent->nmap ? parent->nmap : 1, sizeof(*p->map));
	p->tag = calloc(parent->nmap ? parent->nmap : 1, sizeof(*p->tag));
	if (p->map && p->tag) {
		p->nmap = parent->nmap;
		for (n = 0; n < parent->nmap; n++) {
			long lfd = parent->map[n] - 1, cmd = LKL_F_DUPFD;

			if (lfd < 0)
				continue;
			/* The copy shares the open file, and has the same flags. */
			if (lkl_sys_fcntl(lfd, LKL_F_GETFD, 0) > 0)
				cmd = LKL_F_DUPFD_CLOEXEC;
			lfd = lkl_sys_fcntl(lfd, cmd, 0);
			if (lfd >= 0) {
				p->map[n] = lfd + 1;
				p->tag[n] = parent->tag[n];
			}
		}
	}
	pthread_mutex_unlock(&parent->lock);
	if (!p->map || !p->tag) {
		srv_proc_put(p);
		return NULL;
	}
	return p;
}

/* One buffer of a call, in the server's memory. */
struct srv_region {
	void *buf;
	size_t len;
	unsigned int how;
};

/* A request being decoded: its data, and the buffers made for it. */
struct srv_walk {
	const char *data;
	size_t len, pos, total;
	struct srv_region *reg;
	size_t nreg, maxreg;
};

/* lkl_srv_walk_fn of the server: a buffer of ours for each of the client's. */
static int srv_region(void *ctx, void **slot, size_t len, unsigned int how)
{
	static char empty[8];
	struct srv_walk *w = ctx;
	struct srv_region *r;
	void *buf;

	if (!how)
		return 0;
	if (!*slot)
		len = 0;
	if (len > LKL_SRV_MAX_DATA - w->total)
		return -E2BIG;
	if ((how & LKL_SRV_IN) && len > w->len - w->pos)
		return -EPROTO;
	if (w->nreg == w->maxreg) {
		size_t n = w->maxreg ? 2 * w->maxreg : 8;

		r = realloc(w->reg, n * sizeof(*r));
		if (!r)
			return -ENOMEM;
		w->reg = r;
		w->maxreg = n;
	}
	buf = NULL;
	if (len) {
		/* Zeroed: a client never sees what another left here. */
		buf = calloc(1, len);
		if (!buf)
			return -ENOMEM;
		if (how & LKL_SRV_IN) {
			memcpy(buf, w->data + w->pos, len);
			w->pos += len;
		}
	}
	w->total += len;
	w->reg[w->nreg++] = (struct srv_region){ buf, len, how };
	if (*slot)
		*slot = buf ? buf : empty;
	return 0;
}

static void srv_walk_free(struct srv_walk *w)
{
	size_t i;

	for (i = 0; i < w->nreg; i++)
		free(w->reg[i].buf);
	free(w->reg);
}

/* True if the msghdr @m carries descriptors (SCM_RIGHTS). */
static int srv_has_rights(struct msghdr *m)
{
	struct cmsghdr *c;

	if (!m || !m->msg_control || m->msg_controllen < sizeof(*c))
		return 0;
	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			return 1;
	return 0;
}

/* Close descriptors that a recvmsg() got: they have no client number. */
static void srv_drop_rights(struct msghdr *m)
{
	struct cmsghdr *c;

	if (!srv_has_rights(m))
		return;
	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		int *fds = (int *)CMSG_DATA(c);
		size_t i, n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++)
			lkl_sys_close(fds[i]);
	}
	m->msg_controllen = 0;
	m->msg_flags |= MSG_CTRUNC;
}

/* Translate the client's descriptor numbers in the call to LKL's. */
static long srv_translate(struct srv_proc *p, long nr, long *args,
			  const struct lkl_srv_call *call)
{
	int i;

	for (i = 0; i < 6; i++) {
		if (!(call->fds & (1U << i)))
			continue;
		args[i] = srv_fd_get(p, args[i]);
		if (args[i] < 0)
			return -LKL_EBADF;
	}
	if (nr == __lkl__NR_ppoll && args[0]) {
		struct pollfd *pfd = (struct pollfd *)args[0];
		unsigned long n;

		for (n = 0; n < (unsigned long)args[1]; n++) {
			int lfd;

			if (pfd[n].fd < 0)
				continue;
			lfd = srv_fd_get(p, pfd[n].fd);
			pfd[n].fd = lfd < 0 ? SRV_BAD_FD : lfd;
		}
	}
	if (nr == __lkl__NR_sendmsg && srv_has_rights((void *)args[1]))
		return -LKL_EOPNOTSUPP;
	if (nr == __lkl__NR_sendmmsg) {
		struct mmsghdr *v = (struct mmsghdr *)args[1];
		unsigned long n;

		for (n = 0; v && n < (unsigned long)args[2]; n++)
			if (srv_has_rights(&v[n].msg_hdr))
				return -LKL_EOPNOTSUPP;
	}
	return 0;
}

/* Run one call for @c; its answer is sent unless the connection broke. */
static int srv_serve(struct srv_conn *c, struct lkl_srv_req *req,
		     const char *data)
{
	struct srv_walk w = { .data = data, .len = req->len };
	struct lkl_srv_rep rep = { 0 };
	struct lkl_srv_call call;
	size_t i, n, off = 0, budget;
	long args[6], ret;
	char *out = NULL;
	int err = 0;

	for (i = 0; i < 6; i++)
		args[i] = req->args[i];
	ret = lkl_srv_describe(req->nr, args, &call, srv_region, &w);
	if (ret || w.pos != w.len) {
		srv_log("rejected a malformed request (call %lld): %s",
			(long long)req->nr,
			ret ? strerror((int)-ret) : "wrong length");
		srv_walk_free(&w);
		return -1;
	}

	ret = srv_translate(c->proc, req->nr, args, &call);
	if (!ret && call.close_fd) {
		ret = srv_fd_take(c->proc, req->args[0]);
		ret = ret < 0 ? -LKL_EBADF : lkl_sys_close(ret);
	} else if (!ret) {
		__atomic_store_n(&c->busy, 1, __ATOMIC_RELEASE);
		ret = lkl_syscall(req->nr, args);
		__atomic_store_n(&c->busy, 0, __ATOMIC_RELEASE);
	}
	if (ret >= 0 && call.new_fd)
		ret = srv_fd_add(c->proc, ret);
	if (ret >= 0 && req->nr == __lkl__NR_recvmsg)
		srv_drop_rights((struct msghdr *)args[1]);
	for (i = 0; ret >= 0 && i < w.nreg; i++) {
		int *fds = w.reg[i].buf;

		if (!(w.reg[i].how & LKL_SRV_FDPAIR) || !fds)
			continue;
		fds[0] = srv_fd_add(c->proc, fds[0]);
		fds[1] = srv_fd_add(c->proc, fds[1]);
		if (fds[0] < 0 || fds[1] < 0) {
			if (fds[0] >= 0)
				lkl_sys_close(srv_fd_take(c->proc, fds[0]));
			if (fds[1] >= 0)
				lkl_sys_close(srv_fd_take(c->proc, fds[1]));
			ret = -LKL_EMFILE;
		}
	}

	rep.ret = ret;
	budget = ret > 0 ? ret * call.unit : 0;
	for (i = 0; ret >= 0 && i < w.nreg; i++)
		rep.len += lkl_srv_out_len(w.reg[i].len, w.reg[i].how, &budget);
	if (rep.len) {
		out = malloc(rep.len);
		if (!out) {
			rep.ret = -LKL_ENOMEM;
			rep.len = 0;
		}
	}
	budget = ret > 0 ? ret * call.unit : 0;
	for (i = 0; out && i < w.nreg; i++) {
		n = lkl_srv_out_len(w.reg[i].len, w.reg[i].how, &budget);
		memcpy(out + off, w.reg[i].buf, n);
		off += n;
	}
	if (lkl_srv_send(&srv_io, c->fd, &rep, sizeof(rep), out, rep.len))
		err = -1;
	free(out);
	srv_walk_free(&w);
	return err;
}

/* LKL_SRV_OP_TAG: note the placeholder of number @n; 1 if close-on-exec. */
static long srv_op_tag(struct srv_proc *p, long n, long host)
{
	long ret = -LKL_EBADF;

	pthread_mutex_lock(&p->lock);
	if (n >= 0 && n < p->nmap && p->map[n] && host >= 0 &&
	    host < SRV_MAX_FDS) {
		p->tag[n] = host + 1;
		ret = lkl_sys_fcntl(p->map[n] - 1, LKL_F_GETFD, 0);
		if (ret >= 0)
			ret = !!(ret & LKL_FD_CLOEXEC);
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/*
 * If @exec, client process @p has exec'd a new program, whose connection
 * is @c: close the close-on-exec descriptors, and those with no
 * placeholder (the hijack's own), and send the others after the hello's
 * answer. Else send that there are none.
 */
static int srv_exec(struct srv_conn *c, struct srv_proc *p, int exec)
{
	struct lkl_srv_exec_rep *er;
	int32_t *pair;
	int n, lfd, err;
	size_t len;

	pthread_mutex_lock(&p->lock);
	er = malloc(sizeof(*er) + 2 * sizeof(int32_t) * p->nmap);
	if (!er) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	er->anchor = exec ? p->anchor : -1;
	er->count = 0;
	pair = (int32_t *)(er + 1);
	for (n = 0; exec && n < p->nmap; n++) {
		lfd = p->map[n] - 1;
		if (lfd < 0)
			continue;
		if (!p->tag[n] ||
		    lkl_sys_fcntl(lfd, LKL_F_GETFD, 0) & LKL_FD_CLOEXEC) {
			lkl_sys_close(lfd);
			p->map[n] = 0;
			p->tag[n] = 0;
			continue;
		}
		pair[2 * er->count] = n;
		pair[2 * er->count + 1] = p->tag[n] - 1;
		er->count++;
	}
	pthread_mutex_unlock(&p->lock);
	len = sizeof(*er) + 2 * sizeof(int32_t) * er->count;
	if (exec && srv_verbose)
		srv_log("process %llu exec'd: %d descriptors kept",
			(unsigned long long)p->key, er->count);
	err = lkl_srv_send(&srv_io, c->fd, er, len, NULL, 0);
	free(er);
	return err;
}

/*
 * When process @pid started, in clock ticks after boot (field 22 of
 * /proc/PID/stat), or 0 if that cannot be read. A pid and its start
 * name one process: a pid that comes free goes only to a process that
 * starts later, and exec changes neither.
 */
static unsigned long long srv_pid_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	int fd, n, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* The name, field 2, is in parentheses and may hold anything. */
	p = strrchr(buf, ')');
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* The process whose pid is @pid, with one more reference, or NULL. */
static struct srv_proc *srv_proc_of_pid(pid_t pid)
{
	unsigned long long start;
	struct srv_proc *p;

	/* 0: a peer in another pid namespace, whose pid is unknown here. */
	if (pid <= 0)
		return NULL;
	/*
	 * A table whose process has gone may still be held by a descendant
	 * that inherited its connection; a later process with the same pid
	 * is not that process.
	 */
	start = srv_pid_start(pid);
	pthread_mutex_lock(&srv_lock);
	for (p = srv_procs; p && (p->pid != pid || p->start != start);
	     p = p->next)
		;
	if (p)
		p->refs++;
	pthread_mutex_unlock(&srv_lock);
	return p;
}

/* A request of the protocol itself (LKL_SRV_OP_*): answer it. */
static int srv_op(struct srv_conn *c, struct lkl_srv_req *req)
{
	struct lkl_srv_rep rep = { 0 };

	if (req->len) {
		srv_log("rejected a malformed request (op %lld): data",
			(long long)req->nr);
		return -1;
	}
	switch (req->nr) {
	case LKL_SRV_OP_TAG:
		rep.ret = srv_op_tag(c->proc, req->args[0], req->args[1]);
		break;
	case LKL_SRV_OP_PID:
		c->proc->pid = (pid_t)req->args[0];
		c->proc->start = srv_pid_start(c->proc->pid);
		c->proc->anchor = (int)req->args[1];
		break;
	default:
		srv_log("rejected a malformed request: unknown op %lld",
			(long long)req->nr);
		return -1;
	}
	return lkl_srv_send(&srv_io, c->fd, &rep, sizeof(rep), NULL, 0);
}

/*
 * End the call that connection @key waits in, for a client thread whose
 * signal handler ran: 0, or -ESRCH if there is no such connection.
 */
static int srv_interrupt(uint64_t key)
{
	struct srv_conn *c;

	pthread_mutex_lock(&srv_lock);
	for (c = srv_conns; c && c->key != key; c = c->next)
		;
	if (c && __atomic_load_n(&c->busy, __ATOMIC_ACQUIRE))
		lkl_interrupt_thread(c->lkl_thread);
	pthread_mutex_unlock(&srv_lock);
	return c ? 0 : -ESRCH;
}

/* The hello: the connection's process, made, shared or forked. */
static int srv_hello(struct srv_conn *c)
{
	struct lkl_srv_hello h;
	struct lkl_srv_hello_rep rep = { 0 };
	struct srv_proc *parent;
	int exec = 0;

	if (lkl_srv_read_all(&srv_io, c->fd, &h, sizeof(h)))
		return -1;
	if (h.magic != LKL_SRV_MAGIC || h.version != LKL_SRV_VERSION) {
		srv_log("rejected a connection: not an LKL client of this version");
		return -1;
	}
	switch (h.kind) {
	case LKL_SRV_NEW:
		/*
		 * A table with the peer's pid (the kernel's word for it) is
		 * that of a client which has exec'd this program.
		 */
		c->proc = srv_proc_of_pid(c->pid);
		exec = !!c->proc;
		if (!c->proc)
			c->proc = srv_proc_new();
		if (c->proc && !exec) {
			c->proc->pid = c->pid;
			c->proc->start = srv_pid_start(c->pid);
		}
		break;
	case LKL_SRV_THREAD:
		c->proc = srv_proc_get(h.key);
		break;
	case LKL_SRV_FORK:
		parent = srv_proc_get(h.key);
		if (parent) {
			c->proc = srv_proc_fork(parent);
			srv_proc_put(parent);
		}
		break;
	case LKL_SRV_INTERRUPT:
		rep.ret = srv_interrupt(h.key);
		lkl_srv_send(&srv_io, c->fd, &rep, sizeof(rep), NULL, 0);
		return -1;
	default:
		srv_log("rejected a connection: unknown hello %u", h.kind);
		return -1;
	}
	rep.ret = c->proc ? 0 : -ENOENT;
	rep.key = c->proc ? c->proc->key : 0;
	rep.conn = c->key;
	if (lkl_srv_send(&srv_io, c->fd, &rep, sizeof(rep), NULL, 0) || !c->proc)
		return -1;
	if (h.kind == LKL_SRV_NEW) {
		if (srv_exec(c, c->proc, exec))
			return -1;
		c->proc->anchor = (int)h.key;
	}
	return 0;
}

static void srv_conn_end(struct srv_conn *c)
{
	struct srv_conn **pp;

	pthread_mutex_lock(&srv_lock);
	epoll_ctl(srv_epoll, EPOLL_CTL_DEL, c->fd, NULL);
	for (pp = &srv_conns; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	srv_nconns--;
	pthread_mutex_unlock(&srv_lock);
	if (c->proc)
		srv_proc_put(c->proc);
	close(c->fd);
	free(c);
}

static void *srv_conn_main(void *arg)
{
	struct srv_conn *c = arg;
	struct epoll_event ev = { .events = EPOLLRDHUP, .data.ptr = c };
	struct lkl_srv_req req;
	char *data;

	c->lkl_thread = lkl_host_ops.thread_self();
	if (srv_hello(c))
		goto out;
	pthread_mutex_lock(&srv_lock);
	epoll_ctl(srv_epoll, EPOLL_CTL_ADD, c->fd, &ev);
	pthread_mutex_unlock(&srv_lock);

	while (!lkl_srv_read_all(&srv_io, c->fd, &req, sizeof(req))) {
		if (req.magic != LKL_SRV_MAGIC || req.len > LKL_SRV_MAX_DATA) {
			srv_log("rejected a malformed request: bad header");
			break;
		}
		data = NULL;
		if (req.len) {
			data = malloc(req.len);
			if (!data || lkl_srv_read_all(&srv_io, c->fd, data, req.len)) {
				free(data);
				break;
			}
		}
		if (req.nr < 0 ? srv_op(c, &req) : srv_serve(c, &req, data)) {
			free(data);
			break;
		}
		free(data);
	}
out:
	srv_conn_end(c);
	return NULL;
}

/*
 * The watcher: a connection whose client hung up may have its thread
 * blocked in LKL (accept, recv); end that call, so the thread sees the
 * hang-up and releases the client's descriptors.
 */
static void *srv_watch_main(void *arg)
{
	struct epoll_event ev[16];
	int i, n;

	(void)arg;
	for (;;) {
		n = epoll_wait(srv_epoll, ev, 16, -1);
		if (n < 0 && errno != EINTR)
			break;
		pthread_mutex_lock(&srv_lock);
		for (i = 0; i < n; i++) {
			struct srv_conn *c;

			for (c = srv_conns; c && c != ev[i].data.ptr; c = c->next)
				;
			if (!c)
				continue;
			epoll_ctl(srv_epoll, EPOLL_CTL_DEL, c->fd, NULL);
			if (__atomic_load_n(&c->busy, __ATOMIC_ACQUIRE))
				lkl_interrupt_thread(c->lkl_thread);
		}
		pthread_mutex_unlock(&srv_lock);
	}
	return NULL;
}

/* Count LKL's open descriptors (the server's process holds them all). */
static long srv_lkl_fds(void)
{
	char buf[4096];
	long fd, n, count = 0;

	fd = lkl_sys_open("/proc/self/fd", LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	while ((n = lkl_sys_getdents64(fd, (void *)buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			struct lkl_linux_dirent64 *d = (void *)(buf + off);

			if (d->d_name[0] != '.')
				count++;
			off += d->d_reclen;
		}
	}
	lkl_sys_close(fd);
	return count - 1;
}

static void srv_stats(void)
{
	pthread_mutex_lock(&srv_lock);
	srv_log("stats: processes=%d connections=%d lkl_fds=%ld",
		srv_nprocs, srv_nconns, srv_lkl_fds());
	pthread_mutex_unlock(&srv_lock);
}

/* The socket's directory: made 0700, or already the owner's and 0700. */
static int srv_check_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST) {
		srv_log("cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st)) {
		srv_log("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		srv_log("%s: not a directory of yours with mode 0700 (%04o)",
			dir, (unsigned int)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

static int srv_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		srv_log("%s: the path is too long for a Unix socket", path);
		return -1;
	}
	if (srv_check_dir(path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		srv_log("socket: %s", strerror(errno));
		return -1;
	}
	/* A socket left by a server that died: nobody listens on it. */
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		srv_log("%s: another server listens there", path);
		close(fd);
		return -1;
	}
	if (errno == ECONNREFUSED)
		unlink(path);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0600) || listen(fd, 128)) {
		srv_log("%s: %s", path, strerror(errno));
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	return fd;
}

/* A new connection: its peer must be the server's own user. */
static void srv_accept(int lfd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct srv_conn *c;
	pthread_t t;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    cred.uid != geteuid()) {
		srv_log("refused a connection from uid %d (pid %d): not the server's user",
			(int)cred.uid, (int)cred.pid);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->pid = cred.pid;
	pthread_mutex_lock(&srv_lock);
	c->key = ++srv_next_conn;
	c->next = srv_conns;
	srv_conns = c;
	srv_nconns++;
	pthread_mutex_unlock(&srv_lock);
	if (lkl_posix_thread_start(&t, NULL, srv_conn_main, c)) {
		srv_log("no thread for a connection: %s", strerror(errno));
		srv_conn_end(c);
		return;
	}
	pthread_detach(t);
}

/* Boot LKL as the hijack would, with its configuration. */
static void srv_boot(void)
{
	static struct lkl_host_operations ops;
	struct hijack_config *cfg;
	char cmdline[1024];
	long ret;

	hijack_host.write = write;
	hijack_host.close = close;
	hijack_host.fcntl = fcntl;
	cfg = hijack_config_load();
	if (hijack_config_cmdline(cfg, cmdline, sizeof(cmdline)) < 0) {
		srv_log("config: the boot command line is too long");
		exit(1);
	}
	ops = lkl_host_ops;
	ops.print = hijack_print;
	ret = lkl_start_kernel(&ops, cmdline);
	if (ret < 0) {
		srv_log("cannot boot LKL: %s", lkl_strerror((int)ret));
		exit(1);
	}
	ret = lkl_if_up(1);
	if (ret < 0) {
		srv_log("cannot bring lo up: %s", lkl_strerror((int)ret));
		exit(1);
	}
	hijack_config_apply(cfg);
	hijack_config_mount(cfg);
	hijack_config_free(cfg);
	lkl_sys_mkdir("/proc", 0555);
	lkl_sys_mount("proc", "/proc", "proc", 0, NULL);
}

static void srv_usage(void)
{
	fprintf(stderr,
		"usage: lkl-server [-v] PATH\n"
		"  Boot LKL with the hijack's configuration (LKL_HIJACK_* variables,\n"
		"  LKL_HIJACK_CONFIG_FILE) and serve programs started with\n"
		"  LKL_HIJACK_SERVER=PATH on the Unix socket PATH, in a directory of\n"
		"  mode 0700. SIGUSR1 prints counts; SIGTERM and SIGINT stop it.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct pollfd pfd[2];
	sigset_t set;
	pthread_t t;
	int lfd, sfd, i = 1;

	if (i < argc && !strcmp(argv[i], "-v")) {
		srv_verbose = 1;
		i++;
	}
	if (argc != i + 1 || argv[i][0] == '-')
		srv_usage();
	srv_path = argv[i];

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	srv_epoll = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || srv_epoll < 0) {
		srv_log("signalfd or epoll: %s", strerror(errno));
		return 1;
	}

	srv_boot();
	lfd = srv_listen(srv_path);
	if (lfd < 0)
		return 1;
	if (lkl_posix_thread_start(&t, NULL, srv_watch_main, NULL)) {
		srv_log("no watcher thread");
		unlink(srv_path);
		return 1;
	}
	srv_log("listening on %s", srv_path);

	pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		struct signalfd_siginfo si;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			srv_accept(lfd);
		if (!pfd[1].revents || read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGUSR1)
			srv_stats();
		else if (si.ssi_signo != SIGPIPE)
			break;
	}
	/*
	 * Calls of clients may still run: the kernel is not halted under
	 * them, it ends with the process. Clients then get EIO.
	 */
	unlink(srv_path);
	srv_log("stopped");
	_exit(0);
}
