// SPDX-License-Identifier: GPL-2.0
/*
 * bench-server-calls: the two figures of make bench-server, for one way
 * of running: a plain host program, or the same program under the
 * hijack, in-process or as a client of lkl-server (the script
 * scripts/lkl-bench-server.sh runs it all three ways).
 *
 * - null call: fcntl(F_GETFL) on a TCP socket, which the hijack sends to
 *   LKL; the median of ROUNDS batches of 1000 calls, per call.
 * - 1-byte round trip: a thread echoes one byte back over a loopback TCP
 *   connection (TCP_NODELAY); the median of ROUNDS batches of 200 round
 *   trips, per round trip.
 *
 * Prints "null_ns N" and "rtt_ns N". Not run by make test.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS		21
#define NULL_BATCH	1000
#define RTT_BATCH	200

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void *echo_main(void *arg)
{
	int fd = *(int *)arg;
	char c;

	while (read(fd, &c, 1) == 1)
		if (write(fd, &c, 1) != 1)
			break;
	return NULL;
}

static int die(const char *what)
{
	perror(what);
	exit(1);
}

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	double t[ROUNDS];
	int l, c, a, one = 1, i, r;
	pthread_t th;
	char b = 'x';

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(l, 1) || getsockname(l, (struct sockaddr *)&sa, &len))
		die("listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	a = accept(l, NULL, NULL);
	if (a < 0)
		die("accept");
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		for (i = 0; i < NULL_BATCH; i++)
			if (fcntl(c, F_GETFL) < 0)
				die("fcntl");
		t[r] = (now_ns() - t0) / NULL_BATCH;
	}
	printf("null_ns %.0f\n", median(t, ROUNDS));

	if (pthread_create(&th, NULL, echo_main, &a))
		die("pthread_create");
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		for (i = 0; i < RTT_BATCH; i++)
			if (write(c, &b, 1) != 1 || read(c, &b, 1) != 1)
				die("round trip");
		t[r] = (now_ns() - t0) / RTT_BATCH;
	}
	printf("rtt_ns %.0f\n", median(t, ROUNDS));
	shutdown(c, SHUT_RDWR);
	pthread_join(th, NULL);
	return 0;
}
