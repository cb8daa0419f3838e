// SPDX-License-Identifier: GPL-2.0
/*
 * liblkl-hijack.so: poll, select and epoll over host and LKL descriptors.
 *
 * A set of host descriptors only is the host's business, and a set of LKL
 * descriptors only is LKL's: one call, no thread. A mixed set is waited
 * for on two threads at once. The calling thread waits for the host
 * descriptors, so that a host signal interrupts it as usual, and a helper
 * thread of its own waits inside LKL for the LKL descriptors. Each side
 * has an eventfd in its own kernel that the other side writes to when it
 * is done, so neither busy-waits: the helper wakes the caller through a
 * host eventfd, the caller wakes the helper through an LKL eventfd.
 *
 * An epoll instance is a host epoll descriptor, the number the program
 * sees, plus an LKL epoll descriptor made when the first LKL descriptor is
 * added. Waiting on both is a mixed poll of the two epoll descriptors,
 * followed by a non-blocking harvest of each.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hijack.h"
#include "posix/posix.h"

/*
 * The helper thread of one application thread.
 * @lock and @cond guard @lfds, @ln, @busy, @done, @quit and @result.
 */
struct hijack_helper {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int host_efd;
	long lkl_efd;
	struct lkl_pollfd *lfds;
	nfds_t ln;
	int busy;
	int done;
	int quit;
	long result;
	int fork_gen;		/* hijack_fork_gen when it was made */
};

static pthread_key_t hijack_helper_key;
static pthread_once_t hijack_helper_once = PTHREAD_ONCE_INIT;
static __thread struct hijack_helper *hijack_my_helper;

/* Per host epoll descriptor: its LKL epoll descriptor + 1, if any. */
static int hijack_epoll_lkl[HIJACK_MAX_FDS];
/* Per host epoll descriptor: how many host descriptors were added. */
static int hijack_epoll_hosts[HIJACK_MAX_FDS];

static void *hijack_helper_main(void *arg)
{
	struct hijack_helper *h = arg;
	unsigned long long one = 1;
	long ret;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!h->busy && !h->quit)
			pthread_cond_wait(&h->cond, &h->lock);
		if (h->quit)
			break;
		pthread_mutex_unlock(&h->lock);

		ret = lkl_sys_ppoll(h->lfds, h->ln, NULL, NULL,
				    sizeof(lkl_sigset_t));
		/* Wake the caller before saying done: it drains after. */
		hijack_host.write(h->host_efd, &one, sizeof(one));

		pthread_mutex_lock(&h->lock);
		h->result = ret;
		h->busy = 0;
		h->done = 1;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* The thread that owned @arg exits: end its helper. */
static void hijack_helper_free(void *arg)
{
	struct hijack_helper *h = arg;

	pthread_mutex_lock(&h->lock);
	h->quit = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	hijack_host.close(h->host_efd);
	if (__atomic_load_n(&hijack_global_state, __ATOMIC_ACQUIRE) ==
	    HIJACK_LKL)
		lkl_sys_close(h->lkl_efd);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static void hijack_helper_key_init(void)
{
	pthread_key_create(&hijack_helper_key, hijack_helper_free);
}

/* The calling thread's helper, made on first use; NULL with errno set. */
static struct hijack_helper *hijack_helper_get(void)
{
	struct hijack_helper *h = hijack_my_helper;
	int err;

	/* One made before a fork() is a thread of the parent: leave it. */
	if (h && h->fork_gen == hijack_fork_gen)
		return h;
	pthread_once(&hijack_helper_once, hijack_helper_key_init);
	h = calloc(1, sizeof(*h));
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->host_efd = hijack_host.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->host_efd < 0)
		goto err_free;
	h->lkl_efd = lkl_sys_eventfd2(0, LKL_O_NONBLOCK | LKL_O_CLOEXEC);
	if (h->lkl_efd < 0) {
		errno = (int)-h->lkl_efd;
		goto err_close;
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);

	/* Host signals stay with the application's threads. */
	err = lkl_posix_thread_start(&h->thread, NULL, hijack_helper_main, h);
	if (err) {
		errno = err;
		lkl_sys_close(h->lkl_efd);
		goto err_close;
	}
	h->fork_gen = hijack_fork_gen;
	pthread_setspecific(hijack_helper_key, h);
	hijack_my_helper = h;
	return h;

err_close:
	hijack_host.close(h->host_efd);
err_free:
	free(h);
	return NULL;
}

/**
 * hijack_bridge_wait() - wait for host and LKL descriptors at once
 * @hfds: the host descriptors, with one spare entry at @hfds[@hn]
 * @hn: how many host descriptors
 * @lfds: the LKL descriptors, with one spare entry at @lfds[@ln]
 * @ln: how many LKL descriptors
 * @ts: the timeout, or NULL to wait for ever
 * @mask: the signal mask during the host wait, or NULL
 *
 * Fills in revents in both arrays.
 *
 * Return: how many entries have events, 0 on timeout, or -1 with errno
 * set (EINTR when a host signal arrived).
 */
int hijack_bridge_wait(struct pollfd *hfds, nfds_t hn,
		       struct lkl_pollfd *lfds, nfds_t ln,
		       const struct timespec *ts, const sigset_t *mask)
{
	struct hijack_helper *h = hijack_helper_get();
	unsigned long long val = 1;
	int ret, err, count = 0;
	nfds_t i;

	if (!h)
		return -1;
	lfds[ln].fd = h->lkl_efd;
	lfds[ln].events = LKL_POLLIN;
	lfds[ln].revents = 0;
	hfds[hn].fd = h->host_efd;
	hfds[hn].events = POLLIN;
	hfds[hn].revents = 0;

	pthread_mutex_lock(&h->lock);
	h->lfds = lfds;
	h->ln = ln + 1;
	h->done = 0;
	h->busy = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);

	ret = hijack_host.ppoll(hfds, hn + 1, ts, mask);
	err = errno;

	pthread_mutex_lock(&h->lock);
	if (!h->done) {
		pthread_mutex_unlock(&h->lock);
		lkl_sys_write(h->lkl_efd, (char *)&val, sizeof(val));
		pthread_mutex_lock(&h->lock);
		while (!h->done)
			pthread_cond_wait(&h->cond, &h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	/* Both eventfds back to zero for the next wait. */
	lkl_sys_read(h->lkl_efd, (char *)&val, sizeof(val));
	hijack_host.read(h->host_efd, &val, sizeof(val));

	if (ret < 0) {
		errno = err;
		return -1;
	}
	if (h->result < 0) {
		errno = (int)-h->result;
		return -1;
	}
	for (i = 0; i < hn; i++)
		count += !!hfds[i].revents;
	for (i = 0; i < ln; i++)
		count += !!lfds[i].revents;
	errno = hijack_errno;
	return count;
}

static struct __lkl__kernel_timespec *
hijack_lkl_ts(const struct timespec *ts, struct __lkl__kernel_timespec *lts)
{
	if (!ts)
		return NULL;
	lts->tv_sec = ts->tv_sec;
	lts->tv_nsec = ts->tv_nsec;
	return lts;
}

/**
 * hijack_poll() - ppoll() over any mix of host and LKL descriptors
 * @fds: the program's array
 * @n: its length
 * @ts: the timeout, or NULL
 * @mask: the signal mask while waiting; honoured for host descriptors
 *	only, as a wait inside LKL does not see host signals
 *
 * Return: as ppoll().
 */
int hijack_poll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		const sigset_t *mask)
{
	struct __lkl__kernel_timespec lts;
	struct lkl_pollfd *lfds;
	struct pollfd *hfds;
	nfds_t i, hn = 0, ln = 0;
	int *lkl_of, nbad = 0;
	long ret;

	hijack_state();
	for (i = 0; i < n; i++) {
		int lfd = hijack_lkl_fd(fds[i].fd);

		if (lfd >= 0)
			ln++;
		else if (lfd < -1)
			nbad++;
	}
	if (!ln && !nbad)
		return hijack_host.ppoll(fds, n, ts, mask);

	lkl_of = malloc(n * sizeof(*lkl_of));
	lfds = malloc((ln + 1) * sizeof(*lfds));
	hfds = malloc((n - ln + 1) * sizeof(*hfds));
	if (!lkl_of || !lfds || !hfds) {
		ret = -1;
		errno = ENOMEM;
		goto out;
	}
	ln = 0;
	for (i = 0; i < n; i++) {
		int lfd = hijack_lkl_fd(fds[i].fd);

		fds[i].revents = 0;
		lkl_of[i] = lfd;
		if (lfd >= 0) {
			lfds[ln].fd = lfd;
			lfds[ln].events = fds[i].events;
			lfds[ln].revents = 0;
			ln++;
		} else if (lfd == -1) {
			hfds[hn++] = fds[i];
		}
	}

	if (nbad) {
		/* Gone LKL descriptors report POLLNVAL at once. */
		struct timespec zero = { 0, 0 };

		ret = hn ? hijack_host.ppoll(hfds, hn, &zero, NULL) : 0;
	} else if (!hn) {
		ret = hijack_ret(lkl_sys_ppoll(lfds, ln,
					       hijack_lkl_ts(ts, &lts), NULL,
					       sizeof(lkl_sigset_t)));
	} else {
		ret = hijack_bridge_wait(hfds, hn, lfds, ln, ts, mask);
	}
	if (ret < 0)
		goto out;

	ret = 0;
	hn = 0;
	ln = 0;
	for (i = 0; i < n; i++) {
		if (lkl_of[i] >= 0)
			fds[i].revents = lfds[ln++].revents;
		else if (lkl_of[i] == -1)
			fds[i].revents = hfds[hn++].revents;
		else
			fds[i].revents = POLLNVAL;
		ret += !!fds[i].revents;
	}
out:
	free(lkl_of);
	free(lfds);
	free(hfds);
	return ret;
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
	  const sigset_t *mask)
{
	return hijack_poll(fds, n, ts, mask);
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct timespec ts;

	if (timeout < 0)
		return hijack_poll(fds, n, NULL, NULL);
	ts.tv_sec = timeout / 1000;
	ts.tv_nsec = (timeout % 1000) * 1000000L;
	return hijack_poll(fds, n, &ts, NULL);
}

int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return poll(fds, n, timeout);
}

int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		const sigset_t *mask, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return ppoll(fds, n, ts, mask);
}

/* True if any descriptor in the three sets is a placeholder. */
static int hijack_sets_have_lkl(int n, fd_set *r, fd_set *w, fd_set *e)
{
	int fd;

	for (fd = 0; fd < n; fd++)
		if (((r && FD_ISSET(fd, r)) || (w && FD_ISSET(fd, w)) ||
		     (e && FD_ISSET(fd, e))) && hijack_lkl_fd(fd) != -1)
			return 1;
	return 0;
}

/* pselect() through hijack_poll(), for sets that hold LKL descriptors. */
static int hijack_select(int n, fd_set *r, fd_set *w, fd_set *e,
			 const struct timespec *ts, const sigset_t *mask)
{
	struct pollfd fds[FD_SETSIZE];
	int fd, i, cnt = 0, ret;

	for (fd = 0; fd < n; fd++) {
		short ev = 0;

		if (r && FD_ISSET(fd, r))
			ev |= POLLIN;
		if (w && FD_ISSET(fd, w))
			ev |= POLLOUT;
		if (e && FD_ISSET(fd, e))
			ev |= POLLPRI;
		if (!ev)
			continue;
		fds[cnt].fd = fd;
		fds[cnt].events = ev;
		cnt++;
	}
	ret = hijack_poll(fds, cnt, ts, mask);
	if (ret < 0)
		return ret;
	for (i = 0; i < cnt; i++)
		if (fds[i].revents & POLLNVAL) {
			errno = EBADF;
			return -1;
		}
	if (r)
		FD_ZERO(r);
	if (w)
		FD_ZERO(w);
	if (e)
		FD_ZERO(e);
	ret = 0;
	for (i = 0; i < cnt; i++) {
		short rev = fds[i].revents;

		if (r && (fds[i].events & POLLIN) &&
		    (rev & (POLLIN | POLLHUP | POLLERR))) {
			FD_SET(fds[i].fd, r);
			ret++;
		}
		if (w && (fds[i].events & POLLOUT) &&
		    (rev & (POLLOUT | POLLERR))) {
			FD_SET(fds[i].fd, w);
			ret++;
		}
		if (e && (fds[i].events & POLLPRI) && (rev & POLLPRI)) {
			FD_SET(fds[i].fd, e);
			ret++;
		}
	}
	return ret;
}

int pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
	    const sigset_t *mask)
{
	hijack_state();
	if (n > FD_SETSIZE)
		n = FD_SETSIZE;
	if (n < 0 || !hijack_sets_have_lkl(n, r, w, e))
		return hijack_host.pselect(n, r, w, e, ts, mask);
	return hijack_select(n, r, w, e, ts, mask);
}

int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	struct timespec ts, start, now;
	long long left;
	int ret;

	hijack_state();
	if (n > FD_SETSIZE)
		n = FD_SETSIZE;
	if (n < 0 || !hijack_sets_have_lkl(n, r, w, e))
		return hijack_host.select(n, r, w, e, tv);
	if (!tv)
		return hijack_select(n, r, w, e, NULL, NULL);

	ts.tv_sec = tv->tv_sec;
	ts.tv_nsec = tv->tv_usec * 1000L;
	clock_gettime(CLOCK_MONOTONIC, &start);
	ret = hijack_select(n, r, w, e, &ts, NULL);
	/* Like Linux, leave the time not slept in @tv. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	left = (tv->tv_sec * 1000000LL + tv->tv_usec) -
	       ((now.tv_sec - start.tv_sec) * 1000000LL +
		(now.tv_nsec - start.tv_nsec) / 1000);
	if (left < 0)
		left = 0;
	tv->tv_sec = left / 1000000;
	tv->tv_usec = left % 1000000;
	return ret;
}

/**
 * hijack_epoll_forget() - a host descriptor is closed or replaced
 * @fd: its number
 *
 * If it was an epoll instance with an LKL side, that side is closed.
 */
void hijack_epoll_forget(int fd)
{
	int lep;

	if (fd < 0 || fd >= HIJACK_MAX_FDS ||
	    !__atomic_load_n(&hijack_epoll_lkl[fd], __ATOMIC_ACQUIRE))
		return;
	lep = __atomic_exchange_n(&hijack_epoll_lkl[fd], 0, __ATOMIC_ACQ_REL);
	__atomic_store_n(&hijack_epoll_hosts[fd], 0, __ATOMIC_RELEASE);
	if (lep && __atomic_load_n(&hijack_global_state, __ATOMIC_ACQUIRE) ==
	    HIJACK_LKL)
		lkl_sys_close(lep - 1);
}

/* The LKL side of the epoll instance @epfd, made on first use. */
static long hijack_epoll_lkl_side(int epfd)
{
	int cur = __atomic_load_n(&hijack_epoll_lkl[epfd], __ATOMIC_ACQUIRE);
	long lep;

	if (cur)
		return cur - 1;
	lep = lkl_sys_epoll_create1(LKL_O_CLOEXEC);
	if (lep < 0)
		return lep;
	cur = 0;
	if (!__atomic_compare_exchange_n(&hijack_epoll_lkl[epfd], &cur,
					 (int)lep + 1, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		/* Another thread made one first. */
		lkl_sys_close(lep);
		return cur - 1;
	}
	return lep;
}

/* A new host epoll instance has no LKL side yet, whatever came before. */
int epoll_create1(int flags)
{
	int fd;

	hijack_state();
	fd = hijack_host.epoll_create1(flags);

	hijack_epoll_forget(fd);
	return fd;
}

int epoll_create(int size)
{
	int fd;

	hijack_state();
	fd = hijack_host.epoll_create(size);

	hijack_epoll_forget(fd);
	return fd;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	int lfd = hijack_lkl_fd(fd);
	long lep;
	int ret;

	if (lfd < -1 || hijack_lkl_fd(epfd) != -1 || epfd >= HIJACK_MAX_FDS)
		return hijack_ebadf();
	if (lfd >= 0) {
		lep = hijack_epoll_lkl_side(epfd);
		if (lep < 0)
			return hijack_ret(lep);
		return hijack_ret(lkl_sys_epoll_ctl(lep, op, lfd,
						    (struct lkl_epoll_event *)ev));
	}
	ret = hijack_host.epoll_ctl(epfd, op, fd, ev);
	if (ret == 0 && epfd >= 0 && op == EPOLL_CTL_ADD)
		__atomic_add_fetch(&hijack_epoll_hosts[epfd], 1,
				   __ATOMIC_ACQ_REL);
	else if (ret == 0 && epfd >= 0 && op == EPOLL_CTL_DEL &&
		 __atomic_sub_fetch(&hijack_epoll_hosts[epfd], 1,
				    __ATOMIC_ACQ_REL) < 0)
		__atomic_store_n(&hijack_epoll_hosts[epfd], 0,
				 __ATOMIC_RELEASE);
	return ret;
}

static long long hijack_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout,
		const sigset_t *mask)
{
	long long deadline = timeout > 0 ? hijack_now_ms() + timeout : 0;
	struct pollfd hfds[2];
	struct lkl_pollfd lfds[2];
	struct timespec ts;
	long lep, m;
	int n, ret;

	if (epfd < 0 || epfd >= HIJACK_MAX_FDS ||
	    !__atomic_load_n(&hijack_epoll_lkl[epfd], __ATOMIC_ACQUIRE) ||
	    hijack_state() != HIJACK_LKL)
		return hijack_host.epoll_pwait(epfd, ev, max, timeout, mask);
	lep = __atomic_load_n(&hijack_epoll_lkl[epfd], __ATOMIC_ACQUIRE) - 1;
	if (!__atomic_load_n(&hijack_epoll_hosts[epfd], __ATOMIC_ACQUIRE))
		return hijack_ret(lkl_sys_epoll_pwait(lep,
						      (struct lkl_epoll_event *)ev,
						      max, timeout, NULL,
						      sizeof(lkl_sigset_t)));
	if (max <= 0) {
		errno = EINVAL;
		return -1;
	}

	for (;;) {
		hfds[0].fd = epfd;
		hfds[0].events = POLLIN;
		lfds[0].fd = lep;
		lfds[0].events = LKL_POLLIN;
		if (timeout >= 0) {
			long long left = timeout ? deadline - hijack_now_ms() : 0;

			if (left < 0)
				left = 0;
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000L;
		}
		ret = hijack_bridge_wait(hfds, 1, lfds, 1,
					 timeout >= 0 ? &ts : NULL, mask);
		if (ret <= 0)
			return ret;

		n = hijack_host.epoll_wait(epfd, ev, max, 0);
		if (n < 0)
			return n;
		if (n < max) {
			m = lkl_sys_epoll_pwait(lep,
						(struct lkl_epoll_event *)ev + n,
						max - n, 0, NULL,
						sizeof(lkl_sigset_t));
			if (m < 0 && !n)
				return hijack_ret(m);
			if (m > 0)
				n += m;
		}
		errno = hijack_errno;
		if (n > 0 || timeout == 0)
			return n;
		if (timeout > 0 && hijack_now_ms() >= deadline)
			return 0;
	}
}

int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	return epoll_pwait(epfd, ev, max, timeout, NULL);
}
