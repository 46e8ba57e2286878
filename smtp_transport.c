/*
 * smtp_transport.c - PHP streams as the core's transport needs them (smtp_transport.h): connect, read and
 * write with a deadline, TLS, liveness, close. The connection holding the stream is smtp_connection.c's.
 *
 * The socket is a "tcp://" stream from php_stream_xport_create(); TLS (implicit, or after STARTTLS) is
 * php_stream_xport_crypto_setup() + _enable() on that same stream, so certificate checks, the ssl context
 * options, proxies and IPv6 are PHP's own. ext/openssl registers itself as the "tcp" transport, which is
 * what lets a tcp:// stream start TLS later; peer_name defaults to the host we connected to.
 *
 * PHP warnings raised by the stream layer (TLS handshake failures, send failures) are caught and turned
 * into the error text the core puts in its exception, never printed.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_network.h"
#ifdef PHP_WIN32
# include <winsock2.h>
# include <ws2tcpip.h>
#endif
#include "ext/standard/file.h"
#include "zend_exceptions.h"

#include "php_smtp_compat.h"
#include "protocol/smtp_core.h"
#include "smtp_transport.h"
#include "smtp_exceptions.h"

/* ---- quiet calls into the stream layer --------------------------------------------------------- */

/*
 * Around a stream call: warnings become an exception we catch (when there is a PHP frame to throw in),
 * and nothing is displayed. The first warning's text lands in err.
 */
typedef struct smtp_quiet {
	zend_error_handling eh;
	bool throwing;
	int saved_reporting;
} smtp_quiet;

static void quiet_begin(smtp_quiet *q)
{
	q->throwing = EG(current_execute_data) != NULL && EG(exception) == NULL;
	if (q->throwing) {
		zend_replace_error_handling(EH_THROW, zend_ce_error_exception, &q->eh);
	}
	q->saved_reporting = EG(error_reporting);
	EG(error_reporting) = 0;
}

static void quiet_end(smtp_quiet *q, char *err, size_t errlen)
{
	EG(error_reporting) = q->saved_reporting;
	if (!q->throwing) {
		return;
	}
	zend_restore_error_handling(&q->eh);
	if (EG(exception)) {
		if (err && errlen && instanceof_function(EG(exception)->ce, zend_ce_error_exception)) {
			zval rv;
			zval *msg = zend_read_property_ex(zend_ce_exception, EG(exception), ZSTR_KNOWN(ZEND_STR_MESSAGE), 1, &rv);
			if (msg && Z_TYPE_P(msg) == IS_STRING && !err[0]) {
				/* without the "Smtp::send(): " of php_error_docref(), on one line (OpenSSL's come on several) */
				const char *text = Z_STRVAL_P(msg), *fn = strstr(text, "(): ");
				size_t len = Z_STRLEN_P(msg), i, n;
				if (fn && !memchr(text, ' ', (size_t)(fn - text))) {
					len -= (size_t)(fn + 4 - text);
					text = fn + 4;
				}
				n = len < errlen - 1 ? len : errlen - 1;
				for (i = 0; i < n; i++) {
					char ch = text[i];
					err[i] = ch == '\n' || ch == '\r' ? ' ' : ch;
				}
				err[n] = '\0';
			}
		}
		zend_clear_exception();
	}
}

/* ---- the stream ---------------------------------------------------------------------------------- */

bool smtp_tls_available(void)
{
	return zend_hash_str_exists(php_stream_xport_get_hash(), "ssl", sizeof("ssl") - 1);
}

bool smtp_stream_idle_input(php_stream *stream)
{
	php_socket_t fd = (php_socket_t)-1;

	if (php_stream_cast(stream, PHP_STREAM_AS_FD_FOR_SELECT, (void **)&fd, 0) != SUCCESS
		|| fd == (php_socket_t)-1) {
		return php_stream_set_option(stream, PHP_STREAM_OPTION_CHECK_LIVENESS, 0, NULL)
			== PHP_STREAM_OPTION_RETURN_ERR;
	}
	return php_pollfd_for_ms(fd, PHP_POLLREADABLE, 0) > 0;
}

void smtp_stream_close(php_stream *stream)
{
	if (stream->is_persistent) {
		php_stream_pclose(stream); /* and out of the persistent list */
	} else {
		php_stream_close(stream);
	}
}

/* "host:port" for the URL: IPv6 literals in brackets */
zend_string *smtp_stream_target(zend_string *host, zend_long port)
{
	const char *h = ZSTR_VAL(host);
	if (memchr(h, ':', ZSTR_LEN(host)) && h[0] != '[') {
		return zend_strpprintf(0, "[%s]:" ZEND_LONG_FMT, h, port);
	}
	return zend_strpprintf(0, "%s:" ZEND_LONG_FMT, h, port);
}

static php_stream_context *make_context(const zval *options_zv)
{
	php_stream_context *context = php_stream_context_alloc();
	zval tv;
	bool nodelay_set = false;

	if (options_zv && Z_TYPE_P(options_zv) == IS_ARRAY) {
		zend_string *wrapper, *option;
		zval *options, *value;
		ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL_P(options_zv), wrapper, options) {
			if (!wrapper || Z_TYPE_P(options) != IS_ARRAY) {
				continue; /* checked by the constructor */
			}
			ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL_P(options), option, value) {
				if (option) {
					php_stream_context_set_option(context, ZSTR_VAL(wrapper), ZSTR_VAL(option), value);
					if (zend_string_equals_literal(wrapper, "socket")
						&& zend_string_equals_literal(option, "tcp_nodelay")) {
						nodelay_set = true;
					}
				}
			} ZEND_HASH_FOREACH_END();
		} ZEND_HASH_FOREACH_END();
	}
	/* commands are small writes answered by the server: Nagle's algorithm would delay every one */
	if (!nodelay_set) {
		ZVAL_TRUE(&tv);
		php_stream_context_set_option(context, "socket", "tcp_nodelay", &tv);
	}
	return context;
}

static void set_timeout(php_stream *stream, int timeout_ms)
{
	struct timeval tv;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	php_stream_set_option(stream, PHP_STREAM_OPTION_READ_TIMEOUT, 0, &tv);
}

int64_t smtp_stream_now_ms(void)
{
	return (int64_t)(smtp_compat_hrtime_ns() / 1000000);
}

long smtp_stream_read(php_stream *stream, char *buf, size_t cap, int timeout_ms)
{
	int64_t deadline = smtp_stream_now_ms() + timeout_ms;
	smtp_quiet q;

	for (;;) {
		ssize_t n;
		int64_t left = deadline - smtp_stream_now_ms();
		if (left <= 0) {
			return SMTP_IO_TIMEOUT;
		}
		set_timeout(stream, (int)left);
		quiet_begin(&q);
		n = php_stream_read(stream, buf, cap);
		quiet_end(&q, NULL, 0);
		if (n > 0) {
			return (long)n;
		}
		if (stream->eof) {
			return 0;
		}
		/* nothing: the wait timed out, or a signal or a partial TLS record woke us; the deadline decides */
		if (smtp_stream_now_ms() >= deadline) {
			return SMTP_IO_TIMEOUT;
		}
	}
}

int smtp_stream_write(php_stream *stream, const char *buf, size_t len, int timeout_ms)
{
	int64_t deadline = smtp_stream_now_ms() + timeout_ms;
	smtp_quiet q;

	while (len > 0) {
		ssize_t n;
		int64_t left = deadline - smtp_stream_now_ms();
		if (left <= 0) {
			return SMTP_IO_TIMEOUT;
		}
		set_timeout(stream, (int)left);
		quiet_begin(&q);
		n = php_stream_write(stream, buf, len);
		quiet_end(&q, NULL, 0);
		if (n < 0 || (n == 0 && stream->eof)) {
			return smtp_stream_now_ms() >= deadline ? SMTP_IO_TIMEOUT : SMTP_IO_ERROR;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The crypto method: the context's ssl.crypto_method when given, else TLS 1.2 or newer. */
static int crypto_method(php_stream *stream)
{
	php_stream_context *context = PHP_STREAM_CONTEXT(stream);
	zval *val;
	if (context && (val = php_stream_context_get_option(context, "ssl", "crypto_method")) != NULL) {
		zend_long m = zval_get_long(val);
		if (m > 0) {
			return (int)(m | 1); /* the client bit */
		}
	}
	return STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT | STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT;
}

int smtp_stream_start_tls(php_stream *stream, int timeout_ms, double connect_timeout, const char *host,
	bool *dropped, char *err, size_t errlen)
{
	smtp_quiet q;
	int ok;
	int64_t start;

	if (!smtp_tls_available()) {
		snprintf(err, errlen, "TLS needs PHP's openssl extension, which is not loaded");
		return 1;
	}
	/* bytes already buffered by PHP would be read as if they came through TLS */
	if (stream->writepos > stream->readpos) {
		snprintf(err, errlen, "the server sent data before TLS started (possible response injection)");
		return 1;
	}
	set_timeout(stream, timeout_ms);
	err[0] = '\0';
	*dropped = false;
	start = smtp_stream_now_ms();
	quiet_begin(&q);
	ok = php_stream_xport_crypto_setup(stream, crypto_method(stream), NULL) >= 0
		&& php_stream_xport_crypto_enable(stream, 1) >= 0;
	quiet_end(&q, err, errlen);
	if (!ok) {
		/* the server hung up or went silent (the handshake is bounded by the connect timeout): that is a
		 * lost connection, not a TLS verdict */
		int64_t waited = smtp_stream_now_ms() - start;
		if (!strstr(err, " alert ") && !strstr(err, "certificate") && (stream->eof || waited >= (int64_t)(connect_timeout * 1000.0) - 50
			|| php_stream_set_option(stream, PHP_STREAM_OPTION_CHECK_LIVENESS, 0, NULL) == PHP_STREAM_OPTION_RETURN_ERR)) {
			*dropped = true;
		}
		if (!err[0]) {
			snprintf(err, errlen, *dropped ? "the connection was closed or timed out during the TLS handshake"
				: "the TLS handshake with %s failed", host);
		}
	}
	/* the core's contract: an I/O code for a lost connection, any other non-zero for a TLS verdict */
	return ok ? 0 : *dropped ? SMTP_IO_ERROR : 1;
}

php_stream *smtp_stream_connect(zend_string *host, zend_long port, double timeout, const zval *context,
	const char *persistent_id)
{
	zend_string *target = smtp_stream_target(host, port);
	zend_string *url = zend_strpprintf(0, "tcp://%s", ZSTR_VAL(target));
	zend_string *errstr = NULL;
	int errcode = 0;
	struct timeval tv;
	php_stream_context *ctx;
	php_stream *stream;
	smtp_quiet q;

	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = (int)((timeout - (double)tv.tv_sec) * 1000000.0);
	ctx = make_context(context);

	quiet_begin(&q);
	stream = php_stream_xport_create(ZSTR_VAL(url), ZSTR_LEN(url), 0, STREAM_XPORT_CLIENT | STREAM_XPORT_CONNECT,
		persistent_id, &tv, ctx, &errstr, &errcode);
	quiet_end(&q, NULL, 0);
	/* the stream holds the context now; drop ours */
	zend_list_delete(ctx->res);
	zend_string_release(url);

	if (!stream || errstr) {
		smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true, "Connection to %s failed: %s",
			ZSTR_VAL(target), errstr ? ZSTR_VAL(errstr) : "unknown error");
		if (errstr) {
			zend_string_release(errstr);
		}
		if (stream) {
			smtp_stream_close(stream);
		}
		zend_string_release(target);
		return NULL;
	}
	zend_string_release(target);

	/* errors are reported by exceptions; reads go straight into the core's buffer, so no byte can wait
	 * in a PHP buffer across STARTTLS */
	stream->flags |= PHP_STREAM_FLAG_SUPPRESS_ERRORS;
	php_stream_set_option(stream, PHP_STREAM_OPTION_READ_BUFFER, PHP_STREAM_BUFFER_NONE, NULL);
	return stream;
}

int64_t smtp_stream_file_size(php_stream *stream)
{
	php_stream_statbuf ssb;
	int reporting = EG(error_reporting), rc;
	if (!stream) {
		return -1;
	}
	/* a stream wrapper without stream_stat() has no size: that is no reason for a warning */
	EG(error_reporting) = 0;
	rc = php_stream_stat(stream, &ssb);
	EG(error_reporting) = reporting;
	if (rc != 0 || (ssb.sb.st_mode & S_IFMT) != S_IFREG) {
		return -1;
	}
	return (int64_t)ssb.sb.st_size;
}
