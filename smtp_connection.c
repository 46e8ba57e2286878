/*
 * smtp_connection.c - one connection to a server (smtp_connection.h): the only file that writes a
 * connection's fields. It implements the core's transport on the connection's stream, opens the stream
 * (and implicit TLS), checks an idle connection for liveness, closes it, and hands it to and from the
 * persistent pool (smtp_persistent.c) whole.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "ext/standard/file.h"
#include "zend_exceptions.h"

#include "protocol/smtp_core.h"
#include "smtp_connection.h"
#include "smtp_exceptions.h"
#include "smtp_persistent.h"
#include "smtp_transport.h"

/* ---- the core's transport on the connection's stream ------------------------------------------- */

static long conn_read(void *ctx, char *buf, size_t cap, int timeout_ms)
{
	php_stream *stream = smtp_connection_stream(ctx);
	return stream ? smtp_stream_read(stream, buf, cap, timeout_ms) : SMTP_IO_ERROR;
}

static int conn_write(void *ctx, const char *buf, size_t len, int timeout_ms)
{
	php_stream *stream = smtp_connection_stream(ctx);
	return stream ? smtp_stream_write(stream, buf, len, timeout_ms) : SMTP_IO_ERROR;
}

static int conn_start_tls(void *ctx, int timeout_ms, char *err, size_t errlen)
{
	smtp_connection *conn = ctx;
	php_stream *stream = smtp_connection_stream(conn);
	if (!stream) {
		snprintf(err, errlen, "not connected");
		return SMTP_IO_ERROR;
	}
	return smtp_stream_start_tls(stream, timeout_ms, conn->connect_timeout, conn->host ? ZSTR_VAL(conn->host) : "",
		&conn->tls_dropped, err, errlen);
}

static int64_t conn_now_ms(void *ctx)
{
	(void)ctx;
	return smtp_stream_now_ms();
}

void smtp_connection_init(smtp_connection *conn)
{
	memset(conn, 0, sizeof(*conn));
	conn->transport.ctx = conn;
	conn->transport.read = conn_read;
	conn->transport.write = conn_write;
	conn->transport.start_tls = conn_start_tls;
	conn->transport.now_ms = conn_now_ms;
}

void smtp_connection_free(smtp_connection *conn)
{
	smtp_connection_close(conn); /* safe at shutdown: a stream the resource list closed is only forgotten */
	smtp_connection_leave_kept(conn);
	smtp_connection_drop_session(conn);
	if (conn->host) {
		zend_string_release(conn->host);
		conn->host = NULL;
	}
}

/* ---- state --------------------------------------------------------------------------------------- */

php_stream *smtp_connection_stream(smtp_connection *conn)
{
	if (!conn->stream) {
		return NULL;
	}
	/* closed under us (get_resources() + fclose(), or the end of the request): forget it */
	if (!conn->stream_res || conn->stream_res->ptr != conn->stream
		|| (conn->stream_res->type != php_file_le_stream() && conn->stream_res->type != php_file_le_pstream())) {
		conn->stream = NULL;
		if (conn->stream_res) {
			zend_list_delete(conn->stream_res);
			conn->stream_res = NULL;
		}
		conn->open = false;
		conn->authenticated = false;
		return NULL;
	}
	return conn->stream;
}

bool smtp_connection_ready(smtp_connection *conn)
{
	return smtp_connection_stream(conn) && conn->open && conn->session && smtp_session_usable(conn->session);
}

bool smtp_connection_idle_input(smtp_connection *conn)
{
	php_stream *stream = smtp_connection_stream(conn);
	return !stream || smtp_stream_idle_input(stream);
}

void smtp_connection_set_open(smtp_connection *conn)
{
	conn->open = true;
}

void smtp_connection_set_authenticated(smtp_connection *conn)
{
	conn->authenticated = true;
}

/* Hold stream: our own reference to its resource, as for a stream we open. */
static void hold_stream(smtp_connection *conn, php_stream *stream)
{
	conn->stream = stream;
	conn->stream_res = stream->res;
	GC_ADDREF(conn->stream_res);
}

/* ---- opening ------------------------------------------------------------------------------------- */

bool smtp_connection_attach_kept(smtp_connection *conn, const smtp_pconn_key *key)
{
	php_stream *stream = NULL;
	smtp_session *session = NULL;
	bool authenticated = false;

	conn->pconn = key ? smtp_persistent_claim(key, &conn->transport) : NULL;
	if (!conn->pconn || !smtp_persistent_take(conn->pconn, &stream, &session, &authenticated)) {
		return false;
	}
	hold_stream(conn, stream);
	conn->session = session;
	conn->open = true;
	conn->authenticated = authenticated;
	if (smtp_connection_idle_input(conn)) {
		/* closed by the server while idle, or it said something (a 421) nobody asked for */
		conn->session = NULL;
		smtp_connection_close(conn); /* closes the persistent stream and leaves the entry */
		smtp_session_free(session);
		conn->pconn = smtp_persistent_claim(key, &conn->transport); /* the fresh connection goes under the same id */
		return false;
	}
	return true;
}

zend_result smtp_connection_connect(smtp_connection *conn, zend_string *host, zend_long port, int tls_mode,
	double timeout, const zval *context)
{
	php_stream *stream;

	smtp_connection_close(conn);
	stream = smtp_stream_connect(host, port, timeout, context,
		conn->pconn ? smtp_persistent_stream_id(conn->pconn) : NULL);
	if (!stream) {
		smtp_connection_leave_kept(conn); /* nothing to keep: leave the id to other objects */
		return FAILURE;
	}
	hold_stream(conn, stream);
	if (conn->host) {
		zend_string_release(conn->host);
	}
	conn->host = zend_string_copy(host);
	conn->connect_timeout = timeout;
	conn->tls_dropped = false;

	if (tls_mode == SMTP_TLS_IMPLICIT) {
		char err[256];
		int ms = timeout * 1000.0 > (double)INT_MAX ? INT_MAX : (int)(timeout * 1000.0) + 1;
		if (smtp_stream_start_tls(stream, ms, timeout, ZSTR_VAL(host), &conn->tls_dropped, err, sizeof(err)) != 0) {
			zend_string *target = smtp_stream_target(host, port);
			/* a cleartext server answers a TLS hello with its greeting: OpenSSL sees a "wrong version number" */
			smtp_throw(conn->tls_dropped ? smtp_ce_ConnectionException : smtp_ce_TlsException, 0, NULL, NULL,
				conn->tls_dropped, "TLS with %s failed: %s%s", ZSTR_VAL(target), err,
				strstr(err, "wrong version number") ? "; is this a cleartext (STARTTLS) port? Use 'tls' => "
				"Smtp::TLS_STARTTLS (the usual port for it is 587)" : "");
			zend_string_release(target);
			smtp_connection_close(conn);
			smtp_connection_leave_kept(conn);
			return FAILURE;
		}
	}
	return SUCCESS;
}

smtp_session *smtp_connection_start_session(smtp_connection *conn)
{
	smtp_connection_drop_session(conn);
	conn->session = smtp_session_new(conn->pconn ? smtp_persistent_transport(conn->pconn) : &conn->transport);
	if (!conn->session) {
		smtp_connection_close(conn);
		zend_throw_error(NULL, "Out of memory");
		return NULL;
	}
	return conn->session;
}

void smtp_connection_drop_session(smtp_connection *conn)
{
	if (conn->session) {
		smtp_session_free(conn->session);
		conn->session = NULL;
	}
}

/* ---- closing ------------------------------------------------------------------------------------- */

void smtp_connection_quit(smtp_connection *conn, int quit_ms, int command_ms, int data_ms)
{
	if (smtp_connection_stream(conn) && conn->open && conn->session && smtp_session_usable(conn->session)) {
		smtp_session_set_timeouts(conn->session, command_ms < quit_ms ? command_ms : quit_ms, data_ms);
		smtp_session_quit(conn->session);
		smtp_session_set_timeouts(conn->session, command_ms, data_ms);
	}
	smtp_connection_close(conn);
}

bool smtp_connection_quit_send(smtp_connection *conn, int quit_ms, int data_ms)
{
	if (smtp_connection_stream(conn) && conn->open && conn->session && smtp_session_usable(conn->session)) {
		smtp_session_set_timeouts(conn->session, quit_ms, data_ms);
		if (smtp_session_quit_send(conn->session) == SMTP_OK) {
			return true;
		}
	}
	smtp_connection_close(conn);
	return false;
}

void smtp_connection_quit_reply(smtp_connection *conn, int command_ms, int data_ms)
{
	if (smtp_connection_stream(conn) && conn->session && smtp_session_usable(conn->session)) {
		smtp_session_quit_reply(conn->session);
		smtp_session_set_timeouts(conn->session, command_ms, data_ms);
	}
	smtp_connection_close(conn);
}

void smtp_connection_close(smtp_connection *conn)
{
	php_stream *stream = smtp_connection_stream(conn);
	if (stream) {
		zend_resource *res = conn->stream_res;
		smtp_connection_leave_kept(conn); /* a persistent connection closed is no longer kept */
		conn->stream = NULL;
		conn->stream_res = NULL;
		smtp_stream_close(stream);
		zend_list_delete(res); /* our own reference */
	}
	conn->open = false;
	conn->authenticated = false;
}

bool smtp_connection_keep(smtp_connection *conn, const unsigned char *digest)
{
	php_stream *stream;

	if (!conn->pconn || !smtp_persistent_claimed_by(conn->pconn, &conn->transport)) {
		return false;
	}
	stream = smtp_connection_stream(conn);
	if (!stream || !stream->is_persistent || !conn->open || !conn->session || !smtp_session_usable(conn->session)
		|| !digest) {
		return false;
	}
	if (!smtp_persistent_keep(conn->pconn, digest, stream, conn->session, conn->authenticated)) {
		/* authenticated otherwise than the settings say (login()): not kept */
		return false;
	}
	conn->session = NULL;
	conn->stream = NULL;
	zend_list_delete(conn->stream_res);
	conn->stream_res = NULL;
	conn->open = false;
	conn->authenticated = false;
	conn->pconn = NULL;
	return true;
}

void smtp_connection_leave_kept(smtp_connection *conn)
{
	if (conn->pconn) {
		smtp_persistent_leave(conn->pconn, &conn->transport);
		conn->pconn = NULL;
	}
}
