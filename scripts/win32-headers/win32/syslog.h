/*
 * Stand-in for win32/syslog.h of a Windows build of PHP, written for scripts/check-windows-build.sh: it
 * declares only what PHP's public headers (as Debian ships them) and the binding use from that file
 * when PHP_WIN32 is defined. It is not a copy of php-src's header; the real Windows build of the
 * extension compiles against php-src's own headers.
 */
#ifndef SMTP_CHECK_WIN32_SYSLOG_H
#define SMTP_CHECK_WIN32_SYSLOG_H

/* the level main/php.h's php_log_err() passes when HAVE_SYSLOG_H is set, as it is on Windows */
#define LOG_NOTICE 5

#endif
