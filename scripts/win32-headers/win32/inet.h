/*
 * Stand-in for win32/inet.h of a Windows build of PHP, written for scripts/check-windows-build.sh: it
 * declares only what PHP's public headers (as Debian ships them) and the binding use from that file
 * when PHP_WIN32 is defined. It is not a copy of php-src's header; the real Windows build of the
 * extension compiles against php-src's own headers.
 */
#ifndef SMTP_CHECK_WIN32_INET_H
#define SMTP_CHECK_WIN32_INET_H

/* main/php_network.h includes this header on Windows, but what it then uses (SOCKET, INVALID_SOCKET,
 * WSAGetLastError(), WSAEWOULDBLOCK) comes from <winsock2.h>, which Zend/zend_config.w32.h has
 * included already: nothing more is needed here. */

#endif
