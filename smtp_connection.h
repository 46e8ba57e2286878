/*
 * smtp_connection.h - one connection to a server (smtp_connection.c): the stream, our reference to its
 * resource, the core session on it, the core's transport over it, what was done on it (greeting and
 * EHLO, AUTH, a TLS handshake that died) and its link to the persistent pool. Only smtp_connection.c
 * writes these fields; the client (smtp_client_obj.conn) and the pool (smtp_persistent.h) hand a
 * connection over whole through the calls below.
 *
 * Life: smtp_connection_init() -> [smtp_connection_attach_kept() | smtp_connection_connect() +
 * smtp_connection_start_session()] -> smtp_connection_set_open() -> ... -> smtp_connection_quit() or
 * smtp_connection_close() -> [smtp_connection_keep()] -> smtp_connection_free().
 */
#ifndef SMTP_CONNECTION_H
#define SMTP_CONNECTION_H

#include "php.h"
#include "protocol/smtp_core.h"
#include "smtp_persistent.h"

typedef struct smtp_connection {
	php_stream *stream;
	zend_resource *stream_res;    /* our reference: the stream is gone when this is closed under us */
	smtp_pconn *pconn;            /* the kept connection this one is (option persistent), or NULL */
	smtp_session *session;        /* kept after a close so getLastReply() still answers */
	smtp_transport transport;     /* the core's transport on this connection's stream */
	zend_string *host;            /* the host connected to (TLS messages) */
	double connect_timeout;       /* bounds a TLS handshake (a longer silence is a dropped connection) */
	bool open;                    /* greeting and EHLO done on the current stream */
	bool authenticated;
	bool tls_dropped;             /* the last TLS handshake failed because the connection closed or stalled */
} smtp_connection;

void smtp_connection_init(smtp_connection *conn);
/* Close without QUIT and free the session (the object goes away). */
void smtp_connection_free(smtp_connection *conn);

/* The stream, or NULL when it was closed (by us, or under us: then the connection is forgotten). */
php_stream *smtp_connection_stream(smtp_connection *conn);
/* Connected, greeted, and the session still usable. */
bool smtp_connection_ready(smtp_connection *conn);
/* Whether the server said something (or closed) since its last reply: an idle connection it ended. */
bool smtp_connection_idle_input(smtp_connection *conn);

/* Claim the kept connection filed under key (NULL: not persistent) and take it when it is still alive
 * (true). Otherwise false; the new connection is then kept under the entry's id when one was claimed. */
bool smtp_connection_attach_kept(smtp_connection *conn, const smtp_pconn_key *key);
/* Open the stream (and the TLS of implicit TLS). On failure throws and returns FAILURE. */
zend_result smtp_connection_connect(smtp_connection *conn, zend_string *host, zend_long port, int tls_mode,
	double timeout, const zval *context);
/* A new session on the stream (any previous one freed). Throws and returns NULL when out of memory. */
smtp_session *smtp_connection_start_session(smtp_connection *conn);
/* Free the session (before a new connection: getLastReply() then answers null). */
void smtp_connection_drop_session(smtp_connection *conn);
/* Greeting and EHLO done; AUTH done. */
void smtp_connection_set_open(smtp_connection *conn);
void smtp_connection_set_authenticated(smtp_connection *conn);

/* QUIT when the connection is still good (waiting at most quit_ms for the reply), then close; never
 * throws. command_ms/data_ms are the session's timeouts to restore. */
void smtp_connection_quit(smtp_connection *conn, int quit_ms, int command_ms, int data_ms);
/* smtp_connection_quit() in two halves, to close several connections in one round trip: QUIT written
 * (its reply waited for at most quit_ms later): true; false when it was closed instead. Then the reply
 * read and the connection closed (command_ms/data_ms restored). */
bool smtp_connection_quit_send(smtp_connection *conn, int quit_ms, int data_ms);
void smtp_connection_quit_reply(smtp_connection *conn, int command_ms, int data_ms);
/* Close the stream (no QUIT); the session stays for getLastReply(). Leaves the persistent entry. */
void smtp_connection_close(smtp_connection *conn);
/* The holder goes away: give the connection to the persistent pool when it is kept and still good and
 * digest is its entry's (true: conn holds no connection now). */
bool smtp_connection_keep(smtp_connection *conn, const unsigned char *digest);
/* The holder goes away without keeping the connection: leave the persistent entry. */
void smtp_connection_leave_kept(smtp_connection *conn);

#endif /* SMTP_CONNECTION_H */
