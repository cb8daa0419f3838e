// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: boot LKL before main() and halt it at exit.
 *
 * The constructor looks up the host's calls, reads the configuration,
 * boots LKL, brings up the loopback device and the configured interfaces,
 * and only then lets the interposed calls send sockets to LKL. Calls made
 * before the constructor (from another library's constructor) boot LKL
 * first. The destructor halts LKL. A forked child never touches the
 * parent's kernel, whose threads it does not have: it boots a kernel of
 * its own from a snapshot of the library's data (snapshot.c) when it
 * first makes a socket.
 *
 * The configuration is in config*.c, the descriptor table in fdtable.c,
 * messages in log.c and the work done at exit before the halt in exit.c.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <lkl_host.h>

#include "hijack.h"
#include "posix/host_io.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct hijack_host_calls hijack_host;
int hijack_lkl_pipes;
enum hijack_state hijack_global_state = HIJACK_HOST;
__thread int hijack_in_setup;
__thread int hijack_errno;
int hijack_ready;

static pthread_once_t hijack_once = PTHREAD_ONCE_INIT;
static struct lkl_host_operations hijack_ops;

static void *hijack_lookup(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (!fn) {
		fprintf(stderr, "lkl-hijack: the C library has no %s\n", name);
		_exit(1);
	}
	return fn;
}

#define HOST_CALL(name) \
	(*(void **)&hijack_host.name = hijack_lookup(#name))

static void hijack_lookup_host(void)
{
	HOST_CALL(socket);
	HOST_CALL(socketpair);
	HOST_CALL(bind);
	HOST_CALL(listen);
	HOST_CALL(accept);
	HOST_CALL(accept4);
	HOST_CALL(connect);
	HOST_CALL(send);
	HOST_CALL(sendto);
	HOST_CALL(sendmsg);
	HOST_CALL(sendmmsg);
	HOST_CALL(recv);
	HOST_CALL(recvfrom);
	HOST_CALL(recvmsg);
	HOST_CALL(recvmmsg);
	HOST_CALL(getsockopt);
	HOST_CALL(setsockopt);
	HOST_CALL(getsockname);
	HOST_CALL(getpeername);
	HOST_CALL(shutdown);
	HOST_CALL(ioctl);
	HOST_CALL(fcntl);
	HOST_CALL(read);
	HOST_CALL(write);
	HOST_CALL(readv);
	HOST_CALL(writev);
	HOST_CALL(close);
	HOST_CALL(dup);
	HOST_CALL(dup2);
	HOST_CALL(dup3);
	HOST_CALL(poll);
	HOST_CALL(ppoll);
	HOST_CALL(select);
	HOST_CALL(pselect);
	HOST_CALL(epoll_create);
	HOST_CALL(epoll_create1);
	HOST_CALL(epoll_ctl);
	HOST_CALL(epoll_wait);
	HOST_CALL(epoll_pwait);
	HOST_CALL(eventfd);
	HOST_CALL(sendfile);
	HOST_CALL(pipe2);
	HOST_CALL(splice);
	HOST_CALL(tee);
	HOST_CALL(vmsplice);
	HOST_CALL(copy_file_range);
	HOST_CALL(fstat);
	HOST_CALL(lseek);
	HOST_CALL(pread);
	HOST_CALL(pwrite);
	HOST_CALL(ftruncate);
	HOST_CALL(fsync);
	HOST_CALL(fdatasync);
}

/*
 * The library's own threads (disks, network devices, the signal watcher)
 * make their host calls through lkl_host_io: give it the host's calls, so
 * that they never enter the interposers.
 */
static void hijack_use_host_io(void)
{
	lkl_host_io.close = hijack_host.close;
	lkl_host_io.read = hijack_host.read;
	lkl_host_io.write = hijack_host.write;
	lkl_host_io.readv = hijack_host.readv;
	lkl_host_io.writev = hijack_host.writev;
	lkl_host_io.pwrite = hijack_host.pwrite;
	lkl_host_io.poll = hijack_host.poll;
	lkl_host_io.pipe2 = hijack_host.pipe2;
	lkl_host_io.fstat = hijack_host.fstat;
	lkl_host_io.fcntl = hijack_host.fcntl;
	lkl_host_io.ioctl = hijack_host.ioctl;
	lkl_host_io.fdatasync = hijack_host.fdatasync;
	lkl_host_io.socket = hijack_host.socket;
	lkl_host_io.bind = hijack_host.bind;
	lkl_host_io.getsockopt = hijack_host.getsockopt;
	lkl_host_io.setsockopt = hijack_host.setsockopt;
	lkl_host_io.sendmsg = hijack_host.sendmsg;
	lkl_host_io.recvmsg = hijack_host.recvmsg;
}

/* Set in a forked child whose library data was put back (see fork.rst). */
static int hijack_forked;
/* How many forks this process is from the one that took the snapshot. */
int hijack_fork_gen;
static pthread_once_t hijack_child_once = PTHREAD_ONCE_INIT;

/*
 * A forked child has a copy of the parent's booted kernel but none of its
 * threads. Put the library's data back as it was before the boot, so that
 * the child's first new socket boots a kernel of its own; the descriptors
 * it inherited belong to the parent's kernel and fail with EBADF. The
 * configuration read by the parent stays. hijack_fork_gen tells poll.c
 * that the calling thread's poll helper is a thread of the parent.
 */
static void hijack_atfork_child(void)
{
	struct hijack_keep keep[] = {
		{ hijack_fd_map, sizeof(hijack_fd_map) },
		{ &hijack_debug_level, sizeof(hijack_debug_level) },
		{ &hijack_lkl_pipes, sizeof(hijack_lkl_pipes) },
		{ &hijack_fork_gen, sizeof(hijack_fork_gen) },
	};

	if (__atomic_load_n(&hijack_global_state, __ATOMIC_ACQUIRE) !=
	    HIJACK_LKL)
		return;
	if (hijack_snapshot_restore(keep, ARRAY_SIZE(keep)) < 0) {
		hijack_log(0, "forked child %d has no LKL: no snapshot of the library to boot from",
			   (int)getpid());
		__atomic_store_n(&hijack_global_state, HIJACK_DEAD,
				 __ATOMIC_RELEASE);
		return;
	}
	hijack_fd_table_orphan();
	hijack_fork_gen++;
	hijack_once = (pthread_once_t)PTHREAD_ONCE_INIT;
	hijack_child_once = (pthread_once_t)PTHREAD_ONCE_INIT;
	hijack_forked = 1;
	hijack_global_state = HIJACK_DEAD;
	__atomic_store_n(&hijack_ready, 1, __ATOMIC_RELEASE);
}

/*
 * Boot and configure LKL; the configuration is returned for the mounts.
 * NULL for a client of lkl-server, which boots nothing.
 */
static struct hijack_config *hijack_setup(void)
{
	struct hijack_config *cfg;
	char cmdline[1024];
	long ret;

	hijack_in_setup = 1;
	hijack_lookup_host();
	hijack_use_host_io();
	/* A client of lkl-server boots nothing (server-client.c). */
	if (hijack_server_start()) {
		hijack_fd_table_init();
		hijack_log_keep_stderr();
		__atomic_store_n(&hijack_global_state, HIJACK_LKL,
				 __ATOMIC_RELEASE);
		return NULL;
	}
	/* Once per program: a forked child restarts from this point. */
	if (!hijack_forked) {
		if (hijack_snapshot_take() < 0)
			hijack_log(0, "no snapshot of the library: forked children get no LKL");
		pthread_atfork(NULL, NULL, hijack_atfork_child);
	}

	cfg = hijack_config_load();
	if (hijack_config_cmdline(cfg, cmdline, sizeof(cmdline)) < 0) {
		fprintf(stderr, "lkl-hijack: config: the boot command line is too long\n");
		exit(1);
	}

	hijack_fd_table_init();
	hijack_log_keep_stderr();

	hijack_ops = lkl_host_ops;
	hijack_ops.print = hijack_print;
	hijack_log(1, "booting LKL: %s", cmdline);
	ret = lkl_start_kernel(&hijack_ops, cmdline);
	if (ret < 0) {
		fprintf(stderr, "lkl-hijack: cannot boot LKL: %s\n",
			lkl_strerror((int)ret));
		exit(1);
	}
	__atomic_store_n(&hijack_global_state, HIJACK_LKL, __ATOMIC_RELEASE);

	/* Ctrl-C and friends end a blocked LKL call as they would a host one. */
	ret = lkl_host_interrupt_on_signals();
	if (ret < 0) {
		fprintf(stderr, "lkl-hijack: cannot watch for signals: %s\n",
			lkl_strerror((int)ret));
		exit(1);
	}

	ret = lkl_if_up(1);
	if (ret < 0) {
		fprintf(stderr, "lkl-hijack: cannot bring lo up: %s\n",
			lkl_strerror((int)ret));
		exit(1);
	}
	if (hijack_forked)
		hijack_config_apply_sysctls(cfg);
	else
		hijack_config_apply(cfg);
	return cfg;
}

static void hijack_run_setup(void)
{
	struct hijack_config *cfg = hijack_setup();

	if (cfg && !hijack_forked)
		hijack_config_mount(cfg);
	if (cfg)
		hijack_config_free(cfg);
	hijack_in_setup = 0;
	__atomic_store_n(&hijack_ready, 1, __ATOMIC_RELEASE);
}

/**
 * hijack_init_once() - boot LKL unless it is booted already
 *
 * Called by the constructor, and by any interposed call that comes first.
 */
void hijack_init_once(void)
{
	pthread_once(&hijack_once, hijack_run_setup);
}

/* A forked child's first new LKL descriptor: boot its own kernel. */
static void hijack_child_boot(void)
{
	hijack_log(1, "forked child %d: booting a fresh kernel, loopback only",
		   (int)getpid());
	hijack_run_setup();
}

/**
 * hijack_state_for_new() - hijack_state() for a call that makes a new
 * LKL descriptor (socket, socketpair, eventfd, an LKL pipe)
 *
 * In a forked child that has not booted a kernel yet, boots one first
 * (with the loopback interface only); other threads of the child wait
 * for it.
 *
 * Return: as hijack_state().
 */
enum hijack_state hijack_state_for_new(void)
{
	enum hijack_state st = hijack_state();

	if (st != HIJACK_DEAD || !hijack_forked)
		return st;
	pthread_once(&hijack_child_once, hijack_child_boot);
	return hijack_state();
}

__attribute__((constructor))
static void hijack_init(void)
{
	hijack_init_once();
}

/*
 * Halt LKL when the program exits, from whichever thread calls exit().
 * Sockets still open are closed by the halt; threads still inside LKL
 * calls are ended by it.
 */
__attribute__((destructor))
static void hijack_fini(void)
{
	/* A client leaves the kernel, and its sockets, to the server. */
	if (hijack_server_mode ||
	    __atomic_load_n(&hijack_global_state, __ATOMIC_ACQUIRE) !=
	    HIJACK_LKL)
		return;
	hijack_drain_tcp();
	if (hijack_debug_level >= 1)
		hijack_show_counters();
	__atomic_store_n(&hijack_global_state, HIJACK_DEAD, __ATOMIC_RELEASE);
	hijack_config_unmount();
	hijack_log(1, "halting LKL");
	lkl_sys_halt();
}
