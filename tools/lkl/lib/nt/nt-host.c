// SPDX-License-Identifier: GPL-2.0
/*
 * The LKL host operations for Windows NT (x86_64), on the Win32 API.
 *
 * Built with mingw-w64 only (tools/lkl/Makefile.nt); the POSIX build never
 * sees this folder. Like the POSIX host it uses the host's C library and
 * the installed host interface header only. Where struct
 * lkl_host_operations leaves a choice:
 *
 * - Every operation, and every kernel callback it stores, has
 *   LKL_KERNEL_ABI: the kernel is the Linux build's lkl.o, which calls
 *   and is called with the System V convention (nt-host.rst).
 * - lkl_thread_t is the Win32 thread ID. The handle of a thread made here
 *   is kept, so that the ID is not reused, until thread_join() or
 *   thread_detach() closes it.
 * - Thread stacks are committed up front (NT_THREAD_STACK): the kernel is
 *   built for Linux and does not probe its stack pages.
 * - Semaphores are a count and a condition variable, with no maximum
 *   short of LLONG_MAX.
 * - TLS keys are fiber-local storage slots, whose callback runs on the
 *   exiting thread, so that the thread's LKL task ends with it.
 * - Jump buffers use GCC's __builtin_setjmp(), which restores the stack
 *   and frame pointers and jumps, instead of the C library's longjmp(),
 *   which unwinds with SEH through frames the Linux-built kernel describes
 *   no unwind data for. The kernel only ever jumps up its own stack.
 * - Each timer has one host thread that sleeps on a high-resolution
 *   waitable timer, where the host has them, and busy-waits the last
 *   few microseconds of short waits.
 * - There are no fibers: the idle task gets a host thread of its own.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <lkl_host.h>

#include "nt/nt.h"

/* Committed stack size of the threads made here. */
#define NT_THREAD_STACK		(2048UL * 1024)

/* Timer waits shorter than this are busy-waited rather than slept. */
#define NT_TIMER_SPIN_NS	10000ULL

#define NSEC_PER_SEC		1000000000ULL

/* 100 ns units from 1601-01-01 to 1970-01-01. */
#define NT_EPOCH_DELTA		116444736000000000ULL

#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION	0x00000002
#endif

_Static_assert(5 * sizeof(void *) <= sizeof(struct lkl_jmp_buf),
	       "struct lkl_jmp_buf is too small for __builtin_setjmp()");
_Static_assert(sizeof(struct lkl_jmp_buf) == 48 * 8,
	       "the lkl_ headers were not rewritten for LLP64");
_Static_assert(sizeof(DWORD) <= sizeof(lkl_thread_t),
	       "lkl_thread_t cannot hold a thread ID");

static LKL_KERNEL_ABI void nt_print(const char *str, int len)
{
	HANDLE out = GetStdHandle(STD_ERROR_HANDLE);
	DWORD done;

	while (len > 0) {
		if (!WriteFile(out, str, len, &done, NULL))
			return;
		str += done;
		len -= done;
	}
}

static LKL_KERNEL_ABI void nt_panic(const char *msg)
{
	fprintf(stderr, "lkl: kernel panic: %s\n", msg);
	fflush(stderr);
	/* No DLL detach: other threads may hold the C library's locks. */
	TerminateProcess(GetCurrentProcess(), 134);
	for (;;)
		Sleep(INFINITE);
}

/*
 * Semaphores: a count under an SRW lock, with a condition variable to
 * wait on. Both stay in the process (wine builds them on futexes), where
 * a kernel semaphore would cost a round trip to the host kernel, or to
 * wineserver, on every up and down; and the count has no maximum short
 * of LLONG_MAX.
 */

struct lkl_sem {
	SRWLOCK lock;
	CONDITION_VARIABLE cond;
	long long count;
};

static LKL_KERNEL_ABI struct lkl_sem *nt_sem_alloc(int count)
{
	struct lkl_sem *sem;

	if (count < 0)
		return NULL;
	sem = malloc(sizeof(*sem));
	if (!sem)
		return NULL;
	InitializeSRWLock(&sem->lock);
	InitializeConditionVariable(&sem->cond);
	sem->count = count;
	return sem;
}

static LKL_KERNEL_ABI void nt_sem_free(struct lkl_sem *sem)
{
	free(sem);
}

static LKL_KERNEL_ABI void nt_sem_up(struct lkl_sem *sem)
{
	AcquireSRWLockExclusive(&sem->lock);
	sem->count++;
	ReleaseSRWLockExclusive(&sem->lock);
	WakeConditionVariable(&sem->cond);
}

static LKL_KERNEL_ABI void nt_sem_down(struct lkl_sem *sem)
{
	AcquireSRWLockExclusive(&sem->lock);
	while (!sem->count)
		SleepConditionVariableSRW(&sem->cond, &sem->lock, INFINITE, 0);
	sem->count--;
	ReleaseSRWLockExclusive(&sem->lock);
}

/* Mutexes: an SRW lock, or a critical section when recursive. */

struct lkl_mutex {
	bool recursive;
	SRWLOCK srw;
	CRITICAL_SECTION cs;
};

static LKL_KERNEL_ABI struct lkl_mutex *nt_mutex_alloc(int recursive)
{
	struct lkl_mutex *mutex = calloc(1, sizeof(*mutex));

	if (!mutex)
		return NULL;
	mutex->recursive = recursive;
	if (recursive)
		InitializeCriticalSection(&mutex->cs);
	else
		InitializeSRWLock(&mutex->srw);
	return mutex;
}

static LKL_KERNEL_ABI void nt_mutex_free(struct lkl_mutex *mutex)
{
	if (mutex->recursive)
		DeleteCriticalSection(&mutex->cs);
	free(mutex);
}

static LKL_KERNEL_ABI void nt_mutex_lock(struct lkl_mutex *mutex)
{
	if (mutex->recursive)
		EnterCriticalSection(&mutex->cs);
	else
		AcquireSRWLockExclusive(&mutex->srw);
}

static LKL_KERNEL_ABI void nt_mutex_unlock(struct lkl_mutex *mutex)
{
	if (mutex->recursive)
		LeaveCriticalSection(&mutex->cs);
	else
		ReleaseSRWLockExclusive(&mutex->srw);
}

/* Threads */

/**
 * struct nt_thread - a thread made by nt_thread_start() and not yet
 * joined or detached
 * @next: the next in nt_threads
 * @id: its thread ID, the lkl_thread_t
 * @handle: its handle, which keeps @id from being reused
 */
struct nt_thread {
	struct nt_thread *next;
	DWORD id;
	HANDLE handle;
};

static SRWLOCK nt_threads_lock = SRWLOCK_INIT;
static struct nt_thread *nt_threads;

struct nt_thread_start {
	LKL_KERNEL_ABI void (*fn)(void *arg);
	void *arg;
};

static DWORD WINAPI nt_thread_trampoline(void *data)
{
	struct nt_thread_start start = *(struct nt_thread_start *)data;

	free(data);
	start.fn(start.arg);
	return 0;
}

/* Start a thread; its handle is kept in nt_threads. 0 on failure. */
static DWORD nt_thread_start(LKL_KERNEL_ABI void (*fn)(void *), void *arg)
{
	struct nt_thread_start *start;
	struct nt_thread *thread;

	start = malloc(sizeof(*start));
	thread = malloc(sizeof(*thread));
	if (!start || !thread)
		goto out_free;
	start->fn = fn;
	start->arg = arg;

	/* Held across CreateThread(): the new thread may detach at once. */
	AcquireSRWLockExclusive(&nt_threads_lock);
	thread->handle = CreateThread(NULL, NT_THREAD_STACK, nt_thread_trampoline,
				      start, 0, &thread->id);
	if (!thread->handle) {
		ReleaseSRWLockExclusive(&nt_threads_lock);
		goto out_free;
	}
	thread->next = nt_threads;
	nt_threads = thread;
	ReleaseSRWLockExclusive(&nt_threads_lock);
	return thread->id;

out_free:
	free(thread);
	free(start);
	return 0;
}

/* Take the entry of thread @id out of nt_threads; NULL if not there. */
static struct nt_thread *nt_thread_take(DWORD id)
{
	struct nt_thread **pos, *thread = NULL;

	AcquireSRWLockExclusive(&nt_threads_lock);
	for (pos = &nt_threads; *pos; pos = &(*pos)->next) {
		if ((*pos)->id == id) {
			thread = *pos;
			*pos = thread->next;
			break;
		}
	}
	ReleaseSRWLockExclusive(&nt_threads_lock);
	return thread;
}

static LKL_KERNEL_ABI lkl_thread_t nt_thread_create(void (LKL_KERNEL_ABI *fn)(void *), void *arg)
{
	return nt_thread_start(fn, arg);
}

static LKL_KERNEL_ABI void nt_thread_detach(void)
{
	struct nt_thread *thread = nt_thread_take(GetCurrentThreadId());

	if (thread) {
		CloseHandle(thread->handle);
		free(thread);
	}
}

static LKL_KERNEL_ABI void nt_thread_exit(void)
{
	ExitThread(0);
}

static LKL_KERNEL_ABI int nt_thread_join(lkl_thread_t tid)
{
	struct nt_thread *thread = nt_thread_take((DWORD)tid);
	DWORD ret;

	if (!thread)
		return -1;
	ret = WaitForSingleObject(thread->handle, INFINITE);
	CloseHandle(thread->handle);
	free(thread);
	return ret == WAIT_OBJECT_0 ? 0 : -1;
}

static LKL_KERNEL_ABI lkl_thread_t nt_thread_self(void)
{
	return GetCurrentThreadId();
}

static LKL_KERNEL_ABI int nt_cpu_count(void)
{
	DWORD_PTR proc, sys;

	if (!GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys))
		return 0;
	return __builtin_popcountll(proc);
}

/*
 * Thread-local storage. FlsFree() runs the callback on every value still
 * set, where pthread_key_delete() runs no destructor: the slot holds a
 * box that says whether the key is being freed, so that only a thread's
 * exit runs the destructor.
 */
struct lkl_tls_key {
	DWORD slot;
	LKL_KERNEL_ABI void (*destructor)(void *data);
	bool dead;
};

struct nt_tls_box {
	struct lkl_tls_key *key;
	void *data;
};

static void WINAPI nt_tls_callback(void *p)
{
	struct nt_tls_box *box = p;
	void *data;

	if (!box)
		return;
	data = box->data;
	if (!box->key->dead && data && box->key->destructor) {
		/* As POSIX does: the value is cleared before the call. */
		box->data = NULL;
		box->key->destructor(data);
	}
	free(box);
}

static LKL_KERNEL_ABI struct lkl_tls_key *nt_tls_alloc(void (LKL_KERNEL_ABI *destructor)(void *))
{
	struct lkl_tls_key *key = calloc(1, sizeof(*key));

	if (!key)
		return NULL;
	key->destructor = destructor;
	key->slot = FlsAlloc(nt_tls_callback);
	if (key->slot == FLS_OUT_OF_INDEXES) {
		free(key);
		return NULL;
	}
	return key;
}

static LKL_KERNEL_ABI void nt_tls_free(struct lkl_tls_key *key)
{
	key->dead = true;
	FlsFree(key->slot);
	free(key);
}

static LKL_KERNEL_ABI int nt_tls_set(struct lkl_tls_key *key, void *data)
{
	struct nt_tls_box *box = FlsGetValue(key->slot);

	if (!box) {
		if (!data)
			return 0;
		box = malloc(sizeof(*box));
		if (!box)
			return -1;
		box->key = key;
		if (!FlsSetValue(key->slot, box)) {
			free(box);
			return -1;
		}
	}
	box->data = data;
	return 0;
}

static LKL_KERNEL_ABI void *nt_tls_get(struct lkl_tls_key *key)
{
	struct nt_tls_box *box = FlsGetValue(key->slot);

	return box ? box->data : NULL;
}

/* Memory: the kernel asks for a few large blocks only (the pool). */

static LKL_KERNEL_ABI void *nt_mem_alloc(unsigned long long size)
{
	return VirtualAlloc(NULL, size ? size : 1, MEM_RESERVE | MEM_COMMIT,
			    PAGE_READWRITE);
}

static LKL_KERNEL_ABI void nt_mem_free(void *addr)
{
	if (addr)
		VirtualFree(addr, 0, MEM_RELEASE);
}

/* Clocks */

static unsigned long long nt_qpc_freq;

/**
 * lkl_nt_time() - the monotonic clock, from QueryPerformanceCounter()
 *
 * Return: nanoseconds since an arbitrary point.
 */
unsigned long long lkl_nt_time(void)
{
	LARGE_INTEGER count;
	unsigned long long c, f = __atomic_load_n(&nt_qpc_freq, __ATOMIC_RELAXED);

	if (!f) {
		LARGE_INTEGER freq;

		QueryPerformanceFrequency(&freq);
		f = freq.QuadPart;
		__atomic_store_n(&nt_qpc_freq, f, __ATOMIC_RELAXED);
	}
	QueryPerformanceCounter(&count);
	c = count.QuadPart;
	/* Split, so that c * 10^9 cannot overflow. */
	return c / f * NSEC_PER_SEC + c % f * NSEC_PER_SEC / f;
}

static LKL_KERNEL_ABI unsigned long long nt_realtime(void)
{
	FILETIME ft;
	unsigned long long t;

	GetSystemTimePreciseAsFileTime(&ft);
	t = (unsigned long long)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
	return (t - NT_EPOCH_DELTA) * 100;
}

/* Timers */

/**
 * struct lkl_timer - a one-shot timer with a host thread of its own
 * @lock: guards @deadline, @armed, @stop and @self_free
 * @wake: auto-reset event: the state changed, @thread must look again
 * @wtimer: the waitable timer @thread sleeps on
 * @thread: the timer thread's ID
 * @handle: the timer thread's handle
 * @fn: the callback
 * @arg: the callback's argument
 * @deadline: when to fire, in monotonic nanoseconds, while @armed
 * @seq: bumped by every change, for a busy-waiting @thread
 * @armed: the callback is due at @deadline
 * @stop: @thread must end
 * @self_free: @thread frees the timer as it ends
 */
struct lkl_timer {
	SRWLOCK lock;
	HANDLE wake;
	HANDLE wtimer;
	DWORD thread;
	HANDLE handle;
	LKL_KERNEL_ABI void (*fn)(void *arg);
	void *arg;
	unsigned long long deadline;
	unsigned long seq;
	bool armed;
	bool stop;
	bool self_free;
};

static void nt_timer_destroy(struct lkl_timer *timer)
{
	CloseHandle(timer->wtimer);
	CloseHandle(timer->wake);
	free(timer);
}

/* Called with @lock held; read without it by a busy-wait. */
static void nt_timer_changed(struct lkl_timer *timer)
{
	__atomic_store_n(&timer->seq, timer->seq + 1, __ATOMIC_RELEASE);
	SetEvent(timer->wake);
}

/* Wait until @deadline or a change; called with @lock, returns without. */
static void nt_timer_wait(struct lkl_timer *timer, unsigned long long now)
{
	unsigned long long deadline = timer->deadline;
	unsigned long seq = timer->seq;
	HANDLE handles[2] = { timer->wake, timer->wtimer };
	LARGE_INTEGER due;

	ReleaseSRWLockExclusive(&timer->lock);
	if (deadline - now > NT_TIMER_SPIN_NS) {
		/* Relative, in 100 ns units: the host's monotonic time base. */
		due.QuadPart = -(long long)((deadline - now - NT_TIMER_SPIN_NS) / 100);
		if (!due.QuadPart)
			due.QuadPart = -1;
		if (SetWaitableTimer(timer->wtimer, &due, 0, NULL, NULL, FALSE))
			WaitForMultipleObjects(2, handles, FALSE, INFINITE);
		else
			WaitForSingleObject(timer->wake, 1);
		if (__atomic_load_n(&timer->seq, __ATOMIC_ACQUIRE) != seq)
			return;
	}
	while (lkl_nt_time() < deadline &&
	       __atomic_load_n(&timer->seq, __ATOMIC_ACQUIRE) == seq)
		YieldProcessor();
}

static LKL_KERNEL_ABI void nt_timer_thread(void *data)
{
	struct lkl_timer *timer = data;
	bool self_free;

	AcquireSRWLockExclusive(&timer->lock);
	while (!timer->stop) {
		unsigned long long now;

		if (!timer->armed) {
			ReleaseSRWLockExclusive(&timer->lock);
			WaitForSingleObject(timer->wake, INFINITE);
			AcquireSRWLockExclusive(&timer->lock);
			continue;
		}
		now = lkl_nt_time();
		if (now < timer->deadline) {
			nt_timer_wait(timer, now);
			AcquireSRWLockExclusive(&timer->lock);
			continue;
		}
		timer->armed = false;
		ReleaseSRWLockExclusive(&timer->lock);
		timer->fn(timer->arg);
		AcquireSRWLockExclusive(&timer->lock);
	}
	self_free = timer->self_free;
	ReleaseSRWLockExclusive(&timer->lock);

	if (self_free) {
		nt_timer_destroy(timer);
		nt_thread_detach();
	}
}

/**
 * lkl_nt_waitable_timer() - make the waitable timer a timer thread uses
 *
 * A high-resolution one where the host has them (Windows 10 1803 and
 * later), else an ordinary one.
 *
 * Return: the handle, or NULL.
 */
HANDLE lkl_nt_waitable_timer(void)
{
	HANDLE t;

	t = CreateWaitableTimerExW(NULL, NULL, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION,
				   TIMER_ALL_ACCESS);
	if (!t)
		t = CreateWaitableTimerExW(NULL, NULL, 0, TIMER_ALL_ACCESS);
	return t;
}

static LKL_KERNEL_ABI struct lkl_timer *nt_timer_alloc(void (LKL_KERNEL_ABI *fn)(void *), void *arg)
{
	struct lkl_timer *timer = calloc(1, sizeof(*timer));

	if (!timer)
		return NULL;
	InitializeSRWLock(&timer->lock);
	timer->fn = fn;
	timer->arg = arg;
	timer->wake = CreateEventW(NULL, FALSE, FALSE, NULL);
	if (!timer->wake)
		goto out_free;
	timer->wtimer = lkl_nt_waitable_timer();
	if (!timer->wtimer)
		goto out_event;
	timer->thread = nt_thread_start(nt_timer_thread, timer);
	if (!timer->thread)
		goto out_wtimer;
	return timer;

out_wtimer:
	CloseHandle(timer->wtimer);
out_event:
	CloseHandle(timer->wake);
out_free:
	free(timer);
	return NULL;
}

static LKL_KERNEL_ABI int nt_timer_set_oneshot(struct lkl_timer *timer, unsigned long long ns)
{
	AcquireSRWLockExclusive(&timer->lock);
	timer->deadline = ns;
	timer->armed = true;
	nt_timer_changed(timer);
	ReleaseSRWLockExclusive(&timer->lock);
	return 0;
}

static LKL_KERNEL_ABI void nt_timer_cancel(struct lkl_timer *timer)
{
	AcquireSRWLockExclusive(&timer->lock);
	timer->armed = false;
	nt_timer_changed(timer);
	ReleaseSRWLockExclusive(&timer->lock);
}

static LKL_KERNEL_ABI void nt_timer_free(struct lkl_timer *timer)
{
	bool self = GetCurrentThreadId() == timer->thread;
	DWORD thread = timer->thread;

	AcquireSRWLockExclusive(&timer->lock);
	timer->armed = false;
	timer->stop = true;
	timer->self_free = self;
	nt_timer_changed(timer);
	ReleaseSRWLockExclusive(&timer->lock);

	/* Called from the callback: the thread frees the timer as it ends. */
	if (self)
		return;
	nt_thread_join(thread);
	nt_timer_destroy(timer);
}

/* Jump buffers; see the top of this file. */

static LKL_KERNEL_ABI void nt_jmp_buf_set(struct lkl_jmp_buf *jmpb,
					  void (LKL_KERNEL_ABI *f)(void))
{
	if (!__builtin_setjmp((void **)jmpb))
		f();
}

static LKL_KERNEL_ABI void nt_jmp_buf_longjmp(struct lkl_jmp_buf *jmpb, int val)
{
	/* __builtin_longjmp() takes 1 only; the kernel passes nothing else. */
	(void)val;
	__builtin_longjmp((void **)jmpb, 1);
}

static LKL_KERNEL_ABI unsigned long long nt_time(void)
{
	return lkl_nt_time();
}

struct lkl_host_operations lkl_host_ops = {
	.print			= nt_print,
	.panic			= nt_panic,
	.sem_alloc		= nt_sem_alloc,
	.sem_free		= nt_sem_free,
	.sem_up			= nt_sem_up,
	.sem_down		= nt_sem_down,
	.mutex_alloc		= nt_mutex_alloc,
	.mutex_free		= nt_mutex_free,
	.mutex_lock		= nt_mutex_lock,
	.mutex_unlock		= nt_mutex_unlock,
	.thread_create		= nt_thread_create,
	.thread_detach		= nt_thread_detach,
	.thread_exit		= nt_thread_exit,
	.thread_join		= nt_thread_join,
	.thread_self		= nt_thread_self,
	.cpu_count		= nt_cpu_count,
	.tls_alloc		= nt_tls_alloc,
	.tls_free		= nt_tls_free,
	.tls_set		= nt_tls_set,
	.tls_get		= nt_tls_get,
	.mem_alloc		= nt_mem_alloc,
	.mem_free		= nt_mem_free,
	.time			= nt_time,
	.realtime		= nt_realtime,
	.timer_alloc		= nt_timer_alloc,
	.timer_set_oneshot	= nt_timer_set_oneshot,
	.timer_cancel		= nt_timer_cancel,
	.timer_free		= nt_timer_free,
	.iomem_access		= lkl_nt_iomem_access,
	.jmp_buf_set		= nt_jmp_buf_set,
	.jmp_buf_longjmp	= nt_jmp_buf_longjmp,
};
