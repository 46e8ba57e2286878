/*
 * Stand-in for win32/ipc.h of a Windows build of PHP, written for scripts/check-windows-build.sh: it
 * declares only what PHP's public headers (as Debian ships them) and the binding use from that file
 * when PHP_WIN32 is defined. It is not a copy of php-src's header; the real Windows build of the
 * extension compiles against php-src's own headers.
 */
#ifndef SMTP_CHECK_WIN32_IPC_H
#define SMTP_CHECK_WIN32_IPC_H

/* the System V IPC key TSRM's shared memory emulation (tsrm_win32.h) takes */
typedef int key_t;

#endif
