/* SPDX-License-Identifier: GPL-2.0 */
/*
 * liblkl-hijack.so: what the parts of the preload library share.
 *
 * The library boots LKL before main() and sends the program's sockets to
 * it. Each LKL file descriptor has a host placeholder: a host descriptor
 * (a duplicate of /dev/null) whose number the program sees, so that host
 * and LKL descriptors share one number space. A table maps placeholder
 * numbers to LKL descriptors.
 */
#ifndef _LKL_HIJACK_H
#define _LKL_HIJACK_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include <lkl.h>

/* Placeholder numbers at or above this get EMFILE. */
#define HIJACK_MAX_FDS		65536

/* What the interposed calls do, from hijack_state(). */
enum hijack_state {
	HIJACK_HOST,	/* inside the library's own setup: the host's calls */
	HIJACK_LKL,	/* LKL runs: sockets go to LKL */
	HIJACK_DEAD,	/* a forked child, or after halt: LKL fds are EBADF */
};

/* A hijack_fd_map[] entry for a descriptor inherited from the parent. */
#define HIJACK_FD_ORPHAN	(-1)

/*
 * The host's version of every call the library interposes, looked up with
 * dlsym(RTLD_NEXT) before anything else runs.
 */
struct hijack_host_calls {
	int (*socket)(int domain, int type, int protocol);
	int (*socketpair)(int domain, int type, int protocol, int sv[2]);
	int (*bind)(int fd, const struct sockaddr *addr, socklen_t len);
	int (*listen)(int fd, int backlog);
	int (*accept)(int fd, struct sockaddr *addr, socklen_t *len);
	int (*accept4)(int fd, struct sockaddr *addr, socklen_t *len, int flags);
	int (*connect)(int fd, const struct sockaddr *addr, socklen_t len);
	ssize_t (*send)(int fd, const void *buf, size_t len, int flags);
	ssize_t (*sendto)(int fd, const void *buf, size_t len, int flags,
			  const struct sockaddr *addr, socklen_t alen);
	ssize_t (*sendmsg)(int fd, const struct msghdr *msg, int flags);
	int (*sendmmsg)(int fd, struct mmsghdr *vec, unsigned int n, int flags);
	ssize_t (*recv)(int fd, void *buf, size_t len, int flags);
	ssize_t (*recvfrom)(int fd, void *buf, size_t len, int flags,
			    struct sockaddr *addr, socklen_t *alen);
	ssize_t (*recvmsg)(int fd, struct msghdr *msg, int flags);
	int (*recvmmsg)(int fd, struct mmsghdr *vec, unsigned int n, int flags,
			struct timespec *timeout);
	int (*getsockopt)(int fd, int level, int name, void *val,
			  socklen_t *len);
	int (*setsockopt)(int fd, int level, int name, const void *val,
			  socklen_t len);
	int (*getsockname)(int fd, struct sockaddr *addr, socklen_t *len);
	int (*getpeername)(int fd, struct sockaddr *addr, socklen_t *len);
	int (*shutdown)(int fd, int how);
	int (*ioctl)(int fd, unsigned long req, ...);
	int (*fcntl)(int fd, int cmd, ...);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	ssize_t (*readv)(int fd, const struct iovec *iov, int n);
	ssize_t (*writev)(int fd, const struct iovec *iov, int n);
	int (*close)(int fd);
	int (*dup)(int fd);
	int (*dup2)(int fd, int newfd);
	int (*dup3)(int fd, int newfd, int flags);
	int (*poll)(struct pollfd *fds, nfds_t n, int timeout);
	int (*ppoll)(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		     const sigset_t *mask);
	int (*select)(int n, fd_set *r, fd_set *w, fd_set *e,
		      struct timeval *tv);
	int (*pselect)(int n, fd_set *r, fd_set *w, fd_set *e,
		       const struct timespec *ts, const sigset_t *mask);
	int (*epoll_create)(int size);
	int (*epoll_create1)(int flags);
	int (*epoll_ctl)(int epfd, int op, int fd, struct epoll_event *ev);
	int (*epoll_wait)(int epfd, struct epoll_event *ev, int max,
			  int timeout);
	int (*epoll_pwait)(int epfd, struct epoll_event *ev, int max,
			   int timeout, const sigset_t *mask);
	int (*eventfd)(unsigned int count, int flags);
	ssize_t (*sendfile)(int out, int in, off_t *offset, size_t count);
	int (*pipe2)(int fds[2], int flags);
	ssize_t (*splice)(int in, loff_t *off_in, int out, loff_t *off_out,
			  size_t len, unsigned int flags);
	ssize_t (*tee)(int in, int out, size_t len, unsigned int flags);
	ssize_t (*vmsplice)(int fd, const struct iovec *iov, size_t n,
			    unsigned int flags);
	ssize_t (*copy_file_range)(int in, loff_t *off_in, int out,
				   loff_t *off_out, size_t len,
				   unsigned int flags);
	int (*fstat)(int fd, struct stat *st);
	off_t (*lseek)(int fd, off_t pos, int whence);
	ssize_t (*pread)(int fd, void *buf, size_t len, off_t pos);
	ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t pos);
	int (*ftruncate)(int fd, off_t len);
	int (*fsync)(int fd);
	int (*fdatasync)(int fd);
};

extern struct hijack_host_calls hijack_host;
extern int hijack_debug_level;
extern int hijack_lkl_pipes;
extern int hijack_fd_map[HIJACK_MAX_FDS];
extern enum hijack_state hijack_global_state;
extern __thread int hijack_in_setup;
extern __thread int hijack_errno;

void hijack_init_once(void);
extern int hijack_ready;
extern int hijack_fork_gen;
enum hijack_state hijack_state_for_new(void);

/**
 * hijack_state() - what an interposed call should do now
 *
 * Boots LKL on the first call if the constructor has not run yet, and
 * saves errno for hijack_ret(): calls into LKL may change errno (host
 * waits inside LKL retry on EINTR), and programs such as python3 read
 * errno after a successful poll().
 *
 * LKL's own threads never come here: their host calls go through
 * lkl_host_io, which points at the host's calls.
 *
 * Return: HIJACK_HOST on the library's own setup thread while it boots and
 * configures LKL; else HIJACK_LKL or HIJACK_DEAD.
 */
static inline enum hijack_state hijack_state(void)
{
	hijack_errno = errno;
	if (hijack_in_setup)
		return HIJACK_HOST;
	if (!__atomic_load_n(&hijack_ready, __ATOMIC_ACQUIRE))
		hijack_init_once();
	if (hijack_in_setup)
		return HIJACK_HOST;
	return __atomic_load_n(&hijack_global_state, __ATOMIC_ACQUIRE);
}

/**
 * hijack_lkl_fd() - the LKL descriptor behind a host descriptor number
 * @fd: a descriptor number the program uses
 *
 * Return: the LKL descriptor (>= 0) if @fd is a placeholder, or -1 if @fd
 * is the host's. After halt, or in a forked child for a placeholder it
 * inherited, a placeholder gives -2: the caller fails with EBADF.
 */
static inline int hijack_lkl_fd(int fd)
{
	int v;

	if (hijack_state() == HIJACK_HOST || fd < 0 || fd >= HIJACK_MAX_FDS)
		return -1;
	v = __atomic_load_n(&hijack_fd_map[fd], __ATOMIC_ACQUIRE);
	if (!v)
		return -1;
	if (v == HIJACK_FD_ORPHAN ||
	    __atomic_load_n(&hijack_global_state, __ATOMIC_ACQUIRE) !=
	    HIJACK_LKL)
		return -2;
	return v - 1;
}

/**
 * hijack_ret() - turn an LKL result into a libc one
 * @ret: a value returned by an lkl_sys_*() call
 *
 * LKL's errno numbers are Linux's, so they are the host's too. On
 * success errno is put back as it was when the call came in.
 *
 * Return: @ret, or -1 with errno set if @ret is a negative errno.
 */
static inline long hijack_ret(long ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	errno = hijack_errno;
	return ret;
}

/* Fail with EBADF: a placeholder whose LKL descriptor is gone. */
static inline long hijack_ebadf(void)
{
	errno = EBADF;
	return -1;
}

/*
 * The value of @lkl_call, with the LKL descriptor in "lfd", if @fd is a
 * placeholder; else the value of @host_call. Most calls are just that.
 */
#define HIJACK_FD_CALL(fd, lkl_call, host_call)			\
	({							\
		int lfd = hijack_lkl_fd(fd);			\
								\
		lfd == -1 ? (long)(host_call) :			\
		lfd < 0 ? hijack_ebadf() : hijack_ret(lkl_call);	\
	})

/* The descriptor table, in fdtable.c. */
void hijack_fd_table_init(void);
int hijack_fd_install(long lkl_fd, int min);
int hijack_fd_install_at(long lkl_fd, int fd);
int hijack_fd_release(int fd);
void hijack_fd_table_orphan(void);

/* The library's data as it was before the boot, in snapshot.c. */
struct hijack_keep {
	void *addr;
	size_t len;
};

int hijack_snapshot_take(void);
int hijack_snapshot_restore(const struct hijack_keep *keep, int n);

int hijack_poll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		const sigset_t *mask);
int hijack_bridge_wait(struct pollfd *hfds, nfds_t hn,
		       struct lkl_pollfd *lfds, nfds_t ln,
		       const struct timespec *ts, const sigset_t *mask);
void hijack_epoll_forget(int fd);

/* Messages and the kernel log, in log.c. */
void hijack_log(int level, const char *fmt, ...);
void hijack_print(const char *str, int len);
void hijack_log_keep_stderr(void);

/* At exit, before the halt, in exit.c. */
void hijack_drain_tcp(void);
void hijack_show_counters(void);

/* A client of lkl-server, in server-client.c. */
extern int hijack_server_mode;
int hijack_server_start(void);
long hijack_server_syscall(long nr, long *params);
void hijack_server_fd_tag(int fd, int lkl_fd);
/* lkl_syscall() of lkl.o, and the proxy that replaces it (ld --wrap). */
long __real_lkl_syscall(long no, long *params);
long __wrap_lkl_syscall(long no, long *params);

/* The configuration: config-env.c, config.c and config-apply.c. */
struct hijack_config;
struct hijack_config *hijack_config_load(void);
int hijack_config_cmdline(const struct hijack_config *cfg, char *buf,
			  size_t len);
void hijack_config_apply(const struct hijack_config *cfg);
void hijack_config_apply_sysctls(const struct hijack_config *cfg);
void hijack_config_mount(struct hijack_config *cfg);
void hijack_config_unmount(void);
void hijack_config_free(struct hijack_config *cfg);

#endif /* _LKL_HIJACK_H */
