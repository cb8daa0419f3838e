// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio devices that the host emulates. virtio_mmio.device= on the
 * command line can only describe devices before boot, so the host adds and
 * removes them here, through LKL's own system calls, while the kernel runs.
 * Linux's virtio_mmio driver binds to them unchanged.
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/ioport.h>
#include <linux/irq.h>
#include <linux/platform_device.h>
#include "lkl.h"

/**
 * lkl_virtio_mmio_add() - register a virtio-mmio device
 * @base: the address of its registers, as the host's iomem_access() sees it
 * @size: the size of the register window
 * @irq: its interrupt, from lkl_get_free_irq()
 *
 * The virtio_mmio driver probes it at once, and the virtio driver for its
 * device ID then binds to it.
 *
 * Return: the platform device id (>= 0), or a negative errno.
 */
long lkl_virtio_mmio_add(unsigned long base, unsigned long size, int irq)
{
	struct resource res[] = {
		DEFINE_RES_MEM(base, size),
		DEFINE_RES_IRQ(irq),
	};
	struct platform_device *pdev;

	if (!size || irq <= 0 || irq >= NR_IRQS)
		return -EINVAL;

	pdev = platform_device_register_simple("virtio-mmio", PLATFORM_DEVID_AUTO,
					       res, ARRAY_SIZE(res));
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	return pdev->id;
}

static int lkl_virtio_mmio_match(struct device *dev, const void *data)
{
	struct platform_device *pdev = to_platform_device(dev);
	struct resource *res;

	if (strcmp(pdev->name, "virtio-mmio"))
		return 0;
	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	return res && res->start == *(const unsigned long *)data;
}

/**
 * lkl_virtio_mmio_remove() - unregister a device from lkl_virtio_mmio_add()
 * @base: the address it was added with
 *
 * Its driver is unbound first, so the device has no requests in flight
 * when this returns.
 *
 * Return: 0, or -ENODEV if no device has that address.
 */
long lkl_virtio_mmio_remove(unsigned long base)
{
	struct device *dev;

	dev = bus_find_device(&platform_bus_type, NULL, &base,
			      lkl_virtio_mmio_match);
	if (!dev)
		return -ENODEV;
	platform_device_unregister(to_platform_device(dev));
	put_device(dev);
	return 0;
}
