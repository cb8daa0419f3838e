/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio device layer of the host library (internal header).
 *
 * A device type (virtio_blk.c, later the network device) embeds a struct
 * lkl_virtio_dev, fills in the fields marked "device type" and calls
 * lkl_virtio_dev_add(). The layer then emulates the virtio-mmio registers
 * (version 2, virtio 1.x) that the kernel's virtio_mmio driver reads and
 * writes through the iomem_access host operation, walks the split
 * virtqueues, and hands every descriptor chain to the device type's
 * enqueue operation on a host thread of the device's own, so that the
 * kernel never waits for host I/O.
 */
#ifndef _LKL_LIB_VIRTIO_H
#define _LKL_LIB_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <lkl/asm/host_ops.h>

/*
 * The kernel's calling convention, which the callbacks given to lkl_ops
 * have: on the NT host the headers define it (nt-host.rst), elsewhere it
 * is the host's own.
 */
#ifndef LKL_KERNEL_ABI
#define LKL_KERNEL_ABI
#endif

#pragma GCC visibility push(hidden)

/* The size of each device's register window. */
#define LKL_VIRTIO_MMIO_SIZE	0x200

/* The most queues a device can have, and the most buffers in one chain. */
#define LKL_VIRTIO_MAX_QUEUES	8
#define LKL_VIRTIO_MAX_BUFS	1024

struct lkl_virtio_dev;

/**
 * struct lkl_virtio_req - one descriptor chain taken from a virtqueue
 * @dev: the device
 * @q: the queue index
 * @head: the index of the chain's first descriptor, for the used ring
 * @nout: the number of device-readable buffers, @buf[0] to @buf[@nout - 1]
 * @nin: the number of device-writable buffers, which follow them in @buf
 * @buf: the buffers, in chain order; their addresses are host pointers
 *
 * The layer fills it in and passes it to the enqueue operation; it is
 * valid only during that call.
 */
struct lkl_virtio_req {
	struct lkl_virtio_dev *dev;
	unsigned int q;
	uint16_t head;
	unsigned int nout;
	unsigned int nin;
	struct iovec buf[LKL_VIRTIO_MAX_BUFS];
};

/**
 * struct lkl_virtio_dev_ops - what a device type does
 * @enqueue: serve the request @req taken from queue @q. Called on the
 *	device's worker thread, one request at a time, never with a lock of
 *	the layer held (but see @serve_now). It may block on host I/O. It
 *	completes the request with lkl_virtio_req_complete() before it
 *	returns, and returns 0; a negative value leaves the request in the
 *	queue, and the queue is not looked at again until the driver's next
 *	notification.
 * @notify: optional. Called when the driver notifies queue @q, with the
 *	device's lock held and the kernel's CPU taken, so it must not block.
 *	If it returns true, the device type serves that queue itself, from a
 *	thread of its own (see lkl_virtio_queue_hold()), and the worker
 *	leaves it alone.
 * @serve_now: optional. Called like @notify, when the worker is idle.
 *	If it returns true, the notifying thread serves queue @q at once,
 *	calling @enqueue itself, with the device's lock and the kernel's CPU
 *	held: the device type says so only for a few requests that it serves
 *	without waiting. This saves a host thread wakeup per request, which
 *	is most of the latency of a small network packet.
 */
struct lkl_virtio_dev_ops {
	int (*enqueue)(struct lkl_virtio_dev *dev, int q,
		       struct lkl_virtio_req *req);
	bool (*notify)(struct lkl_virtio_dev *dev, int q);
	bool (*serve_now)(struct lkl_virtio_dev *dev, int q);
};

/**
 * struct lkl_virtio_queue - the device side of one split virtqueue
 * @num_max: the largest size the driver may choose (device type)
 * @num: the size the driver chose
 * @ready: the driver has set QueueReady
 * @desc_addr: the descriptor table's address, as written by the driver
 * @avail_addr: the available (driver) ring's address
 * @used_addr: the used (device) ring's address
 * @last_avail: the next available ring entry the device will take
 * @used_idx: the device's copy of the used ring index
 * @completed: requests were completed since the last interrupt
 */
struct lkl_virtio_queue {
	unsigned int num_max;
	unsigned int num;
	bool ready;
	uint64_t desc_addr;
	uint64_t avail_addr;
	uint64_t used_addr;
	uint16_t last_avail;
	uint16_t used_idx;
	bool completed;
};

/**
 * struct lkl_virtio_dev - a virtio-mmio device emulated by the host
 * @device_id: the virtio device ID, VIRTIO_ID_* (device type)
 * @features: the feature bits the device offers (device type);
 *	VIRTIO_F_VERSION_1 and VIRTIO_RING_F_INDIRECT_DESC are added
 * @config: the device-specific configuration space, little endian
 *	(device type)
 * @config_len: its size in bytes, at most LKL_VIRTIO_MMIO_SIZE - 0x100
 *	(device type)
 * @num_queues: the number of virtqueues (device type)
 * @queue: the virtqueues; num_max is set by the device type, 0 meaning 256
 * @ops: the device type's operations (device type)
 * @base: the register window, a host allocation that the kernel uses as
 *	the device's physical address
 * @irq: the device's interrupt
 * @id: the platform device id the kernel gave it
 * @lock: guards the register state below and the worker's state
 * @kick: a semaphore that wakes @worker when @pending or @stop changed
 * @sleeping: @worker waits on @kick; the one who clears it ups @kick
 * @idle: a semaphore that wakes the @idle_waiters threads waiting for
 *	@busy and @holders to become zero
 * @idle_waiters: how many threads wait on @idle
 * @worker: the thread that serves the queues
 * @pending: a bitmap of queues notified and not served yet
 * @busy: @worker is serving queues without @lock
 * @holders: device-type threads serving queues without @lock
 * @stop: @worker must end
 * @status: the device status register
 * @int_status: the interrupt status register, read and changed atomically
 * @driver_features: the features the driver accepted
 * @dev_features_sel: the DeviceFeaturesSel register
 * @drv_features_sel: the DriverFeaturesSel register
 * @queue_sel: the QueueSel register
 * @req: the request being served, kept here for its size
 */
struct lkl_virtio_dev {
	uint32_t device_id;
	uint64_t features;
	void *config;
	unsigned int config_len;
	unsigned int num_queues;
	struct lkl_virtio_queue queue[LKL_VIRTIO_MAX_QUEUES];
	const struct lkl_virtio_dev_ops *ops;

	void *base;
	int irq;
	int id;

	struct lkl_mutex *lock;
	struct lkl_sem *kick;
	bool sleeping;
	struct lkl_sem *idle;
	unsigned int idle_waiters;
	lkl_thread_t worker;
	uint32_t pending;
	bool busy;
	unsigned int holders;
	bool stop;

	uint32_t status;
	uint32_t int_status;
	uint64_t driver_features;
	uint32_t dev_features_sel;
	uint32_t drv_features_sel;
	uint32_t queue_sel;

	struct lkl_virtio_req *req;
};

/**
 * lkl_virtio_dev_add() - make a device and register it with the kernel
 * @dev: the device, with the device type's fields filled in
 *
 * The kernel's virtio_mmio driver probes the device, and the virtio driver
 * for @dev->device_id binds to it, before this returns. The kernel must be
 * running.
 *
 * Return: the platform device id (>= 0), or a negative LKL errno.
 */
int lkl_virtio_dev_add(struct lkl_virtio_dev *dev);

/**
 * lkl_virtio_dev_remove() - unregister a device from lkl_virtio_dev_add()
 * @dev: the device
 *
 * The kernel's driver is unbound first, then the worker thread ends and
 * the device's host resources are released. @dev itself is the caller's.
 *
 * Return: 0, or a negative LKL errno from the kernel.
 */
int lkl_virtio_dev_remove(struct lkl_virtio_dev *dev);

/**
 * lkl_virtio_req_complete() - give a request back to the driver
 * @req: the request passed to the enqueue operation
 * @len: the number of bytes written to the device-writable buffers
 *
 * Puts the chain on the used ring. The interrupt is raised once the worker
 * has served the queue's available requests.
 */
void lkl_virtio_req_complete(struct lkl_virtio_req *req, uint32_t len);

/**
 * lkl_virtio_queue_hold() - start serving a queue from a device-type thread
 * @dev: the device
 * @q: the queue
 *
 * For queues whose notify operation returned true. Between this and
 * lkl_virtio_queue_release(), a reset of the device waits, so the queue's
 * rings stay valid; do not wait for anything that needs the kernel there.
 *
 * Return: true if the queue is ready and the device is not broken; false
 * otherwise, and then nothing is held.
 */
bool lkl_virtio_queue_hold(struct lkl_virtio_dev *dev, unsigned int q);

/**
 * lkl_virtio_queue_release() - end what lkl_virtio_queue_hold() started
 * @dev: the device
 */
void lkl_virtio_queue_release(struct lkl_virtio_dev *dev);

/**
 * lkl_virtio_queue_peek() - look at an available chain without taking it
 * @dev: the device, with queue @q held
 * @q: the queue
 * @pos: which chain: 0 is the next one the device would take
 * @req: receives the chain
 *
 * Return: 0; -EAGAIN if the driver has made fewer than @pos + 1 chains
 * available; -EIO if the chain is malformed (the device then needs a
 * reset, see lkl_virtio_queue_broken()).
 */
int lkl_virtio_queue_peek(struct lkl_virtio_dev *dev, unsigned int q,
			  unsigned int pos, struct lkl_virtio_req *req);

/**
 * lkl_virtio_queue_take() - take the next @n available chains
 * @dev: the device, with queue @q held
 * @q: the queue
 * @n: how many chains, all seen with lkl_virtio_queue_peek(); complete
 *	each with lkl_virtio_req_complete()
 */
void lkl_virtio_queue_take(struct lkl_virtio_dev *dev, unsigned int q,
			   unsigned int n);

/**
 * lkl_virtio_queue_interrupt() - raise the interrupt for completed chains
 * @dev: the device, with queue @q held
 * @q: the queue
 *
 * Does nothing if no chain was completed since the last interrupt, or if
 * the driver asked for no interrupts (it then polls the used ring).
 */
void lkl_virtio_queue_interrupt(struct lkl_virtio_dev *dev, unsigned int q);

/**
 * lkl_virtio_queue_broken() - mark a device that made a malformed chain
 * @dev: the device, with a queue held
 *
 * Sets DEVICE_NEEDS_RESET and raises the configuration interrupt.
 */
void lkl_virtio_queue_broken(struct lkl_virtio_dev *dev);

/**
 * lkl_virtio_iomem_access() - the iomem_access host operation
 * @addr: an address in the register window of a device
 * @val: the value to write, or where to store the value read
 * @size: the access size, 1, 2, 4 or 8 bytes
 * @write: non-zero for a write
 *
 * Return: 0, or -1 if no device has a register window at @addr.
 */
int lkl_virtio_iomem_access(const void *addr, void *val, int size, int write);

#pragma GCC visibility pop

#endif /* _LKL_LIB_VIRTIO_H */
