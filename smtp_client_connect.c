/*
 * smtp_client_connect.c - the life of a client's connection (see smtp_client.h): opened lazily by the
 * first operation that needs it (greeting, EHLO, TLS as configured, AUTH with a password provider
 * refreshed), on the first host of a list that takes it, and reopened the same way after it was lost (a
 * 421, a drop, quit()). An idle connection the server has closed meanwhile is noticed before it is reused
 * (a zero-timeout liveness check) and replaced silently. Also the logger, and the begin and end every
 * operation goes through.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include <math.h>
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "zend_smart_str.h"
#include "ext/random/php_random.h"

#include "protocol/smtp_core.h"
#include "smtp_client.h"
#include "smtp_connection.h"
#include "smtp_exceptions.h"
#include "smtp_hosts.h"
#include "smtp_options.h"
#include "smtp_persistent.h"
#include "smtp_values.h"

int smtp_seconds_to_ms(double s)
{
	double ms = ceil(s * 1000.0);
	return ms >= (double)INT_MAX ? INT_MAX : ms < 1 ? 1 : (int)ms;
}

/* ---- the logger ---------------------------------------------------------------------------------- */

static void client_log(void *ud, const char *line, size_t len)
{
	smtp_client_obj *c = ud;
	zval arg, retval;

	if (Z_TYPE(c->logger) == IS_UNDEF || c->logger_exception || EG(exception) || !EG(active)
		|| (c->in_dtor && (EG(flags) & EG_FLAGS_IN_SHUTDOWN))) {
		return;
	}
	if (c->log_tag) {
		ZVAL_STR(&arg, zend_strpprintf(0, "[%u] %.*s", (unsigned)c->log_tag, (int)len, line));
	} else {
		ZVAL_STRINGL(&arg, line, len);
	}
	ZVAL_UNDEF(&retval);
	call_user_function(NULL, NULL, &c->logger, &retval, 1, &arg);
	zval_ptr_dtor(&arg);
	zval_ptr_dtor(&retval);
	if (EG(exception)) {
		/* User code failed in the middle of the operation: nothing more is written, so a message whose
		 * end of data is not sent yet is never delivered (see README, "User code during a send").
		 * exit() stays pending and ends the request once we return; an exception comes out when the
		 * operation ends: attached to the Result of a message already accepted, else as the previous
		 * of the error. */
		if (c->conn.session) {
			smtp_session_abort(c->conn.session);
		}
		if (smtp_exit_pending()) {
			return;
		}
		c->logger_exception = EG(exception);
		GC_ADDREF(c->logger_exception);
		zend_clear_exception();
	}
}

void smtp_client_log_note(smtp_client_obj *c, const char *text)
{
	char line[600];
	int n = snprintf(line, sizeof(line), "-- %s", text);
	client_log(c, line, n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

zend_object *smtp_client_take_logger_exception(smtp_client_obj *c)
{
	zend_object *ex = c->logger_exception;
	c->logger_exception = NULL;
	return ex;
}

/* ---- operations ---------------------------------------------------------------------------------- */

bool smtp_client_op_begin(smtp_client_obj *c)
{
	if (!c->host) {
		zend_throw_error(NULL, "Smtp object is not initialized: its constructor was not called");
		return false;
	}
	if (c->busy) {
		zend_throw_error(NULL, "Smtp object cannot be used from its own logger");
		return false;
	}
	c->busy = true;
	return true;
}

void smtp_client_op_end(smtp_client_obj *c)
{
	c->busy = false;
	if (c->logger_exception) {
		zend_object *lex = c->logger_exception;
		c->logger_exception = NULL;
		if (EG(exception)) {
			zend_exception_set_previous(EG(exception), lex);
		} else {
			zend_throw_exception_internal(lex);
		}
	}
}

void smtp_client_after_error(smtp_client_obj *c)
{
	if (c->conn.session && !smtp_session_usable(c->conn.session)) {
		smtp_connection_close(&c->conn);
	}
}

bool smtp_client_is_connected(smtp_client_obj *c)
{
	return smtp_connection_ready(&c->conn);
}

void smtp_client_quit_quietly(smtp_client_obj *c, int max_ms)
{
	smtp_connection_quit(&c->conn, max_ms, smtp_seconds_to_ms(c->command_timeout), smtp_seconds_to_ms(c->data_timeout));
}

/* ---- AUTH ---------------------------------------------------------------------------------------- */

/*
 * A password given as a callable (an OAuth token provider, option "password" or smtp.password_provider):
 * called when a connection is opened (before the persistent key, which then holds the token's digest like
 * a password's) and once more when the server refuses the token. An exception from it, or anything but a
 * string, is an AuthenticationException that says so, and nothing is sent.
 */
static bool refresh_password(smtp_client_obj *c)
{
	zval retval;
	zend_object *thrown;

	if (Z_TYPE(c->password_provider) == IS_UNDEF) {
		return true;
	}
	ZVAL_UNDEF(&retval);
	if (call_user_function(NULL, NULL, &c->password_provider, &retval, 0, NULL) != SUCCESS || EG(exception)) {
		if (smtp_exit_pending()) {
			zval_ptr_dtor(&retval);
			return false;
		}
		thrown = EG(exception);
		if (thrown) {
			GC_ADDREF(thrown);
			zend_clear_exception();
		}
		zval_ptr_dtor(&retval);
		smtp_throw(smtp_ce_AuthenticationException, 0, NULL, NULL, false,
			"the password callable threw an exception (see getPrevious()); no AUTH was sent");
		if (thrown) {
			zend_exception_set_previous(EG(exception), thrown);
		}
		return false;
	}
	if (Z_TYPE(retval) != IS_STRING) {
		smtp_throw(smtp_ce_AuthenticationException, 0, NULL, NULL, false,
			"the password callable returned %s, not a string; no AUTH was sent", zend_zval_type_name(&retval));
		zval_ptr_dtor(&retval);
		return false;
	}
	smtp_options_set_password(c, Z_STRVAL(retval), Z_STRLEN(retval));
	zval_ptr_dtor(&retval);
	return true;
}

/* Whether mech's secret is an OAuth token (the core's mechanism table says so). */
static bool mech_is_bearer(int mech)
{
	const smtp_auth_mechanism *m = smtp_auth_mechanism_of((smtp_auth_mech)mech);
	return m && m->bearer_token;
}

zend_result smtp_client_auth(smtp_client_obj *c, zend_string *user, zend_string *secret, int mech)
{
	smtp_session *session = c->conn.session;
	smtp_status st = smtp_session_auth(session, (smtp_auth_mech)mech, ZSTR_VAL(user), ZSTR_LEN(user),
		ZSTR_VAL(secret), ZSTR_LEN(secret), c->allow_plaintext_auth);
	if (st == SMTP_ERR_AUTH && secret == c->password && Z_TYPE(c->password_provider) != IS_UNDEF
		&& mech_is_bearer(mech) && smtp_session_usable(session)
		&& smtp_session_error_reply(session)->code == 535) {
		/* the token expired (XOAUTH2's error JSON then 535, OAUTHBEARER's error): a fresh one, once */
		if (!refresh_password(c)) {
			smtp_client_after_error(c);
			return FAILURE;
		}
		secret = c->password;
		st = smtp_session_auth(session, (smtp_auth_mech)mech, ZSTR_VAL(user), ZSTR_LEN(user),
			ZSTR_VAL(secret), ZSTR_LEN(secret), c->allow_plaintext_auth);
	}
	if (st != SMTP_OK) {
		smtp_throw_status(st, session, NULL, NULL);
		smtp_client_after_error(c);
		return FAILURE;
	}
	smtp_connection_set_authenticated(&c->conn);
	return SUCCESS;
}

/* ---- opening ------------------------------------------------------------------------------------- */

/* SCRAM's client nonce: the CSPRNG or nothing (no fallback: a guessable nonce would allow replays). */
static int scram_nonce(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	return php_random_bytes_silent(buf, len) == SUCCESS ? 0 : -1;
}

/* This object's timeouts, extensions and logger on its session. */
static void configure_session(smtp_client_obj *c)
{
	smtp_session *session = c->conn.session;
	const char *h = ZSTR_VAL(c->host);
	char peer[300];
	/* port 465 is implicit TLS: a server there waits for our TLS hello and never greets in cleartext,
	 * so the greeting is waited for as long as the connect may take, not the command timeout */
	int greeting_ms = c->port == 465 && c->tls_mode != SMTP_TLS_IMPLICIT ? smtp_seconds_to_ms(c->timeout) : 0;
	smtp_session_set_nonce_source(session, scram_nonce, NULL);
	snprintf(peer, sizeof(peer), strchr(h, ':') && h[0] != '[' ? "[%s]:" ZEND_LONG_FMT : "%s:" ZEND_LONG_FMT, h,
		c->port);
	smtp_session_set_peer(session, peer, greeting_ms);
	smtp_session_set_timeouts(session, smtp_seconds_to_ms(c->command_timeout), smtp_seconds_to_ms(c->data_timeout));
	smtp_session_set_extensions(session, c->pipelining, c->chunking);
	if (Z_TYPE(c->logger) != IS_UNDEF) {
		smtp_session_set_logger(session, client_log, c);
	}
}

/* A kept persistent connection just handed over: RSET, the one round trip that tells it still works
 * (at most 10 s: a dead one is replaced rather than waited for), then AUTH if it was never done. */
static bool reuse_kept(smtp_client_obj *c, bool with_auth)
{
	int command_ms = smtp_seconds_to_ms(c->command_timeout);
	smtp_status st;
	configure_session(c);
	smtp_session_set_timeouts(c->conn.session, command_ms < 10000 ? command_ms : 10000,
		smtp_seconds_to_ms(c->data_timeout));
	st = smtp_session_rset(c->conn.session);
	smtp_session_set_timeouts(c->conn.session, command_ms, smtp_seconds_to_ms(c->data_timeout));
	if (st != SMTP_OK) {
		smtp_connection_close(&c->conn);
		smtp_connection_drop_session(&c->conn);
		return false;
	}
	return !(with_auth && c->username && !c->conn.authenticated)
		|| smtp_client_auth(c, c->username, c->password, c->auth_mech) == SUCCESS;
}

/* The exception for a failed greeting, EHLO or STARTTLS, with what helps most in its message. */
static void throw_open_error(smtp_client_obj *c, smtp_status st)
{
	smtp_session *session = c->conn.session;
	if (st == SMTP_ERR_TLS && c->conn.tls_dropped) {
		/* the STARTTLS handshake died with the connection: a drop, transient */
		smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true, "%s", smtp_session_error(session));
	} else if (st == SMTP_ERR_TIMEOUT && c->tls_mode != SMTP_TLS_IMPLICIT
		&& strcmp(smtp_session_step(session), "the greeting") == 0) {
		/* an implicit-TLS server says nothing until the client starts TLS */
		smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true, "%s: no greeting in %.0f s; is this an "
			"implicit-TLS port? Use 'tls' => Smtp::TLS_IMPLICIT (the usual port for it is 465)",
			smtp_session_error(session), c->port == 465 ? c->timeout : c->command_timeout);
	} else {
		smtp_throw_status(st, session, NULL, NULL);
	}
}

/* Connect to c->host, greet, EHLO, TLS as configured, then AUTH with the configured credentials when
 * with_auth. *retryable says whether another host may be tried after a failure. */
static zend_result open_host(smtp_client_obj *c, bool with_auth, bool *retryable)
{
	smtp_pconn_key key;
	bool keyed;
	smtp_status st;
	zend_string *helo;

	*retryable = false;
	smtp_connection_drop_session(&c->conn);
	if (with_auth && c->username && !refresh_password(c)) {
		return FAILURE;
	}
	keyed = smtp_options_key(c, &key);
	if (smtp_connection_attach_kept(&c->conn, keyed ? &key : NULL)) {
		if (reuse_kept(c, with_auth)) {
			return SUCCESS;
		}
		if (EG(exception)) { /* AUTH refused */
			smtp_client_quit_quietly(c, smtp_seconds_to_ms(c->command_timeout));
			return FAILURE;
		}
		smtp_connection_attach_kept(&c->conn, &key); /* dead: a fresh connection under the same persistent id */
	}
	if (smtp_connection_connect(&c->conn, c->host, c->port, c->tls_mode, c->timeout, &c->context) != SUCCESS) {
		*retryable = true; /* refused, unreachable, or a failed implicit-TLS handshake */
		return FAILURE;
	}
	if (!smtp_connection_start_session(&c->conn)) {
		return FAILURE;
	}
	configure_session(c);
	if (c->tls_mode == SMTP_TLS_IMPLICIT) {
		smtp_session_set_tls_active(c->conn.session, 1);
	}
	helo = c->helo ? c->helo : smtp_default_helo();
	st = smtp_session_open(c->conn.session, ZSTR_VAL(helo), (smtp_tls_mode)c->tls_mode);
	if (st != SMTP_OK) {
		throw_open_error(c, st);
		/* a drop, a TLS failure or a 4xx (421 greeting) is this host's problem; a 5xx is an answer */
		*retryable = st == SMTP_ERR_TLS || st == SMTP_ERR_IO || st == SMTP_ERR_CLOSED || st == SMTP_ERR_TIMEOUT
			|| smtp_session_error_transient(c->conn.session);
		smtp_client_quit_quietly(c, smtp_seconds_to_ms(c->command_timeout));
		return FAILURE;
	}
	smtp_connection_set_open(&c->conn);
	if (with_auth && c->username && smtp_client_auth(c, c->username, c->password, c->auth_mech) != SUCCESS) {
		/* next time starts over, AUTH included */
		smtp_client_quit_quietly(c, smtp_seconds_to_ms(c->command_timeout));
		return FAILURE;
	}
	return SUCCESS;
}

/*
 * Open a connection to the host, or to the first host of the list that takes it: a connection refused or
 * dropped, a TLS failure or a 4xx greeting moves on to the next host; a permanent error (5xx, AUTH
 * refused) stops there. When every host failed, one ConnectionException names each host and its error,
 * with their exceptions as its previous chain.
 */
static zend_result open_any_host(smtp_client_obj *c, bool with_auth)
{
	uint32_t n, i, start;
	zend_object *chain = NULL;
	smart_str why = {0};
	bool retryable;

	if (!c->hosts) {
		return open_host(c, with_auth, &retryable);
	}
	n = zend_hash_num_elements(c->hosts);
	start = smtp_hosts_first(c);
	for (i = 0; i < n; i++) {
		zend_object *ex;
		zval rv, *msg;
		zend_result r;
		smtp_hosts_select(c, start + i);
		r = open_host(c, with_auth, &retryable);
		if (r == SUCCESS || !retryable || !EG(exception) || smtp_exit_pending()) {
			if (chain) {
				OBJ_RELEASE(chain);
			}
			smart_str_free(&why);
			return r;
		}
		ex = EG(exception);
		msg = zend_read_property(zend_ce_exception, ex, "message", sizeof("message") - 1, 1, &rv);
		smart_str_append_printf(&why, "%s%s port " ZEND_LONG_FMT ": %s", i ? "; " : "", ZSTR_VAL(c->host), c->port,
			Z_TYPE_P(msg) == IS_STRING ? Z_STRVAL_P(msg) : "");
		GC_ADDREF(ex);
		zend_clear_exception();
		if (chain) {
			zend_exception_set_previous(ex, chain); /* the earlier hosts' exceptions below this one */
		}
		chain = ex;
	}
	smart_str_0(&why);
	smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true, "no host took the connection: %s", ZSTR_VAL(why.s));
	zend_exception_set_previous(EG(exception), chain);
	smart_str_free(&why);
	return FAILURE;
}

/* The connection, ready for a command: reused when the server has said nothing since its last reply,
 * else (re)opened. Anything readable on an idle connection is the end of it: a close, or a 421 (Postfix
 * says "421 4.4.2 ... Error: timeout exceeded" after smtpd_timeout). */
zend_result smtp_client_open(smtp_client_obj *c, bool with_auth)
{
	if (smtp_connection_ready(&c->conn) && !smtp_connection_idle_input(&c->conn)) {
		return SUCCESS;
	}
	/* quietly: that connection is over, the next one is what the caller asked for */
	smtp_connection_close(&c->conn);
	return open_any_host(c, with_auth);
}

zend_result smtp_client_ensure_open(smtp_client_obj *c)
{
	return smtp_client_open(c, true);
}
