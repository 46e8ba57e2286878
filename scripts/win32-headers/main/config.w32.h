/*
 * Stand-in for main/config.w32.h, written for scripts/check-windows-build.sh (not a copy of PHP's).
 *
 * A Windows build of PHP generates this header at configure time; Debian's php-dev package has none,
 * yet Zend/zend_config.w32.h includes it. It holds only what PHP's public headers and the binding
 * read on Windows: the type sizes of the target (x64 or x86), the allocator's alignment, ssize_t,
 * the Windows version targeted, the compiler's name, and the few HAVE_* switches that make PHP's
 * headers take a different branch on Windows than without them. The compiler's command line carries
 * PHP_WIN32, ZEND_WIN32 and, in a thread-safe build, ZTS, as in a Windows build of PHP.
 */
#ifndef SMTP_CHECK_CONFIG_W32_H
#define SMTP_CHECK_CONFIG_W32_H

/* Windows 8 or later: the SDK declarations PHP's headers rely on (mingw-w64 sets a default first) */
#undef _WIN32_WINNT
#define _WIN32_WINNT 0x0602

/* LLP64 on x64, ILP32 on x86: long is 4 bytes on both */
#define SIZEOF_INT 4
#define SIZEOF_LONG 4
#define SIZEOF_LONG_LONG 8
#ifdef _WIN64
# define SIZEOF_SIZE_T 8
# define SIZEOF_PTRDIFF_T 8
#else
# define SIZEOF_SIZE_T 4
# define SIZEOF_PTRDIFF_T 4
#endif

/* Zend's allocator: 8-byte units */
#define ZEND_MM_ALIGNMENT ((size_t) 8)
#define ZEND_MM_ALIGNMENT_LOG2 ((size_t) 3)
#define ZEND_MM_NEED_EIGHT_BYTE_REALIGNMENT 0

/* the C library has no ssize_t on Windows: PHP takes the SDK's signed size type */
#define ssize_t SSIZE_T

/* branches of PHP's headers a Windows build of PHP takes: php.h reads the syslog levels of
 * win32/syslog.h, the Windows SDK declares socklen_t, shutdown() is real (not a no-op macro),
 * VCWD_UTIME() exists, and ext/standard keeps its reentrant state */
#define HAVE_SYSLOG_H 1
#define HAVE_SOCKLEN_T 1
#define HAVE_SHUTDOWN 1
#define HAVE_UTIME 1
#define _REENTRANT 1

/* part of the build id (ZEND_MODULE_BUILD_ID) every module entry carries */
#define PHP_COMPILER_ID "VS16"

#endif
