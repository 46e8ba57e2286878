/*
 * smtp_transport.h - PHP streams as the core needs them (smtp_transport.c): open a TCP stream, read and
 * write with a deadline, start TLS on it, tell whether an idle stream has something to say (the server
 * closed it, or sent a 421), close it. Knows streams only: the connection that holds a stream is
 * smtp_connection.h's. Warnings of the stream layer are caught and become error text, never printed.
 */
#ifndef SMTP_TRANSPORT_H
#define SMTP_TRANSPORT_H

#include "php.h"
#include "protocol/smtp_core.h"

/* Whether PHP can do TLS (the "ssl" stream transport is registered: ext/openssl is loaded). */
bool smtp_tls_available(void);

/* "host:port", an IPv6 literal in brackets (the caller releases it). */
zend_string *smtp_stream_target(zend_string *host, zend_long port);
/* A TCP stream to host:port (persistent under persistent_id when not NULL), with the stream context
 * options of context (an array of wrapper => options, or UNDEF). On failure throws ConnectionException and
 * returns NULL. */
php_stream *smtp_stream_connect(zend_string *host, zend_long port, double timeout, const zval *context,
	const char *persistent_id);
/* Start TLS on the stream within timeout_ms. 0 on success; an I/O code (SMTP_IO_ERROR) with *dropped set
 * when the connection closed or stalled (connect_timeout bounds the handshake); any other non-zero for a
 * TLS verdict. err gets the reason; host names the peer in it. */
int smtp_stream_start_tls(php_stream *stream, int timeout_ms, double connect_timeout, const char *host,
	bool *dropped, char *err, size_t errlen);
/* The core's read and write (smtp_core.h's contract) on a stream. */
long smtp_stream_read(php_stream *stream, char *buf, size_t cap, int timeout_ms);
int smtp_stream_write(php_stream *stream, const char *buf, size_t len, int timeout_ms);
/* A monotonic clock in milliseconds. */
int64_t smtp_stream_now_ms(void);
/* Whether the server sent something (or closed) since the last reply: an idle connection it ended. */
bool smtp_stream_idle_input(php_stream *stream);
/* The size of a stream that is a regular file (php://memory and php://temp count), or -1: what reading it
 * from the start will give. */
int64_t smtp_stream_file_size(php_stream *stream);
/* Close a stream, persistent or not (a persistent one also leaves the persistent list). */
void smtp_stream_close(php_stream *stream);

#endif /* SMTP_TRANSPORT_H */
