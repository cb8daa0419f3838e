// SPDX-License-Identifier: GPL-2.0
/*
 * bench-bbr-link: the middlebox of bench-bbr.sh, a lossy, delaying,
 * rate-limited link in user space.
 *
 *   bench-bbr-link IN OUT DELAY_MS LOSS_PERCENT RATE_MBIT LIMIT
 *
 * It bridges every Ethernet frame between the interfaces IN and OUT with
 * two AF_PACKET sockets. Frames from IN to OUT go through the link: each is
 * lost with probability LOSS_PERCENT, else queued (tail drop at LIMIT frames
 * in the link, the queue and the delay line together), sent out at
 * RATE_MBIT behind the frames before it and DELAY_MS after it arrived, as
 * netem's "delay DELAY_MS loss LOSS_PERCENT rate RATE_MBIT limit LIMIT"
 * does. Frames from OUT to IN pass at once.
 *
 * It exists because the host kernel that bench-bbr.sh runs on may have no
 * sch_netem; the script uses netem when it can. The two interfaces need
 * no address, and their peers must not send frames larger than the MTU
 * (no TSO or GSO on them), nor leave checksums to offloads. On SIGINT or
 * SIGTERM it prints one line of counters to stderr and exits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

#define FRAME_MAX	2048
#define BATCH		64

struct frame {
	unsigned long long due;		/* CLOCK_MONOTONIC ns when it leaves */
	unsigned int len;
	unsigned char data[FRAME_MAX];
};

struct link_stats {
	unsigned long long in, lost, dropped, oversize, sent, send_err, back;
};

static int stop;

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* xorshift64*: a fixed seed, so that every run loses the same frames. */
static unsigned long long rnd_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

static int open_if(const char *name)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int one = 1, buf = 16 << 20, fd;

	sll.sll_ifindex = if_nametoindex(name);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "bench-bbr-link: %s: %s\n", name, strerror(errno));
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "bench-bbr-link: %s: %s\n", name, strerror(errno));
		return -1;
	}
	/* Our own transmissions must not come back as input. */
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)))
		fprintf(stderr, "bench-bbr-link: PACKET_IGNORE_OUTGOING: %s\n",
			strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	return fd;
}

/* One frame as it arrives, or -1 when there is none; @frame gets it. */
static long recv_frame(int fd, unsigned char *frame)
{
	struct sockaddr_ll from;
	socklen_t fromlen = sizeof(from);
	long n;

	for (;;) {
		n = recvfrom(fd, frame, FRAME_MAX, MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			return -1;
		if (from.sll_pkttype != PACKET_OUTGOING)
			return n;
	}
}

int main(int argc, char **argv)
{
	unsigned long long delay, ns_per_byte_x1k, loss_below, last_due = 0, now;
	unsigned int limit, head = 0, count = 0, i;
	struct link_stats st = { 0 };
	unsigned char back[FRAME_MAX];
	struct pollfd pfd[2];
	struct frame *ring;
	double rate_mbit;
	long n;

	if (argc != 7) {
		fprintf(stderr, "usage: bench-bbr-link IN OUT DELAY_MS %s\n",
			"LOSS_PERCENT RATE_MBIT LIMIT");
		return 2;
	}
	delay = strtoull(argv[3], NULL, 0) * 1000000ULL;
	loss_below = (unsigned long long)(atof(argv[4]) / 100.0 *
					  (double)UINT64_MAX);
	rate_mbit = atof(argv[5]);
	limit = strtoul(argv[6], NULL, 0);
	if (rate_mbit <= 0 || !limit) {
		fprintf(stderr, "bench-bbr-link: bad rate or limit\n");
		return 2;
	}
	/* picoseconds per byte: 8e6 / rate in Mbit/s */
	ns_per_byte_x1k = (unsigned long long)(8e6 / rate_mbit);

	ring = calloc(limit + 1, sizeof(*ring));
	if (!ring) {
		perror("bench-bbr-link");
		return 1;
	}
	pfd[0].fd = open_if(argv[1]);
	pfd[1].fd = open_if(argv[2]);
	if (pfd[0].fd < 0 || pfd[1].fd < 0)
		return 1;
	pfd[0].events = POLLIN;
	pfd[1].events = POLLIN;

	/* Wake on time: the host's default 50 us slack would add jitter. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		struct timespec ts, *tsp = NULL;

		now = now_ns();
		while (count && ring[head].due <= now) {
			if (send(pfd[1].fd, ring[head].data, ring[head].len, 0) < 0)
				st.send_err++;
			else
				st.sent++;
			head = (head + 1) % (limit + 1);
			count--;
		}
		if (count) {
			unsigned long long wait = ring[head].due - now;

			ts.tv_sec = wait / 1000000000ULL;
			ts.tv_nsec = wait % 1000000000ULL;
			tsp = &ts;
		}
		if (ppoll(pfd, 2, tsp, NULL) < 0 && errno != EINTR)
			break;

		for (i = 0; i < BATCH; i++) {
			unsigned int tail = (head + count) % (limit + 1);
			struct frame *f = &ring[tail];
			unsigned long long t;

			n = recv_frame(pfd[0].fd, f->data);
			if (n < 0)
				break;
			st.in++;
			if (n > FRAME_MAX) {
				st.oversize++;
				continue;
			}
			if (rnd() < loss_below) {
				st.lost++;
				continue;
			}
			if (count == limit) {
				st.dropped++;
				continue;
			}
			/* As netem: serialised after the frame before it. */
			t = now_ns() + delay;
			if (count && last_due > t)
				t = last_due;
			t += (unsigned long long)n * ns_per_byte_x1k / 1000;
			f->due = t;
			last_due = t;
			f->len = n;
			count++;
		}
		for (i = 0; i < BATCH; i++) {
			n = recv_frame(pfd[1].fd, back);
			if (n < 0)
				break;
			if (n <= FRAME_MAX && send(pfd[0].fd, back, n, 0) >= 0)
				st.back++;
		}
	}
	fprintf(stderr, "bench-bbr-link: in %llu lost %llu dropped %llu oversize %llu",
		st.in, st.lost, st.dropped, st.oversize);
	fprintf(stderr, " sent %llu send-errors %llu back %llu\n", st.sent,
		st.send_err, st.back);
	return 0;
}
