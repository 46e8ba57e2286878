/*
 * Stand-in for win32/ioutil.h of a Windows build of PHP, written for scripts/check-windows-build.sh: it
 * declares only what PHP's public headers (as Debian ships them) and the binding use from that file
 * when PHP_WIN32 is defined. It is not a copy of php-src's header; the real Windows build of the
 * extension compiles against php-src's own headers.
 */
#ifndef SMTP_CHECK_WIN32_IOUTIL_H
#define SMTP_CHECK_WIN32_IOUTIL_H

#include <stdint.h>
#include <time.h>

/* the longest path PHP's Windows file layer handles (MAXPATHLEN on Windows) */
#define PHP_WIN32_IOUTIL_MAXPATHLEN 2048

/* what PHP's Windows stat() fills: zend_stat_t, so php_stream_statbuf, is this type. The usual stat
 * fields, so that code reading one compiles; the layout is not PHP's (the check links nothing). */
typedef struct {
	unsigned long st_dev;
	uint64_t st_ino;
	unsigned short st_mode;
	short st_nlink;
	short st_uid;
	short st_gid;
	unsigned long st_rdev;
	int64_t st_size;
	time_t st_atime;
	time_t st_mtime;
	time_t st_ctime;
} php_win32_ioutil_stat_t;

#endif
