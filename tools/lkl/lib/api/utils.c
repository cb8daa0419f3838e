// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for LKL applications: errno strings, printing, and looking up
 * network interfaces by name.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Indexed by the LKL_E* values, not the host's: the two only happen to
 * agree on Linux hosts. The aliases LKL_EWOULDBLOCK and LKL_EDEADLOCK share
 * the entries of LKL_EAGAIN and LKL_EDEADLK.
 */
static const char * const lkl_errors[] = {
	[0]			= "Success",
	[LKL_EPERM]		= "Operation not permitted",
	[LKL_ENOENT]		= "No such file or directory",
	[LKL_ESRCH]		= "No such process",
	[LKL_EINTR]		= "Interrupted system call",
	[LKL_EIO]		= "Input/output error",
	[LKL_ENXIO]		= "No such device or address",
	[LKL_E2BIG]		= "Argument list too long",
	[LKL_ENOEXEC]		= "Exec format error",
	[LKL_EBADF]		= "Bad file descriptor",
	[LKL_ECHILD]		= "No child processes",
	[LKL_EAGAIN]		= "Resource temporarily unavailable",
	[LKL_ENOMEM]		= "Cannot allocate memory",
	[LKL_EACCES]		= "Permission denied",
	[LKL_EFAULT]		= "Bad address",
	[LKL_ENOTBLK]		= "Block device required",
	[LKL_EBUSY]		= "Device or resource busy",
	[LKL_EEXIST]		= "File exists",
	[LKL_EXDEV]		= "Invalid cross-device link",
	[LKL_ENODEV]		= "No such device",
	[LKL_ENOTDIR]		= "Not a directory",
	[LKL_EISDIR]		= "Is a directory",
	[LKL_EINVAL]		= "Invalid argument",
	[LKL_ENFILE]		= "Too many open files in system",
	[LKL_EMFILE]		= "Too many open files",
	[LKL_ENOTTY]		= "Inappropriate ioctl for device",
	[LKL_ETXTBSY]		= "Text file busy",
	[LKL_EFBIG]		= "File too large",
	[LKL_ENOSPC]		= "No space left on device",
	[LKL_ESPIPE]		= "Illegal seek",
	[LKL_EROFS]		= "Read-only file system",
	[LKL_EMLINK]		= "Too many links",
	[LKL_EPIPE]		= "Broken pipe",
	[LKL_EDOM]		= "Numerical argument out of domain",
	[LKL_ERANGE]		= "Numerical result out of range",
	[LKL_EDEADLK]		= "Resource deadlock avoided",
	[LKL_ENAMETOOLONG]	= "File name too long",
	[LKL_ENOLCK]		= "No locks available",
	[LKL_ENOSYS]		= "Function not implemented",
	[LKL_ENOTEMPTY]		= "Directory not empty",
	[LKL_ELOOP]		= "Too many levels of symbolic links",
	[LKL_ENOMSG]		= "No message of desired type",
	[LKL_EIDRM]		= "Identifier removed",
	[LKL_ECHRNG]		= "Channel number out of range",
	[LKL_EL2NSYNC]		= "Level 2 not synchronized",
	[LKL_EL3HLT]		= "Level 3 halted",
	[LKL_EL3RST]		= "Level 3 reset",
	[LKL_ELNRNG]		= "Link number out of range",
	[LKL_EUNATCH]		= "Protocol driver not attached",
	[LKL_ENOCSI]		= "No CSI structure available",
	[LKL_EL2HLT]		= "Level 2 halted",
	[LKL_EBADE]		= "Invalid exchange",
	[LKL_EBADR]		= "Invalid request descriptor",
	[LKL_EXFULL]		= "Exchange full",
	[LKL_ENOANO]		= "No anode",
	[LKL_EBADRQC]		= "Invalid request code",
	[LKL_EBADSLT]		= "Invalid slot",
	[LKL_EBFONT]		= "Bad font file format",
	[LKL_ENOSTR]		= "Device not a stream",
	[LKL_ENODATA]		= "No data available",
	[LKL_ETIME]		= "Timer expired",
	[LKL_ENOSR]		= "Out of streams resources",
	[LKL_ENONET]		= "Machine is not on the network",
	[LKL_ENOPKG]		= "Package not installed",
	[LKL_EREMOTE]		= "Object is remote",
	[LKL_ENOLINK]		= "Link has been severed",
	[LKL_EADV]		= "Advertise error",
	[LKL_ESRMNT]		= "Srmount error",
	[LKL_ECOMM]		= "Communication error on send",
	[LKL_EPROTO]		= "Protocol error",
	[LKL_EMULTIHOP]		= "Multihop attempted",
	[LKL_EDOTDOT]		= "RFS specific error",
	[LKL_EBADMSG]		= "Bad message",
	[LKL_EOVERFLOW]		= "Value too large for defined data type",
	[LKL_ENOTUNIQ]		= "Name not unique on network",
	[LKL_EBADFD]		= "File descriptor in bad state",
	[LKL_EREMCHG]		= "Remote address changed",
	[LKL_ELIBACC]		= "Can not access a needed shared library",
	[LKL_ELIBBAD]		= "Accessing a corrupted shared library",
	[LKL_ELIBSCN]		= ".lib section in a.out corrupted",
	[LKL_ELIBMAX]		= "Attempting to link in too many shared libraries",
	[LKL_ELIBEXEC]		= "Cannot exec a shared library directly",
	[LKL_EILSEQ]		= "Invalid or incomplete multibyte or wide character",
	[LKL_ERESTART]		= "Interrupted system call should be restarted",
	[LKL_ESTRPIPE]		= "Streams pipe error",
	[LKL_EUSERS]		= "Too many users",
	[LKL_ENOTSOCK]		= "Socket operation on non-socket",
	[LKL_EDESTADDRREQ]	= "Destination address required",
	[LKL_EMSGSIZE]		= "Message too long",
	[LKL_EPROTOTYPE]	= "Protocol wrong type for socket",
	[LKL_ENOPROTOOPT]	= "Protocol not available",
	[LKL_EPROTONOSUPPORT]	= "Protocol not supported",
	[LKL_ESOCKTNOSUPPORT]	= "Socket type not supported",
	[LKL_EOPNOTSUPP]	= "Operation not supported",
	[LKL_EPFNOSUPPORT]	= "Protocol family not supported",
	[LKL_EAFNOSUPPORT]	= "Address family not supported by protocol",
	[LKL_EADDRINUSE]	= "Address already in use",
	[LKL_EADDRNOTAVAIL]	= "Cannot assign requested address",
	[LKL_ENETDOWN]		= "Network is down",
	[LKL_ENETUNREACH]	= "Network is unreachable",
	[LKL_ENETRESET]		= "Network dropped connection on reset",
	[LKL_ECONNABORTED]	= "Software caused connection abort",
	[LKL_ECONNRESET]	= "Connection reset by peer",
	[LKL_ENOBUFS]		= "No buffer space available",
	[LKL_EISCONN]		= "Transport endpoint is already connected",
	[LKL_ENOTCONN]		= "Transport endpoint is not connected",
	[LKL_ESHUTDOWN]		= "Cannot send after transport endpoint shutdown",
	[LKL_ETOOMANYREFS]	= "Too many references: cannot splice",
	[LKL_ETIMEDOUT]		= "Connection timed out",
	[LKL_ECONNREFUSED]	= "Connection refused",
	[LKL_EHOSTDOWN]		= "Host is down",
	[LKL_EHOSTUNREACH]	= "No route to host",
	[LKL_EALREADY]		= "Operation already in progress",
	[LKL_EINPROGRESS]	= "Operation now in progress",
	[LKL_ESTALE]		= "Stale file handle",
	[LKL_EUCLEAN]		= "Structure needs cleaning",
	[LKL_ENOTNAM]		= "Not a XENIX named type file",
	[LKL_ENAVAIL]		= "No XENIX semaphores available",
	[LKL_EISNAM]		= "Is a named type file",
	[LKL_EREMOTEIO]		= "Remote I/O error",
	[LKL_EDQUOT]		= "Disk quota exceeded",
	[LKL_ENOMEDIUM]		= "No medium found",
	[LKL_EMEDIUMTYPE]	= "Wrong medium type",
	[LKL_ECANCELED]		= "Operation canceled",
	[LKL_ENOKEY]		= "Required key not available",
	[LKL_EKEYEXPIRED]	= "Key has expired",
	[LKL_EKEYREVOKED]	= "Key has been revoked",
	[LKL_EKEYREJECTED]	= "Key was rejected by service",
	[LKL_EOWNERDEAD]	= "Owner died",
	[LKL_ENOTRECOVERABLE]	= "State not recoverable",
	[LKL_ERFKILL]		= "Operation not possible due to RF-kill",
	[LKL_EHWPOISON]		= "Memory page has hardware error",
};

const char *lkl_strerror(int err)
{
	unsigned int n = err < 0 ? -(unsigned int)err : (unsigned int)err;

	if (n >= ARRAY_SIZE(lkl_errors) || !lkl_errors[n])
		return "Unknown error";
	return lkl_errors[n];
}

void lkl_perror(const char *msg, int err)
{
	if (msg && *msg)
		lkl_printf("%s: %s\n", msg, lkl_strerror(err));
	else
		lkl_printf("%s\n", lkl_strerror(err));
}

int lkl_printf(const char *fmt, ...)
{
	char small[256], *buf = small;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (len < 0)
		return len;

	if ((size_t)len >= sizeof(small)) {
		buf = malloc((size_t)len + 1);
		if (!buf)
			return -1;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}

	if (lkl_host_ops.print)
		lkl_host_ops.print(buf, len);
	else
		fwrite(buf, 1, (size_t)len, stderr);

	if (buf != small)
		free(buf);
	return len;
}

/* Run one interface ioctl on a throwaway LKL socket. */
static int lkl_ifreq_ioctl(unsigned int cmd, struct lkl_ifreq *ifr)
{
	long sock, ret;

	sock = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM | LKL_SOCK_CLOEXEC, 0);
	if (sock < 0)
		return (int)sock;
	ret = lkl_sys_ioctl((unsigned int)sock, cmd, (uintptr_t)ifr);
	lkl_sys_close((unsigned int)sock);
	return (int)ret;
}

int lkl_ifname_to_ifindex(const char *name)
{
	size_t len = strlen(name);
	struct lkl_ifreq ifr;
	int ret;

	if (len >= LKL_IFNAMSIZ)
		return -LKL_ENAMETOOLONG;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.lkl_ifr_name, name, len);
	ret = lkl_ifreq_ioctl(LKL_SIOCGIFINDEX, &ifr);
	return ret < 0 ? ret : ifr.lkl_ifr_ifindex;
}
