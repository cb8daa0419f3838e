// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio devices emulated by the host: registers, split virtqueues and
 * interrupts, shared by the device types (block now, network later).
 *
 * The kernel's virtio_mmio driver reaches a device's registers through the
 * iomem_access host operation, with the kernel holding its CPU: the
 * register code below only updates state and never waits for I/O. A
 * QueueNotify wakes the device's worker thread, which takes the available
 * descriptor chains, lets the device type serve them, puts them on the
 * used ring and raises the interrupt. A device type may have a few
 * requests that it serves without waiting (a short frame to a tap) served
 * right away by the notifying thread instead, with no thread to wake.
 *
 * A device type may instead serve a queue from a thread of its own (the
 * network device's receive queue waits for frames, not for the driver):
 * its notify operation takes the driver's notifications, and the thread
 * brackets its work on the rings with lkl_virtio_queue_hold() and
 * lkl_virtio_queue_release(), so that a reset waits for it as for the
 * worker.
 *
 * The driver's VRING_AVAIL_F_NO_INTERRUPT is honoured: a driver that polls
 * the used ring (NAPI does) gets no interrupts meanwhile. The device
 * publishes the used index, then reads the flag; the driver clears the
 * flag, then reads the used index; each side has a full fence between the
 * two, as arch/lkl's mb() is a real fence. VIRTIO_RING_F_EVENT_IDX is not
 * offered and the driver's notifications are never suppressed: one costs
 * a register write, with no exit from a virtual machine to pay for.
 *
 * Threads, mutexes and semaphores are the host's, from the host operations
 * the application booted the kernel with (lkl_ops), so the devices
 * work on any host that implements struct lkl_host_operations.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>
#include <lkl/linux/virtio_config.h>
#include <lkl/linux/virtio_mmio.h>
#include <lkl/linux/virtio_ring.h>

#include "virtio/virtio.h"

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_MMIO_VERSION	2
#define VIRTIO_VENDOR_ID	0x004c4b4c	/* "LKL" */
#define VIRTIO_CONFIG_OFFSET	0x100
#define VIRTIO_QUEUE_NUM_MAX	256

/* Interrupt status bits. */
#define VIRTIO_INT_VRING	LKL_VIRTIO_MMIO_INT_VRING
#define VIRTIO_INT_CONFIG	LKL_VIRTIO_MMIO_INT_CONFIG

#define VIRTIO_MAX_DEVS		64

/*
 * The devices whose register windows iomem_access serves. A slot is
 * claimed and cleared atomically; a device is in its slot from before the
 * kernel knows it until after the kernel's driver has let it go, so the
 * kernel never finds a device that is going away.
 */
static struct lkl_virtio_dev *virtio_devs[VIRTIO_MAX_DEVS];

/* Guest physical addresses are host addresses. */
static inline void *virtio_ptr(uint64_t addr)
{
	return (void *)(uintptr_t)addr;
}

static uint64_t virtio_offered(const struct lkl_virtio_dev *dev)
{
	return dev->features | 1ULL << LKL_VIRTIO_F_VERSION_1 |
	       1ULL << LKL_VIRTIO_RING_F_INDIRECT_DESC;
}

/* Does the driver want an interrupt for queue @qi's completed chains? */
static bool virtio_wants_interrupt(struct lkl_virtio_dev *dev,
				   unsigned int qi)
{
	struct lkl_virtio_queue *q = &dev->queue[qi];
	struct lkl_vring_avail *avail = virtio_ptr(q->avail_addr);

	/* The used index is published; order that before reading the flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(le16toh(__atomic_load_n(&avail->flags, __ATOMIC_RELAXED)) &
		 LKL_VRING_AVAIL_F_NO_INTERRUPT);
}

static void virtio_raise(struct lkl_virtio_dev *dev, uint32_t bits)
{
	__atomic_fetch_or(&dev->int_status, bits, __ATOMIC_SEQ_CST);
	lkl_trigger_irq(dev->irq);
}

/* Wait, with @lock held, until no thread serves a queue. */
static void virtio_quiesce(struct lkl_virtio_dev *dev)
{
	dev->pending = 0;
	while (dev->busy || dev->holders) {
		dev->idle_waiters++;
		lkl_ops->mutex_unlock(dev->lock);
		lkl_ops->sem_down(dev->idle);
		lkl_ops->mutex_lock(dev->lock);
	}
}

/* With @lock held: @pending or @stop changed; wake the worker. */
static void virtio_kick(struct lkl_virtio_dev *dev)
{
	if (!dev->sleeping)
		return;
	dev->sleeping = false;
	lkl_ops->sem_up(dev->kick);
}

/* With @lock held: @busy or @holders went down; wake virtio_quiesce(). */
static void virtio_wake_idle(struct lkl_virtio_dev *dev)
{
	if (dev->busy || dev->holders)
		return;
	for (; dev->idle_waiters; dev->idle_waiters--)
		lkl_ops->sem_up(dev->idle);
}

static void virtio_reset(struct lkl_virtio_dev *dev)
{
	unsigned int i;

	virtio_quiesce(dev);
	dev->status = 0;
	dev->driver_features = 0;
	dev->dev_features_sel = 0;
	dev->drv_features_sel = 0;
	dev->queue_sel = 0;
	__atomic_store_n(&dev->int_status, 0, __ATOMIC_SEQ_CST);
	for (i = 0; i < dev->num_queues; i++) {
		struct lkl_virtio_queue *q = &dev->queue[i];

		q->num = 0;
		q->ready = false;
		q->desc_addr = 0;
		q->avail_addr = 0;
		q->used_addr = 0;
		q->last_avail = 0;
		q->used_idx = 0;
		q->completed = false;
	}
}

/* The selected queue, or NULL if QueueSel is out of range. */
static struct lkl_virtio_queue *virtio_sel_queue(struct lkl_virtio_dev *dev)
{
	if (dev->queue_sel >= dev->num_queues)
		return NULL;
	return &dev->queue[dev->queue_sel];
}

static uint32_t virtio_read_reg(struct lkl_virtio_dev *dev, unsigned int off)
{
	struct lkl_virtio_queue *q = virtio_sel_queue(dev);
	uint64_t features = virtio_offered(dev);

	switch (off) {
	case LKL_VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case LKL_VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION;
	case LKL_VIRTIO_MMIO_DEVICE_ID:
		return dev->device_id;
	case LKL_VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_VENDOR_ID;
	case LKL_VIRTIO_MMIO_DEVICE_FEATURES:
		if (dev->dev_features_sel > 1)
			return 0;
		return (uint32_t)(features >> (32 * dev->dev_features_sel));
	case LKL_VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? q->num_max : 0;
	case LKL_VIRTIO_MMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case LKL_VIRTIO_MMIO_INTERRUPT_STATUS:
		return __atomic_load_n(&dev->int_status, __ATOMIC_SEQ_CST);
	case LKL_VIRTIO_MMIO_STATUS:
		return dev->status;
	case LKL_VIRTIO_MMIO_SHM_LEN_LOW:
	case LKL_VIRTIO_MMIO_SHM_LEN_HIGH:
		/* No shared memory regions. */
		return 0xffffffff;
	case LKL_VIRTIO_MMIO_CONFIG_GENERATION:
		return 0;
	default:
		return 0;
	}
}

static void virtio_set_half(uint64_t *val, int high, uint32_t half)
{
	if (high)
		*val = (*val & 0xffffffffULL) | (uint64_t)half << 32;
	else
		*val = (*val & ~0xffffffffULL) | half;
}

static void virtio_queue_ready(struct lkl_virtio_dev *dev,
			       struct lkl_virtio_queue *q, uint32_t val)
{
	if (!val) {
		virtio_quiesce(dev);
		q->ready = false;
		return;
	}
	/* Split rings need a power of two: the indices wrap at 65536. */
	if (!q->num || q->num > q->num_max || (q->num & (q->num - 1)) ||
	    !q->desc_addr || !q->avail_addr || !q->used_addr)
		return;
	q->last_avail = 0;
	q->used_idx = 0;
	q->completed = false;
	q->ready = true;
}

static void virtio_set_status(struct lkl_virtio_dev *dev, uint32_t val)
{
	uint64_t offered = virtio_offered(dev);

	if (!val) {
		virtio_reset(dev);
		return;
	}
	/* Refuse a feature set we did not offer, or a legacy driver. */
	if ((val & LKL_VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(dev->status & LKL_VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((dev->driver_features & ~offered) ||
	     !(dev->driver_features & 1ULL << LKL_VIRTIO_F_VERSION_1)))
		val &= ~LKL_VIRTIO_CONFIG_S_FEATURES_OK;
	/* NEEDS_RESET is the device's to set. */
	val &= ~LKL_VIRTIO_CONFIG_S_NEEDS_RESET;
	dev->status = val | (dev->status & LKL_VIRTIO_CONFIG_S_NEEDS_RESET);
}

static uint32_t virtio_serve(struct lkl_virtio_dev *dev, uint32_t pending);

/*
 * Serve queue @qi on the notifying thread (see lkl_virtio_dev_ops), with
 * @dev's lock held and the worker idle. The interrupt is only marked: the
 * kernel, which holds its CPU here, runs it when it enables interrupts.
 */
static void virtio_serve_now(struct lkl_virtio_dev *dev, unsigned int qi)
{
	uint32_t raise;

	if (dev->status & LKL_VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	raise = virtio_serve(dev, 1U << qi);
	if (raise & VIRTIO_INT_CONFIG)
		dev->status |= LKL_VIRTIO_CONFIG_S_NEEDS_RESET;
	if (raise)
		virtio_raise(dev, raise);
}

static void virtio_write_reg(struct lkl_virtio_dev *dev, unsigned int off,
			     uint32_t val)
{
	struct lkl_virtio_queue *q = virtio_sel_queue(dev);

	switch (off) {
	case LKL_VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		dev->dev_features_sel = val;
		break;
	case LKL_VIRTIO_MMIO_DRIVER_FEATURES:
		if (dev->drv_features_sel <= 1)
			virtio_set_half(&dev->driver_features,
					dev->drv_features_sel, val);
		break;
	case LKL_VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		dev->drv_features_sel = val;
		break;
	case LKL_VIRTIO_MMIO_QUEUE_SEL:
		dev->queue_sel = val;
		break;
	case LKL_VIRTIO_MMIO_QUEUE_NUM:
		if (q && !q->ready)
			q->num = val;
		break;
	case LKL_VIRTIO_MMIO_QUEUE_READY:
		if (q)
			virtio_queue_ready(dev, q, val);
		break;
	case LKL_VIRTIO_MMIO_QUEUE_NOTIFY:
		val &= 0xffff;
		if (val < dev->num_queues && dev->queue[val].ready) {
			if (dev->ops->notify && dev->ops->notify(dev, val))
				break;
			if (!dev->busy && !dev->pending && dev->ops->serve_now &&
			    dev->ops->serve_now(dev, val)) {
				virtio_serve_now(dev, val);
				break;
			}
			dev->pending |= 1U << val;
			virtio_kick(dev);
		}
		break;
	case LKL_VIRTIO_MMIO_INTERRUPT_ACK:
		__atomic_fetch_and(&dev->int_status, ~val, __ATOMIC_SEQ_CST);
		break;
	case LKL_VIRTIO_MMIO_STATUS:
		virtio_set_status(dev, val);
		break;
	case LKL_VIRTIO_MMIO_QUEUE_DESC_LOW:
	case LKL_VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (q && !q->ready)
			virtio_set_half(&q->desc_addr,
					off == LKL_VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case LKL_VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case LKL_VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		if (q && !q->ready)
			virtio_set_half(&q->avail_addr,
					off == LKL_VIRTIO_MMIO_QUEUE_AVAIL_HIGH, val);
		break;
	case LKL_VIRTIO_MMIO_QUEUE_USED_LOW:
	case LKL_VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (q && !q->ready)
			virtio_set_half(&q->used_addr,
					off == LKL_VIRTIO_MMIO_QUEUE_USED_HIGH, val);
		break;
	default:
		break;
	}
}

/* Serve one register access; called with the device's lock held. */
static void virtio_access(struct lkl_virtio_dev *dev, unsigned int off,
			  void *val, int size, int write)
{
	uint32_t reg;

	if (off >= VIRTIO_CONFIG_OFFSET) {
		/* The configuration space is read-only here. */
		off -= VIRTIO_CONFIG_OFFSET;
		if (write)
			return;
		if (off + size <= dev->config_len)
			memcpy(val, (char *)dev->config + off, size);
		else
			memset(val, 0, size);
		return;
	}

	/* Registers are 32 bits wide and aligned; other accesses do nothing. */
	if (size != 4 || off % 4) {
		if (!write)
			memset(val, 0, size);
		return;
	}
	if (write) {
		memcpy(&reg, val, sizeof(reg));
		virtio_write_reg(dev, off, le32toh(reg));
	} else {
		reg = htole32(virtio_read_reg(dev, off));
		memcpy(val, &reg, sizeof(reg));
	}
}

int lkl_virtio_iomem_access(const void *addr, void *val, int size, int write)
{
	uintptr_t a = (uintptr_t)addr;
	struct lkl_virtio_dev *dev = NULL;
	unsigned int i;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -1;

	for (i = 0; i < VIRTIO_MAX_DEVS; i++) {
		struct lkl_virtio_dev *d;

		d = __atomic_load_n(&virtio_devs[i], __ATOMIC_ACQUIRE);
		if (d && a >= (uintptr_t)d->base &&
		    a + size <= (uintptr_t)d->base + LKL_VIRTIO_MMIO_SIZE) {
			dev = d;
			break;
		}
	}
	if (!dev)
		return -1;

	/*
	 * The device stays registered until its kernel driver is gone, and
	 * only the kernel, which holds its one CPU here, makes these calls.
	 */
	lkl_ops->mutex_lock(dev->lock);
	virtio_access(dev, a - (uintptr_t)dev->base, val, size, write);
	lkl_ops->mutex_unlock(dev->lock);
	return 0;
}

/*
 * Walk the descriptor chain that starts at @head into @req. Returns 0, or
 * -1 for a chain the driver must not make (a loop, a bad index, readable
 * after writable buffers, nested indirect tables).
 */
static int virtio_req_get(struct lkl_virtio_dev *dev, unsigned int qi,
			  uint16_t head, struct lkl_virtio_req *req)
{
	struct lkl_virtio_queue *q = &dev->queue[qi];
	struct lkl_vring_desc *table = virtio_ptr(q->desc_addr);
	unsigned int max = q->num, idx = head, seen = 0, n = 0;
	bool indirect = false;

	req->dev = dev;
	req->q = qi;
	req->head = head;
	req->nout = 0;
	req->nin = 0;

	for (;;) {
		struct lkl_vring_desc *d;
		uint16_t flags;
		uint32_t len;

		if (idx >= max || ++seen > max)
			return -1;
		d = &table[idx];
		flags = le16toh(d->flags);
		len = le32toh(d->len);

		if (flags & LKL_VRING_DESC_F_INDIRECT) {
			if (indirect || !len || len % sizeof(*d))
				return -1;
			indirect = true;
			table = virtio_ptr(le64toh(d->addr));
			max = len / sizeof(*d);
			idx = 0;
			seen = 0;
			continue;
		}

		if (n >= LKL_VIRTIO_MAX_BUFS)
			return -1;
		if (flags & LKL_VRING_DESC_F_WRITE) {
			req->nin++;
		} else {
			if (req->nin)
				return -1;
			req->nout++;
		}
		req->buf[n].iov_base = virtio_ptr(le64toh(d->addr));
		req->buf[n].iov_len = len;
		n++;

		if (!(flags & LKL_VRING_DESC_F_NEXT))
			return 0;
		idx = le16toh(d->next);
	}
}

void lkl_virtio_req_complete(struct lkl_virtio_req *req, uint32_t len)
{
	struct lkl_virtio_queue *q = &req->dev->queue[req->q];
	struct lkl_vring_used *used = virtio_ptr(q->used_addr);
	struct lkl_vring_used_elem *e = &used->ring[q->used_idx % q->num];

	e->id = htole32(req->head);
	e->len = htole32(len);
	q->used_idx++;
	/* The element must be visible before the index that publishes it. */
	__atomic_store_n(&used->idx, htole16(q->used_idx), __ATOMIC_RELEASE);
	q->completed = true;
}

/*
 * How many chains the driver has made available beyond last_avail; -1 if
 * its index is impossible.
 */
static int virtio_avail_count(struct lkl_virtio_queue *q)
{
	struct lkl_vring_avail *avail = virtio_ptr(q->avail_addr);
	uint16_t n;

	n = le16toh(__atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE)) -
	    q->last_avail;
	return n > q->num ? -1 : n;
}

bool lkl_virtio_queue_hold(struct lkl_virtio_dev *dev, unsigned int q)
{
	bool ok;

	lkl_ops->mutex_lock(dev->lock);
	ok = q < dev->num_queues && dev->queue[q].ready &&
	     !(dev->status & LKL_VIRTIO_CONFIG_S_NEEDS_RESET);
	if (ok)
		dev->holders++;
	lkl_ops->mutex_unlock(dev->lock);
	return ok;
}

void lkl_virtio_queue_release(struct lkl_virtio_dev *dev)
{
	lkl_ops->mutex_lock(dev->lock);
	dev->holders--;
	virtio_wake_idle(dev);
	lkl_ops->mutex_unlock(dev->lock);
}

int lkl_virtio_queue_peek(struct lkl_virtio_dev *dev, unsigned int qi,
			  unsigned int pos, struct lkl_virtio_req *req)
{
	struct lkl_virtio_queue *q = &dev->queue[qi];
	struct lkl_vring_avail *avail = virtio_ptr(q->avail_addr);
	int n = virtio_avail_count(q);
	uint16_t head;

	if (n < 0)
		return -EIO;
	if (pos >= (unsigned int)n)
		return -EAGAIN;
	head = le16toh(avail->ring[(uint16_t)(q->last_avail + pos) % q->num]);
	return virtio_req_get(dev, qi, head, req) ? -EIO : 0;
}

void lkl_virtio_queue_take(struct lkl_virtio_dev *dev, unsigned int q,
			   unsigned int n)
{
	dev->queue[q].last_avail += n;
}

void lkl_virtio_queue_interrupt(struct lkl_virtio_dev *dev, unsigned int qi)
{
	struct lkl_virtio_queue *q = &dev->queue[qi];

	if (!q->completed)
		return;
	q->completed = false;
	if (virtio_wants_interrupt(dev, qi))
		virtio_raise(dev, VIRTIO_INT_VRING);
}

void lkl_virtio_queue_broken(struct lkl_virtio_dev *dev)
{
	lkl_ops->mutex_lock(dev->lock);
	dev->status |= LKL_VIRTIO_CONFIG_S_NEEDS_RESET;
	lkl_ops->mutex_unlock(dev->lock);
	virtio_raise(dev, VIRTIO_INT_CONFIG);
}

/*
 * Serve queue @qi until its available ring is empty. Returns true if
 * requests were completed and the driver wants an interrupt for them;
 * sets *@broken if the driver made a chain it must not make.
 */
static bool virtio_serve_queue(struct lkl_virtio_dev *dev, unsigned int qi,
			       bool *broken)
{
	struct lkl_virtio_queue *q = &dev->queue[qi];
	struct lkl_vring_avail *avail = virtio_ptr(q->avail_addr);
	bool completed;
	uint16_t idx;

	if (!q->ready)
		return false;

	for (;;) {
		idx = le16toh(__atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE));
		if (idx == q->last_avail)
			break;
		if ((uint16_t)(idx - q->last_avail) > q->num) {
			*broken = true;
			break;
		}
		while (q->last_avail != idx) {
			uint16_t head = le16toh(avail->ring[q->last_avail % q->num]);

			if (virtio_req_get(dev, qi, head, dev->req)) {
				*broken = true;
				goto out;
			}
			if (dev->ops->enqueue(dev, qi, dev->req) < 0)
				goto out;
			q->last_avail++;
		}
	}
out:
	completed = q->completed;
	q->completed = false;
	return completed && virtio_wants_interrupt(dev, qi);
}

/*
 * Serve the queues in the bitmap @pending. Returns the interrupt bits to
 * raise: VIRTIO_INT_VRING for completed requests the driver wants to hear
 * of, and VIRTIO_INT_CONFIG if it made a chain it must not make, for
 * which the caller sets NEEDS_RESET under the device's lock.
 */
static uint32_t virtio_serve(struct lkl_virtio_dev *dev, uint32_t pending)
{
	uint32_t raise = 0;
	bool broken = false;
	unsigned int i;

	for (i = 0; i < dev->num_queues && !broken; i++) {
		if ((pending & 1U << i) && virtio_serve_queue(dev, i, &broken))
			raise |= VIRTIO_INT_VRING;
	}
	return broken ? raise | VIRTIO_INT_CONFIG : raise;
}

static LKL_KERNEL_ABI void virtio_worker(void *arg)
{
	struct lkl_virtio_dev *dev = arg;
	uint32_t pending, raise;

	lkl_ops->mutex_lock(dev->lock);
	for (;;) {
		while (!dev->pending && !dev->stop) {
			dev->sleeping = true;
			lkl_ops->mutex_unlock(dev->lock);
			lkl_ops->sem_down(dev->kick);
			lkl_ops->mutex_lock(dev->lock);
		}
		if (dev->stop)
			break;
		if (dev->status & LKL_VIRTIO_CONFIG_S_NEEDS_RESET) {
			dev->pending = 0;
			continue;
		}
		pending = dev->pending;
		dev->pending = 0;
		dev->busy = true;
		lkl_ops->mutex_unlock(dev->lock);

		raise = virtio_serve(dev, pending);
		if (raise & VIRTIO_INT_CONFIG) {
			lkl_ops->mutex_lock(dev->lock);
			dev->status |= LKL_VIRTIO_CONFIG_S_NEEDS_RESET;
			lkl_ops->mutex_unlock(dev->lock);
		}
		/*
		 * Still busy, so that a reset waits for this interrupt, but
		 * without the lock: if the CPU is free, the handler runs
		 * right here and reads the registers. It never resets the
		 * device, which only process context does.
		 */
		if (raise)
			virtio_raise(dev, raise);

		lkl_ops->mutex_lock(dev->lock);
		dev->busy = false;
		virtio_wake_idle(dev);
	}
	lkl_ops->mutex_unlock(dev->lock);
}

static int virtio_devs_insert(struct lkl_virtio_dev *dev)
{
	unsigned int i;

	for (i = 0; i < VIRTIO_MAX_DEVS; i++) {
		struct lkl_virtio_dev *none = NULL;

		if (__atomic_compare_exchange_n(&virtio_devs[i], &none, dev,
						false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return 0;
	}
	return -LKL_ENOSPC;
}

static void virtio_devs_delete(struct lkl_virtio_dev *dev)
{
	unsigned int i;

	for (i = 0; i < VIRTIO_MAX_DEVS; i++) {
		if (__atomic_load_n(&virtio_devs[i], __ATOMIC_RELAXED) == dev)
			__atomic_store_n(&virtio_devs[i], NULL, __ATOMIC_RELEASE);
	}
}

/* Start the worker; 0 or a negative LKL errno. */
static int virtio_worker_start(struct lkl_virtio_dev *dev)
{
	dev->worker = lkl_ops->thread_create(virtio_worker, dev);
	return dev->worker ? 0 : -LKL_EAGAIN;
}

static void virtio_worker_stop(struct lkl_virtio_dev *dev)
{
	lkl_ops->mutex_lock(dev->lock);
	dev->stop = true;
	virtio_kick(dev);
	lkl_ops->mutex_unlock(dev->lock);
	lkl_ops->thread_join(dev->worker);
}

static void virtio_dev_free(struct lkl_virtio_dev *dev)
{
	if (dev->idle)
		lkl_ops->sem_free(dev->idle);
	if (dev->kick)
		lkl_ops->sem_free(dev->kick);
	if (dev->lock)
		lkl_ops->mutex_free(dev->lock);
	if (dev->base)
		lkl_ops->mem_free(dev->base);
	free(dev->req);
	dev->idle = NULL;
	dev->kick = NULL;
	dev->lock = NULL;
	dev->req = NULL;
	dev->base = NULL;
}

int lkl_virtio_dev_add(struct lkl_virtio_dev *dev)
{
	__lkl__kernel_long_t params[6] = { 0 };
	unsigned int i;
	long ret;

	if (!dev->ops || !dev->ops->enqueue || !dev->num_queues ||
	    dev->num_queues > LKL_VIRTIO_MAX_QUEUES ||
	    dev->config_len > LKL_VIRTIO_MMIO_SIZE - VIRTIO_CONFIG_OFFSET)
		return -LKL_EINVAL;

	for (i = 0; i < dev->num_queues; i++) {
		unsigned int max = dev->queue[i].num_max;

		if (!max)
			dev->queue[i].num_max = VIRTIO_QUEUE_NUM_MAX;
		else if (max > 32768 || (max & (max - 1)))
			return -LKL_EINVAL;
	}

	dev->pending = 0;
	dev->busy = false;
	dev->holders = 0;
	dev->idle_waiters = 0;
	dev->sleeping = false;
	dev->stop = false;
	dev->req = malloc(sizeof(*dev->req));
	/* Aligned to 4096 bytes, so the window never straddles another. */
	dev->base = lkl_ops->mem_alloc(LKL_VIRTIO_MMIO_SIZE);
	dev->lock = lkl_ops->mutex_alloc(0);
	dev->kick = lkl_ops->sem_alloc(0);
	dev->idle = lkl_ops->sem_alloc(0);
	if (!dev->req || !dev->base || !dev->lock || !dev->kick ||
	    !dev->idle) {
		virtio_dev_free(dev);
		return -LKL_ENOMEM;
	}
	memset(dev->base, 0, LKL_VIRTIO_MMIO_SIZE);
	lkl_ops->mutex_lock(dev->lock);
	virtio_reset(dev);
	lkl_ops->mutex_unlock(dev->lock);

	dev->irq = lkl_get_free_irq("virtio");
	if (dev->irq < 0) {
		ret = dev->irq;
		goto out_free;
	}
	ret = virtio_worker_start(dev);
	if (ret)
		goto out_irq;
	ret = virtio_devs_insert(dev);
	if (ret)
		goto out_worker;

	params[0] = (__lkl__kernel_long_t)(uintptr_t)dev->base;
	params[1] = LKL_VIRTIO_MMIO_SIZE;
	params[2] = dev->irq;
	ret = lkl_syscall(LKL_NR_virtio_mmio_add, params);
	if (ret < 0)
		goto out_delete;
	dev->id = (int)ret;

	/* The driver probes at once; a device it refused is no use. */
	lkl_ops->mutex_lock(dev->lock);
	ret = dev->status & LKL_VIRTIO_CONFIG_S_DRIVER_OK;
	lkl_ops->mutex_unlock(dev->lock);
	if (!ret) {
		lkl_virtio_dev_remove(dev);
		return -LKL_ENODEV;
	}
	return dev->id;

out_delete:
	virtio_devs_delete(dev);
out_worker:
	virtio_worker_stop(dev);
out_irq:
	lkl_put_irq(dev->irq, "virtio");
out_free:
	virtio_dev_free(dev);
	return (int)ret;
}

int lkl_virtio_dev_remove(struct lkl_virtio_dev *dev)
{
	__lkl__kernel_long_t params[6] = { 0 };
	long ret;

	params[0] = (__lkl__kernel_long_t)(uintptr_t)dev->base;
	ret = lkl_syscall(LKL_NR_virtio_mmio_remove, params);
	if (ret < 0)
		return (int)ret;

	virtio_worker_stop(dev);
	virtio_devs_delete(dev);
	lkl_put_irq(dev->irq, "virtio");
	virtio_dev_free(dev);
	return 0;
}
