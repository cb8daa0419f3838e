// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS real-time clock (an MC146818 at ports 0x70/0x71, which QEMU's
 * microvm has unless rtc=off): read once at boot, so that the wall clock
 * does not start at the epoch. QEMU keeps it in UTC by default
 * (-rtc base=utc).
 */
#include "uk.h"

#define RTC_INDEX		0x70
#define RTC_DATA		0x71
#define RTC_NMI_OFF		0x80	/* keep NMIs off while a register is selected */

#define RTC_SECONDS		0x00
#define RTC_MINUTES		0x02
#define RTC_HOURS		0x04
#define RTC_DAY			0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_STATUS_A		0x0a
#define RTC_STATUS_B		0x0b
#define RTC_CENTURY		0x32	/* where PC firmware and QEMU keep it */

#define RTC_A_UIP		0x80	/* an update is in progress */
#define RTC_B_24H		0x02
#define RTC_B_BINARY		0x04
#define RTC_HOUR_PM		0x80

/* Give up on a clock whose update never ends: about 10 ms of port reads. */
#define RTC_UIP_TRIES		10000

struct uk_rtc_time {
	uint8_t sec, min, hour, day, mon, year, century;
};

static uint8_t rtc_reg(uint8_t reg)
{
	uk_outb(RTC_INDEX, RTC_NMI_OFF | reg);
	return uk_inb(RTC_DATA);
}

/* Reads every field once no update is in progress; false if none ends. */
static bool rtc_snapshot(struct uk_rtc_time *t)
{
	int i;

	for (i = 0; i < RTC_UIP_TRIES; i++)
		if (!(rtc_reg(RTC_STATUS_A) & RTC_A_UIP))
			break;
	if (i == RTC_UIP_TRIES)
		return false;
	t->sec = rtc_reg(RTC_SECONDS);
	t->min = rtc_reg(RTC_MINUTES);
	t->hour = rtc_reg(RTC_HOURS);
	t->day = rtc_reg(RTC_DAY);
	t->mon = rtc_reg(RTC_MONTH);
	t->year = rtc_reg(RTC_YEAR);
	t->century = rtc_reg(RTC_CENTURY);
	return true;
}

static unsigned int bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 15);
}

/* Days from 1970-01-01 to the given date of the proleptic Gregorian calendar. */
static int64_t days_since_epoch(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era, doy, yoe, doe;

	/* Count years from March, so that February's leap day comes last. */
	if (m <= 2)
		y--;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t uk_rtc_read(void)
{
	struct uk_rtc_time a, b;
	unsigned int sec, min, hour, day, mon, year, century;
	uint8_t status_b;
	bool pm;
	int i;

	/*
	 * An update may start between the check of UIP and the last read:
	 * take two snapshots in a row that agree.
	 */
	if (!rtc_snapshot(&a))
		return -1;
	for (i = 0; i < 5; i++) {
		if (!rtc_snapshot(&b))
			return -1;
		if (!memcmp(&a, &b, sizeof(a)))
			break;
		a = b;
	}
	if (i == 5)
		return -1;

	status_b = rtc_reg(RTC_STATUS_B);
	/* With no RTC, the bus reads all ones. */
	if (status_b == 0xff)
		return -1;
	pm = a.hour & RTC_HOUR_PM;
	a.hour &= ~RTC_HOUR_PM;
	if (status_b & RTC_B_BINARY) {
		sec = a.sec;
		min = a.min;
		hour = a.hour;
		day = a.day;
		mon = a.mon;
		year = a.year;
		century = a.century;
	} else {
		sec = bcd(a.sec);
		min = bcd(a.min);
		hour = bcd(a.hour);
		day = bcd(a.day);
		mon = bcd(a.mon);
		year = bcd(a.year);
		century = bcd(a.century);
	}
	/* 12-hour mode: 12 AM is hour 0, 12 PM is hour 12. */
	if (!(status_b & RTC_B_24H)) {
		if (hour == 12)
			hour = 0;
		if (pm)
			hour += 12;
	}
	/* A century register that makes no sense: 1970 to 2069. */
	if (century < 19 || century > 99)
		century = year < 70 ? 20 : 19;
	if (sec > 59 || min > 59 || hour > 23 || !day || day > 31 || !mon || mon > 12 ||
	    year > 99)
		return -1;
	return days_since_epoch(century * 100 + year, mon, day) * 86400 +
	       hour * 3600 + min * 60 + sec;
}
