/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host operations as the device model uses them (internal header).
 *
 * The device model makes its threads, semaphores and mutexes with the
 * host operations that the application passed to lkl_start_kernel(), and
 * with nothing else, so that it serves any host that implements struct
 * lkl_host_operations. The kernel keeps that pointer in lkl_ops, set
 * before lkl_start_kernel() returns; a device is only ever added to a
 * running kernel, so the pointer is set whenever the device model runs.
 */
#ifndef _LKL_LIB_VIRTIO_HOST_H
#define _LKL_LIB_VIRTIO_HOST_H

#include <lkl/asm/host_ops.h>

#pragma GCC visibility push(hidden)

/* Defined by the kernel (lkl.o). */
extern const struct lkl_host_operations *lkl_ops;

static inline struct lkl_mutex *lkl_dev_mutex_alloc(void)
{
	return lkl_ops->mutex_alloc(0);
}

static inline void lkl_dev_mutex_free(struct lkl_mutex *mutex)
{
	lkl_ops->mutex_free(mutex);
}

static inline void lkl_dev_lock(struct lkl_mutex *mutex)
{
	lkl_ops->mutex_lock(mutex);
}

static inline void lkl_dev_unlock(struct lkl_mutex *mutex)
{
	lkl_ops->mutex_unlock(mutex);
}

static inline struct lkl_sem *lkl_dev_sem_alloc(int count)
{
	return lkl_ops->sem_alloc(count);
}

static inline void lkl_dev_sem_free(struct lkl_sem *sem)
{
	lkl_ops->sem_free(sem);
}

static inline void lkl_dev_sem_up(struct lkl_sem *sem)
{
	lkl_ops->sem_up(sem);
}

static inline void lkl_dev_sem_down(struct lkl_sem *sem)
{
	lkl_ops->sem_down(sem);
}

/* A joinable host thread with all host signals blocked; 0 on failure. */
static inline lkl_thread_t lkl_dev_thread_start(void (*fn)(void *), void *arg)
{
	return lkl_ops->thread_create(fn, arg);
}

static inline void lkl_dev_thread_join(lkl_thread_t thread)
{
	lkl_ops->thread_join(thread);
}

/* Memory aligned to at least 4096 bytes, as the mem_alloc operation gives. */
static inline void *lkl_dev_mem_alloc(unsigned long size)
{
	return lkl_ops->mem_alloc(size);
}

static inline void lkl_dev_mem_free(void *addr)
{
	lkl_ops->mem_free(addr);
}

#pragma GCC visibility pop

#endif /* _LKL_LIB_VIRTIO_HOST_H */
