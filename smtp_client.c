/*
 * smtp_client.c - class Smtp: options, the connection's life, and the calls into the core's session.
 *
 * The connection is opened lazily by the first operation that needs it and reopened the same way after
 * it was lost (a 421, a drop, quit()). An idle connection the server has closed meanwhile is noticed
 * before it is reused (a zero-timeout liveness check) and replaced silently.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include <math.h>
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "zend_smart_str.h"
#include "ext/standard/file.h"
#include "ext/standard/php_string.h"
#include "ext/random/php_random.h"

#include "php_smtp.h"
#include "smtp_dkim_binding.h"

static zend_object_handlers smtp_client_handlers;

#define DEFAULT_TIMEOUT 30.0
#define DEFAULT_COMMAND_TIMEOUT 300.0
#define DEFAULT_DATA_TIMEOUT 600.0
#define DTOR_QUIT_MS 2000

/* ---- names ---------------------------------------------------------------------------------------- */

int smtp_parse_tls_mode(const char *s)
{
	static const char *const names[] = {"none", "starttls", "implicit", "opportunistic"};
	int i;
	if (s[0] >= '0' && s[0] <= '3' && s[1] == '\0') {
		return s[0] - '0';
	}
	for (i = 0; i < 4; i++) {
		if (zend_binary_strcasecmp(s, strlen(s), names[i], strlen(names[i])) == 0) {
			return i;
		}
	}
	return -1;
}

int smtp_parse_auth_mech(const char *s, size_t len)
{
	static const struct {
		const char *name;
		int mech;
	} mechs[] = {
		{"PLAIN", SMTP_AUTH_PLAIN}, {"LOGIN", SMTP_AUTH_LOGIN}, {"CRAM-MD5", SMTP_AUTH_CRAM_MD5},
		{"XOAUTH2", SMTP_AUTH_XOAUTH2}, {"SCRAM-SHA-1", SMTP_AUTH_SCRAM_SHA1},
		{"SCRAM-SHA-256", SMTP_AUTH_SCRAM_SHA256}, {"OAUTHBEARER", SMTP_AUTH_OAUTHBEARER},
	};
	size_t i;
	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		if (strlen(mechs[i].name) == len && zend_binary_strcasecmp(s, len, mechs[i].name, len) == 0) {
			return mechs[i].mech;
		}
	}
	return -1;
}

/* A name for EHLO: printable ASCII without space, at most 255 octets. */
static bool helo_ok(zend_string *h)
{
	size_t i;
	if (ZSTR_LEN(h) == 0 || ZSTR_LEN(h) > 255) {
		return false;
	}
	for (i = 0; i < ZSTR_LEN(h); i++) {
		unsigned char ch = (unsigned char)ZSTR_VAL(h)[i];
		if (ch < 33 || ch > 126) {
			return false;
		}
	}
	return true;
}

/* A host for "tcp://host:port": a name, an IPv4 address, or an IPv6 address with or without brackets. */
static bool host_ok(zend_string *h)
{
	size_t i;
	if (ZSTR_LEN(h) == 0 || ZSTR_LEN(h) > 255) {
		return false;
	}
	for (i = 0; i < ZSTR_LEN(h); i++) {
		unsigned char ch = (unsigned char)ZSTR_VAL(h)[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.'
			|| ch == '-' || ch == '_' || ch == ':' || ch == '[' || ch == ']' || ch == '%')) {
			return false;
		}
	}
	return true;
}

/* The host argument: a host name or address, never a URL or "host:port" (the port is its own argument);
 * the ValueError says what to write instead. */
static bool host_arg_ok(zend_string *host)
{
	const char *h = ZSTR_VAL(host), *colon = strchr(h, ':'), *p;
	size_t len = ZSTR_LEN(host);
	if (strstr(h, "://")) {
		zend_argument_value_error(1, "must be a host name or an IP address, not a URL (write new Smtp(\"host\", "
			"port, ['tls' => Smtp::TLS_IMPLICIT or Smtp::TLS_STARTTLS]))");
		return false;
	}
	/* "name:25", "1.2.3.4:25" (one colon) or "[v6]:25": a port in the host string */
	p = NULL;
	if (colon && !strchr(colon + 1, ':') && colon[1]) {
		p = colon + 1;
	} else if (h[0] == '[' && (p = strstr(h, "]:")) != NULL) {
		colon = p + 1;
		p += 2;
	}
	if (p && *p) {
		const char *d = p;
		while (*d >= '0' && *d <= '9') {
			d++;
		}
		if (!*d && d - p <= 5) {
			zend_argument_value_error(1, "must be a host name or an IP address without a port: write new "
				"Smtp(\"%.*s\", %s) instead of new Smtp(\"%s\")", (int)(colon - h), h, p, h);
			return false;
		}
	}
	if (len && !host_ok(host)) {
		zend_argument_value_error(1, "must be a host name or an IP address");
		return false;
	}
	if (!len) {
		zend_argument_value_error(1, "must be a host name or an IP address");
		return false;
	}
	return true;
}

static int seconds_to_ms(double s)
{
	double ms = ceil(s * 1000.0);
	return ms >= (double)INT_MAX ? INT_MAX : ms < 1 ? 1 : (int)ms;
}

/* ---- object life --------------------------------------------------------------------------------- */

/* c->password is always our own copy (never shared, never interned), so it can be wiped. */
static void wipe_password(smtp_client_obj *c)
{
	if (c->password) {
		ZEND_ASSERT(!ZSTR_IS_INTERNED(c->password) && GC_REFCOUNT(c->password) == 1);
		ZEND_SECURE_ZERO(ZSTR_VAL(c->password), ZSTR_LEN(c->password));
		zend_string_release(c->password);
		c->password = NULL;
	}
}

zend_object *smtp_client_create(zend_class_entry *ce)
{
	smtp_client_obj *c = zend_object_alloc(sizeof(smtp_client_obj), ce);
	zend_object_std_init(&c->std, ce);
	object_properties_init(&c->std, ce);
	c->std.handlers = &smtp_client_handlers;
	ZVAL_UNDEF(&c->context);
	ZVAL_UNDEF(&c->logger);
	ZVAL_UNDEF(&c->password_provider);
	ZVAL_FALSE(&c->persistent);
	c->tls_mode = SMTP_TLS_STARTTLS;
	c->timeout = DEFAULT_TIMEOUT;
	c->command_timeout = DEFAULT_COMMAND_TIMEOUT;
	c->data_timeout = DEFAULT_DATA_TIMEOUT;
	c->pipelining = true;
	c->chunking = true;
	smtp_transport_init(c);
	return &c->std;
}

/* QUIT when the connection is still good, then close; never throws, never waits long. */
static void client_quit_quietly(smtp_client_obj *c, int max_ms)
{
	if (smtp_transport_stream(c) && c->open && c->session && smtp_session_usable(c->session)) {
		int command_ms = seconds_to_ms(c->command_timeout);
		smtp_session_set_timeouts(c->session, command_ms < max_ms ? command_ms : max_ms,
			seconds_to_ms(c->data_timeout));
		smtp_session_quit(c->session);
		smtp_session_set_timeouts(c->session, command_ms, seconds_to_ms(c->data_timeout));
	}
	smtp_transport_close(c);
}

static void smtp_client_dtor(zend_object *obj)
{
	smtp_client_obj *c = smtp_client_from_obj(obj);
	zend_objects_destroy_object(obj);
	if (!c->busy && !smtp_persistent_release(c)) { /* a persistent connection stays open for the next one */
		c->in_dtor = true;
		client_quit_quietly(c, DTOR_QUIT_MS);
		c->in_dtor = false;
	}
}

static void smtp_client_free(zend_object *obj)
{
	smtp_client_obj *c = smtp_client_from_obj(obj);

	smtp_persistent_release(c);
	smtp_transport_close(c); /* safe at shutdown: a stream the resource list closed is only forgotten */
	smtp_persistent_closed(c);
	if (c->session) {
		smtp_session_free(c->session);
		c->session = NULL;
	}
	if (c->host) {
		zend_string_release(c->host);
	}
	if (c->helo) {
		zend_string_release(c->helo);
	}
	if (c->username) {
		zend_string_release(c->username);
	}
	wipe_password(c);
	zval_ptr_dtor(&c->context);
	zval_ptr_dtor(&c->logger);
	zval_ptr_dtor(&c->password_provider);
	zval_ptr_dtor(&c->persistent);
	if (c->hosts) {
		zend_array_destroy(c->hosts);
	}
	smtp_dkim_config_free(c->dkim);
	if (c->logger_exception) {
		OBJ_RELEASE(c->logger_exception);
	}
	zend_object_std_dtor(obj);
}

static HashTable *smtp_client_get_gc(zend_object *obj, zval **table, int *n)
{
	smtp_client_obj *c = smtp_client_from_obj(obj);
	/* the logger and the password provider may be closures holding this object */
	*table = &c->logger;
	*n = 2;
	return zend_std_get_properties(obj);
}

void smtp_client_register_handlers(void)
{
	memcpy(&smtp_client_handlers, zend_get_std_object_handlers(), sizeof(zend_object_handlers));
	smtp_client_handlers.offset = offsetof(smtp_client_obj, std);
	smtp_client_handlers.dtor_obj = smtp_client_dtor;
	smtp_client_handlers.free_obj = smtp_client_free;
	smtp_client_handlers.get_gc = smtp_client_get_gc;
	smtp_client_handlers.clone_obj = NULL;
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
	ZVAL_STRINGL(&arg, line, len);
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
		if (c->session) {
			smtp_session_abort(c->session);
		}
		if (zend_is_unwind_exit(EG(exception)) || zend_is_graceful_exit(EG(exception))) {
			return;
		}
		c->logger_exception = EG(exception);
		GC_ADDREF(c->logger_exception);
		zend_clear_exception();
	}
}

zend_object *smtp_client_take_logger_exception(smtp_client_obj *c)
{
	zend_object *ex = c->logger_exception;
	c->logger_exception = NULL;
	return ex;
}

/* ---- operations ---------------------------------------------------------------------------------- */

static bool op_begin(smtp_client_obj *c)
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

/* An exception from the logger comes out now: as the previous of ours when the operation failed. */
static void op_end(smtp_client_obj *c)
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

/* After an error: a session the core gave up on (421, drop, protocol error) is closed, so the next
 * operation reconnects. */
static void after_error(smtp_client_obj *c)
{
	if (c->session && !smtp_session_usable(c->session)) {
		smtp_transport_close(c);
	}
}

/*
 * A password given as a callable (an OAuth token provider): called when a connection is opened (before
 * the persistent key, which then holds the token's digest like a password's) and once more when the
 * server refuses the token. An exception from it, or anything but a string, is an AuthenticationException
 * that says so, and nothing is sent.
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
	wipe_password(c);
	c->password = zend_string_init(Z_STRVAL(retval), Z_STRLEN(retval), 0);
	zval_ptr_dtor(&retval);
	return true;
}

static zend_result client_auth(smtp_client_obj *c, zend_string *user, zend_string *secret, int mech)
{
	smtp_status st = smtp_session_auth(c->session, (smtp_auth_mech)mech, ZSTR_VAL(user), ZSTR_LEN(user),
		ZSTR_VAL(secret), ZSTR_LEN(secret), c->allow_plaintext_auth);
	if (st == SMTP_ERR_AUTH && secret == c->password && Z_TYPE(c->password_provider) != IS_UNDEF
		&& (mech == SMTP_AUTH_XOAUTH2 || mech == SMTP_AUTH_OAUTHBEARER) && smtp_session_usable(c->session)
		&& smtp_session_error_reply(c->session)->code == 535) {
		/* the token expired (XOAUTH2's error JSON then 535, OAUTHBEARER's error): a fresh one, once */
		if (!refresh_password(c)) {
			after_error(c);
			return FAILURE;
		}
		secret = c->password;
		st = smtp_session_auth(c->session, (smtp_auth_mech)mech, ZSTR_VAL(user), ZSTR_LEN(user),
			ZSTR_VAL(secret), ZSTR_LEN(secret), c->allow_plaintext_auth);
	}
	if (st != SMTP_OK) {
		smtp_throw_status(st, c->session, NULL, NULL);
		after_error(c);
		return FAILURE;
	}
	c->authenticated = true;
	return SUCCESS;
}

/* SCRAM's client nonce: the CSPRNG or nothing (no fallback: a guessable nonce would allow replays). */
static int scram_nonce(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	return php_random_bytes_silent(buf, len) == SUCCESS ? 0 : -1;
}

/* This object's timeouts, extensions and logger on its session. */
static void configure_session(smtp_client_obj *c)
{
	const char *h = ZSTR_VAL(c->host);
	char peer[300];
	/* port 465 is implicit TLS: a server there waits for our TLS hello and never greets in cleartext,
	 * so the greeting is waited for as long as the connect may take, not the command timeout */
	int greeting_ms = c->port == 465 && c->tls_mode != SMTP_TLS_IMPLICIT ? seconds_to_ms(c->timeout) : 0;
	smtp_session_set_nonce_source(c->session, scram_nonce, NULL);
	snprintf(peer, sizeof(peer), strchr(h, ':') && h[0] != '[' ? "[%s]:" ZEND_LONG_FMT : "%s:" ZEND_LONG_FMT, h,
		c->port);
	smtp_session_set_peer(c->session, peer, greeting_ms);
	smtp_session_set_timeouts(c->session, seconds_to_ms(c->command_timeout), seconds_to_ms(c->data_timeout));
	smtp_session_set_extensions(c->session, c->pipelining, c->chunking);
	if (Z_TYPE(c->logger) != IS_UNDEF) {
		smtp_session_set_logger(c->session, client_log, c);
	}
}

/* A kept persistent connection just handed over: RSET, the one round trip that tells it still works
 * (at most 10 s: a dead one is replaced rather than waited for), then AUTH if it was never done. */
static bool reuse_kept(smtp_client_obj *c, bool with_auth)
{
	int command_ms = seconds_to_ms(c->command_timeout);
	smtp_status st;
	configure_session(c);
	smtp_session_set_timeouts(c->session, command_ms < 10000 ? command_ms : 10000, seconds_to_ms(c->data_timeout));
	st = smtp_session_rset(c->session);
	smtp_session_set_timeouts(c->session, command_ms, seconds_to_ms(c->data_timeout));
	if (st != SMTP_OK) {
		smtp_transport_close(c);
		smtp_session_free(c->session);
		c->session = NULL;
		return false;
	}
	return !(with_auth && c->username && !c->authenticated)
		|| client_auth(c, c->username, c->password, c->auth_mech) == SUCCESS;
}

/* Connect to c->host, greet, EHLO, TLS as configured, then AUTH with the configured credentials when
 * with_auth. *retryable says whether another host may be tried after a failure. */
static zend_result client_open_host(smtp_client_obj *c, bool with_auth, bool *retryable)
{
	smtp_status st;
	zend_string *helo;

	*retryable = false;
	if (c->session) {
		smtp_session_free(c->session);
		c->session = NULL;
	}
	if (with_auth && c->username && !refresh_password(c)) {
		return FAILURE;
	}
	if (smtp_persistent_attach(c)) {
		if (reuse_kept(c, with_auth)) {
			return SUCCESS;
		}
		if (EG(exception)) { /* AUTH refused */
			client_quit_quietly(c, seconds_to_ms(c->command_timeout));
			return FAILURE;
		}
		smtp_persistent_attach(c); /* dead: a fresh connection under the same persistent id */
	}
	if (smtp_transport_connect(c) != SUCCESS) {
		smtp_persistent_closed(c); /* nothing to keep: leave the id to other objects */
		*retryable = true;         /* refused, unreachable, or a failed implicit-TLS handshake */
		return FAILURE;
	}
	c->session = smtp_session_new(smtp_persistent_transport(c));
	if (!c->session) {
		smtp_transport_close(c);
		zend_throw_error(NULL, "Out of memory");
		return FAILURE;
	}
	configure_session(c);
	if (c->tls_mode == SMTP_TLS_IMPLICIT) {
		smtp_session_set_tls_active(c->session, 1);
	}
	helo = c->helo ? c->helo : smtp_default_helo();
	c->tls_dropped = false;
	st = smtp_session_open(c->session, ZSTR_VAL(helo), (smtp_tls_mode)c->tls_mode);
	if (st != SMTP_OK) {
		if (st == SMTP_ERR_TLS && c->tls_dropped) {
			/* the STARTTLS handshake died with the connection: a drop, transient */
			smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true, "%s", smtp_session_error(c->session));
		} else if (st == SMTP_ERR_TIMEOUT && c->tls_mode != SMTP_TLS_IMPLICIT
			&& strcmp(smtp_session_step(c->session), "the greeting") == 0) {
			/* an implicit-TLS server says nothing until the client starts TLS */
			smtp_throw(smtp_ce_ConnectionException, 0, NULL, NULL, true, "%s: no greeting in %.0f s; is this an "
				"implicit-TLS port? Use 'tls' => Smtp::TLS_IMPLICIT (the usual port for it is 465)",
				smtp_session_error(c->session),
				c->port == 465 ? c->timeout : c->command_timeout);
		} else {
			smtp_throw_status(st, c->session, NULL, NULL);
		}
		/* a drop, a TLS failure or a 4xx (421 greeting) is this host's problem; a 5xx is an answer */
		*retryable = st == SMTP_ERR_TLS || st == SMTP_ERR_IO || st == SMTP_ERR_CLOSED || st == SMTP_ERR_TIMEOUT
			|| smtp_session_error_transient(c->session);
		client_quit_quietly(c, seconds_to_ms(c->command_timeout));
		return FAILURE;
	}
	c->open = true;
	if (with_auth && c->username) {
		if (client_auth(c, c->username, c->password, c->auth_mech) != SUCCESS) {
			/* next time starts over, AUTH included */
			client_quit_quietly(c, seconds_to_ms(c->command_timeout));
			return FAILURE;
		}
	}
	return SUCCESS;
}

/* Round robin over the host list, for the whole process (each worker spreads its own connections). */
ZEND_TLS uint32_t round_robin_next;

static void set_current_host(smtp_client_obj *c, zval *pair)
{
	zend_string_release(c->host);
	c->host = zend_string_copy(Z_STR_P(zend_hash_index_find(Z_ARRVAL_P(pair), 0)));
	c->port = Z_LVAL_P(zend_hash_index_find(Z_ARRVAL_P(pair), 1));
}

/*
 * Open a connection to the host, or to the first host of the list that takes it: a connection refused or
 * dropped, a TLS failure or a 4xx greeting moves on to the next host; a permanent error (5xx, AUTH
 * refused) stops there. When every host failed, one ConnectionException names each host and its error,
 * with their exceptions as its previous chain.
 */
static zend_result client_open(smtp_client_obj *c, bool with_auth)
{
	uint32_t n, i, start;
	zend_object *chain = NULL;
	smart_str why = {0};
	bool retryable;

	if (!c->hosts) {
		return client_open_host(c, with_auth, &retryable);
	}
	n = zend_hash_num_elements(c->hosts);
	start = c->round_robin ? round_robin_next++ % n : 0;
	for (i = 0; i < n; i++) {
		zend_object *ex;
		zval rv, *msg;
		set_current_host(c, zend_hash_index_find(c->hosts, (start + i) % n));
		if (client_open_host(c, with_auth, &retryable) == SUCCESS) {
			if (chain) {
				OBJ_RELEASE(chain);
			}
			smart_str_free(&why);
			return SUCCESS;
		}
		if (!retryable || !EG(exception)) {
			if (chain) {
				OBJ_RELEASE(chain);
			}
			smart_str_free(&why);
			return FAILURE;
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
static zend_result client_ensure_open(smtp_client_obj *c, bool with_auth)
{
	php_stream *stream = smtp_transport_stream(c);
	if (stream && c->open && c->session && smtp_session_usable(c->session)) {
		if (!smtp_transport_idle_input(c)) {
			return SUCCESS;
		}
		/* quietly: that connection is over, the next one is what the caller asked for */
	}
	smtp_transport_close(c);
	return client_open(c, with_auth);
}

static bool client_connected(smtp_client_obj *c)
{
	return smtp_transport_stream(c) && c->open && c->session && smtp_session_usable(c->session);
}

/* ---- the constructor and its options ------------------------------------------------------------ */

static bool opt_bool(zend_string *key, zval *v, bool *out)
{
	if (Z_TYPE_P(v) != IS_TRUE && Z_TYPE_P(v) != IS_FALSE) {
		zend_argument_type_error(3, "option \"%s\" must be of type bool, %s given", ZSTR_VAL(key),
			zend_zval_type_name(v));
		return false;
	}
	*out = Z_TYPE_P(v) == IS_TRUE;
	return true;
}

static bool opt_seconds(zend_string *key, zval *v, double *out)
{
	double d;
	if (Z_TYPE_P(v) == IS_LONG) {
		d = (double)Z_LVAL_P(v);
	} else if (Z_TYPE_P(v) == IS_DOUBLE) {
		d = Z_DVAL_P(v);
	} else {
		zend_argument_type_error(3, "option \"%s\" must be of type int|float, %s given", ZSTR_VAL(key),
			zend_zval_type_name(v));
		return false;
	}
	if (!(d > 0) || !zend_finite(d)) {
		zend_argument_value_error(3, "option \"%s\" must be a number of seconds greater than 0", ZSTR_VAL(key));
		return false;
	}
	*out = d;
	return true;
}

static bool opt_string(zend_string *key, zval *v, zend_string **out, bool nullable)
{
	if (Z_TYPE_P(v) == IS_NULL && nullable) {
		if (*out) {
			zend_string_release(*out);
		}
		*out = NULL;
		return true;
	}
	if (Z_TYPE_P(v) != IS_STRING) {
		zend_argument_type_error(3, "option \"%s\" must be of type %s, %s given", ZSTR_VAL(key),
			nullable ? "?string" : "string", zend_zval_type_name(v));
		return false;
	}
	if (*out) {
		zend_string_release(*out);
	}
	*out = zend_string_copy(Z_STR_P(v));
	return true;
}

/* "context": ['ssl' => ['cafile' => ...], 'socket' => [...]], or a stream context resource */
static bool opt_context(smtp_client_obj *c, zval *v)
{
	zend_string *wrapper;
	zval *options;
	HashTable *ht;

	if (Z_TYPE_P(v) == IS_RESOURCE) {
		php_stream_context *context = zend_fetch_resource_ex(v, NULL, php_le_stream_context());
		if (!context) {
			zend_argument_type_error(3, "option \"context\" must be an array or a stream context");
			return false;
		}
		zval_ptr_dtor(&c->context);
		ZVAL_COPY(&c->context, &context->options);
		return true;
	}
	if (Z_TYPE_P(v) != IS_ARRAY) {
		zend_argument_type_error(3, "option \"context\" must be of type array, %s given", zend_zval_type_name(v));
		return false;
	}
	ht = Z_ARRVAL_P(v);
	ZEND_HASH_FOREACH_STR_KEY_VAL(ht, wrapper, options) {
		ZVAL_DEREF(options);
		if (!wrapper || Z_TYPE_P(options) != IS_ARRAY) {
			zend_argument_value_error(3, "option \"context\" must map wrapper names (\"ssl\", \"socket\") to "
				"arrays of options");
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&c->context);
	ZVAL_COPY(&c->context, v);
	return true;
}

static bool apply_option(smtp_client_obj *c, zend_string *key, zval *v, bool *tls_given)
{
	ZVAL_DEREF(v);
	if (zend_string_equals_literal(key, "tls")) {
		if (Z_TYPE_P(v) != IS_LONG) {
			zend_argument_type_error(3, "option \"tls\" must be of type int, %s given", zend_zval_type_name(v));
			return false;
		}
		if (Z_LVAL_P(v) < SMTP_TLS_NONE || Z_LVAL_P(v) > SMTP_TLS_OPPORTUNISTIC) {
			zend_argument_value_error(3, "option \"tls\" must be one of Smtp::TLS_NONE, Smtp::TLS_STARTTLS, "
				"Smtp::TLS_IMPLICIT or Smtp::TLS_OPPORTUNISTIC");
			return false;
		}
		c->tls_mode = (int)Z_LVAL_P(v);
		*tls_given = true;
		return true;
	}
	if (zend_string_equals_literal(key, "timeout")) {
		return opt_seconds(key, v, &c->timeout);
	}
	if (zend_string_equals_literal(key, "command_timeout")) {
		return opt_seconds(key, v, &c->command_timeout);
	}
	if (zend_string_equals_literal(key, "data_timeout")) {
		return opt_seconds(key, v, &c->data_timeout);
	}
	if (zend_string_equals_literal(key, "helo")) {
		if (!opt_string(key, v, &c->helo, true)) {
			return false;
		}
		if (c->helo && !helo_ok(c->helo)) {
			zend_argument_value_error(3, "option \"helo\" must be a host name or address literal (printable ASCII, "
				"no space, CR, LF or NUL)");
			return false;
		}
		return true;
	}
	if (zend_string_equals_literal(key, "context")) {
		return opt_context(c, v);
	}
	if (zend_string_equals_literal(key, "username")) {
		if (!opt_string(key, v, &c->username, true)) {
			return false;
		}
		if (c->username && smtp_has_line_break(ZSTR_VAL(c->username), ZSTR_LEN(c->username))) {
			zend_argument_value_error(3, "option \"username\" must not contain CR, LF or NUL characters");
			return false;
		}
		return true;
	}
	if (zend_string_equals_literal(key, "password")) {
		/* a private copy: it is wiped when released, which must never touch the caller's string */
		zval_ptr_dtor(&c->password_provider);
		ZVAL_UNDEF(&c->password_provider);
		if ((Z_TYPE_P(v) == IS_OBJECT || Z_TYPE_P(v) == IS_ARRAY) && zend_is_callable(v, 0, NULL)) {
			/* a token provider; a string is always the password itself, never a function name */
			wipe_password(c);
			ZVAL_COPY(&c->password_provider, v);
			return true;
		}
		if (Z_TYPE_P(v) != IS_STRING && Z_TYPE_P(v) != IS_NULL) {
			zend_argument_type_error(3, "option \"password\" must be a string, a callable (Closure, invokable "
				"object or array) or null, %s given", zend_zval_type_name(v));
			return false;
		}
		wipe_password(c);
		c->password = Z_TYPE_P(v) == IS_STRING ? zend_string_init(Z_STRVAL_P(v), Z_STRLEN_P(v), 0) : NULL;
		return true;
	}
	if (zend_string_equals_literal(key, "auth")) {
		if (Z_TYPE_P(v) == IS_NULL) {
			c->auth_mech = SMTP_AUTH_AUTO;
			return true;
		}
		if (Z_TYPE_P(v) != IS_STRING) {
			zend_argument_type_error(3, "option \"auth\" must be of type ?string, %s given", zend_zval_type_name(v));
			return false;
		}
		c->auth_mech = smtp_parse_auth_mech(Z_STRVAL_P(v), Z_STRLEN_P(v));
		if (c->auth_mech < 0) {
			zend_argument_value_error(3, "option \"auth\" must be one of \"PLAIN\", \"LOGIN\", \"CRAM-MD5\", "
				"\"SCRAM-SHA-1\", \"SCRAM-SHA-256\", \"OAUTHBEARER\" or "
				"\"XOAUTH2\"");
			return false;
		}
		return true;
	}
	if (zend_string_equals_literal(key, "round_robin")) {
		return opt_bool(key, v, &c->round_robin);
	}
	if (zend_string_equals_literal(key, "allow_plaintext_auth")) {
		return opt_bool(key, v, &c->allow_plaintext_auth);
	}
	if (zend_string_equals_literal(key, "pipelining")) {
		return opt_bool(key, v, &c->pipelining);
	}
	if (zend_string_equals_literal(key, "chunking")) {
		return opt_bool(key, v, &c->chunking);
	}
	if (zend_string_equals_literal(key, "partial")) {
		return opt_bool(key, v, &c->partial);
	}
	if (zend_string_equals_literal(key, "logger")) {
		if (Z_TYPE_P(v) == IS_NULL) {
			zval_ptr_dtor(&c->logger);
			ZVAL_UNDEF(&c->logger);
			return true;
		}
		if (!zend_is_callable(v, 0, NULL)) {
			zend_argument_type_error(3, "option \"logger\" must be a valid callback or null");
			return false;
		}
		zval_ptr_dtor(&c->logger);
		ZVAL_COPY(&c->logger, v);
		return true;
	}
	if (zend_string_equals_literal(key, "persistent")) {
		if (Z_TYPE_P(v) != IS_TRUE && Z_TYPE_P(v) != IS_FALSE && Z_TYPE_P(v) != IS_STRING) {
			zend_argument_type_error(3, "option \"persistent\" must be of type string|bool, %s given",
				zend_zval_type_name(v));
			return false;
		}
		if (Z_TYPE_P(v) == IS_STRING && (Z_STRLEN_P(v) == 0
			|| smtp_has_line_break(Z_STRVAL_P(v), Z_STRLEN_P(v)))) {
			zend_argument_value_error(3, "option \"persistent\" must be a non-empty single-line identifier");
			return false;
		}
		zval_ptr_dtor(&c->persistent);
		ZVAL_COPY(&c->persistent, v);
		return true;
	}
	if (zend_string_equals_literal(key, "dkim")) {
		smtp_dkim_config *cfg = Z_TYPE_P(v) == IS_NULL ? NULL : smtp_dkim_config_from_option(v, "Smtp::__construct(): "
			"Argument #3 ($options) option \"dkim\"");
		if (!cfg && Z_TYPE_P(v) != IS_NULL) {
			return false;
		}
		smtp_dkim_config_free(c->dkim);
		c->dkim = cfg;
		return true;
	}
	zend_argument_value_error(3, "contains unknown option \"%s\"", ZSTR_VAL(key));
	return false;
}

ZEND_METHOD(Smtp, __construct)
{
	zend_string *host = NULL;
	HashTable *host_list = NULL;
	zend_long port = 0;
	HashTable *options = NULL;
	smtp_client_obj *c = smtp_client_from_obj(Z_OBJ_P(ZEND_THIS));
	zend_string *key;
	zval *v;
	bool tls_given = false;

	ZEND_PARSE_PARAMETERS_START(0, 3)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(host_list, host)
		Z_PARAM_LONG(port)
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (c->host) {
		zend_throw_error(NULL, "Cannot call Smtp::__construct() twice");
		RETURN_THROWS();
	}
	if (host && !host_arg_ok(host)) {
		RETURN_THROWS();
	}
	if (host_list) {
		zval *item;
		if (zend_hash_num_elements(host_list) == 0) {
			zend_argument_value_error(1, "must not be an empty list of hosts");
			RETURN_THROWS();
		}
		ZEND_HASH_FOREACH_VAL(host_list, item) {
			zval *h = item, *p = NULL;
			ZVAL_DEREF(item);
			if (Z_TYPE_P(item) == IS_ARRAY) {
				h = zend_hash_index_find(Z_ARRVAL_P(item), 0);
				p = zend_hash_index_find(Z_ARRVAL_P(item), 1);
				if (zend_hash_num_elements(Z_ARRVAL_P(item)) != 2 || !h || !p || Z_TYPE_P(p) != IS_LONG
					|| Z_LVAL_P(p) < 1 || Z_LVAL_P(p) > 65535) {
					zend_argument_value_error(1, "must list host names or [host, port] pairs (port 1 to 65535)");
					RETURN_THROWS();
				}
			}
			if (Z_TYPE_P(h) != IS_STRING || !host_ok(Z_STR_P(h))) {
				zend_argument_value_error(1, "must list host names or IP addresses, or [host, port] pairs");
				RETURN_THROWS();
			}
		} ZEND_HASH_FOREACH_END();
	}
	if (port < 0 || port > 65535) {
		zend_argument_value_error(2, "must be between 0 and 65535");
		RETURN_THROWS();
	}
	if (options) {
		ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v) {
			if (!key) {
				zend_argument_value_error(3, "must be an array with option names as keys");
				RETURN_THROWS();
			}
			if (!apply_option(c, key, v, &tls_given)) {
				RETURN_THROWS();
			}
		} ZEND_HASH_FOREACH_END();
	}
	if (c->username && !c->password && Z_TYPE(c->password_provider) == IS_UNDEF) {
		zend_argument_value_error(3, "option \"password\" is required with option \"username\"");
		RETURN_THROWS();
	}
	if (c->password && !c->username) {
		/* it would be silently unused: no AUTH is ever attempted without a user name */
		zend_argument_value_error(3, "option \"password\" needs option \"username\" (AUTH sends both; for "
			"XOAUTH2 the username is the mailbox the token is for)");
		RETURN_THROWS();
	}
	if (!tls_given) {
		c->tls_mode = port == 465 ? SMTP_TLS_IMPLICIT : SMTP_TLS_STARTTLS;
	}
	if (port == 0) {
		port = c->tls_mode == SMTP_TLS_IMPLICIT ? 465 : c->tls_mode == SMTP_TLS_STARTTLS ? 587 : 25;
	}
	c->port = port;
	if (host_list) {
		zval *item, pair;
		c->hosts = zend_new_array(zend_hash_num_elements(host_list));
		ZEND_HASH_FOREACH_VAL(host_list, item) {
			ZVAL_DEREF(item);
			array_init_size(&pair, 2);
			if (Z_TYPE_P(item) == IS_ARRAY) {
				add_next_index_str(&pair, zend_string_copy(Z_STR_P(zend_hash_index_find(Z_ARRVAL_P(item), 0))));
				add_next_index_long(&pair, Z_LVAL_P(zend_hash_index_find(Z_ARRVAL_P(item), 1)));
			} else {
				add_next_index_str(&pair, zend_string_copy(Z_STR_P(item)));
				add_next_index_long(&pair, port);
			}
			zend_hash_next_index_insert_new(c->hosts, &pair);
		} ZEND_HASH_FOREACH_END();
		c->host = zend_string_copy(Z_STR_P(zend_hash_index_find(Z_ARRVAL_P(zend_hash_index_find(c->hosts, 0)), 0)));
		c->port = Z_LVAL_P(zend_hash_index_find(Z_ARRVAL_P(zend_hash_index_find(c->hosts, 0)), 1));
		return;
	}
	c->host = host ? zend_string_copy(host) : zend_string_init("localhost", sizeof("localhost") - 1, 0);
}

void smtp_client_set_host_list(smtp_client_obj *c, const char *csv)
{
	const char *p = csv;
	zval pair;
	if (!strchr(csv, ',')) {
		return;
	}
	c->hosts = zend_new_array(4);
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
			len--;
		}
		if (len) {
			array_init_size(&pair, 2);
			add_next_index_stringl(&pair, p, len);
			add_next_index_long(&pair, c->port);
			zend_hash_next_index_insert_new(c->hosts, &pair);
		}
		if (!end) {
			break;
		}
		p = end + 1;
	}
	if (zend_hash_num_elements(c->hosts) == 0) {
		zend_array_destroy(c->hosts);
		c->hosts = NULL;
		return;
	}
	zend_string_release(c->host);
	c->host = zend_string_copy(Z_STR_P(zend_hash_index_find(Z_ARRVAL_P(zend_hash_index_find(c->hosts, 0)), 0)));
}

/* ---- connect / login / simple commands ---------------------------------------------------------- */

#define CLIENT() smtp_client_from_obj(Z_OBJ_P(ZEND_THIS))

ZEND_METHOD(Smtp, connect)
{
	smtp_client_obj *c = CLIENT();
	ZEND_PARSE_PARAMETERS_NONE();
	if (!op_begin(c)) {
		RETURN_THROWS();
	}
	client_ensure_open(c, true);
	op_end(c);
}

ZEND_METHOD(Smtp, login)
{
	smtp_client_obj *c = CLIENT();
	zend_string *user, *password, *mechanism = NULL;
	int mech = SMTP_AUTH_AUTO;

	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(user)
		Z_PARAM_STR(password)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(mechanism)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_has_line_break(ZSTR_VAL(user), ZSTR_LEN(user))) {
		zend_argument_value_error(1, "must not contain CR, LF or NUL characters");
		RETURN_THROWS();
	}
	if (mechanism) {
		mech = smtp_parse_auth_mech(ZSTR_VAL(mechanism), ZSTR_LEN(mechanism));
		if (mech < 0) {
			zend_argument_value_error(3, "must be one of \"PLAIN\", \"LOGIN\", \"CRAM-MD5\", \"SCRAM-SHA-1\", "
				"\"SCRAM-SHA-256\", \"XOAUTH2\" or \"OAUTHBEARER\"");
			RETURN_THROWS();
		}
	} else if (c->username) {
		mech = c->auth_mech;
	}
	if (!op_begin(c)) {
		RETURN_THROWS();
	}
	if (client_ensure_open(c, false) == SUCCESS && client_auth(c, user, password, mech) == SUCCESS) {
		/* a reconnection authenticates the same way */
		if (c->username) {
			zend_string_release(c->username);
		}
		wipe_password(c);
		zval_ptr_dtor(&c->password_provider); /* login()'s password replaces a provider */
		ZVAL_UNDEF(&c->password_provider);
		c->username = zend_string_copy(user);
		c->password = zend_string_init(ZSTR_VAL(password), ZSTR_LEN(password), 0);
		c->auth_mech = mech;
	}
	op_end(c);
}

static void simple_command(INTERNAL_FUNCTION_PARAMETERS, smtp_status (*fn)(smtp_session *), bool connect)
{
	smtp_client_obj *c = CLIENT();
	smtp_status st;

	ZEND_PARSE_PARAMETERS_NONE();
	if (!op_begin(c)) {
		RETURN_THROWS();
	}
	if (!connect && !client_connected(c)) {
		op_end(c);
		return; /* nothing to reset on a connection we do not have */
	}
	if (client_ensure_open(c, true) == SUCCESS) {
		st = fn(c->session);
		if (st != SMTP_OK) {
			smtp_throw_status(st, c->session, NULL, NULL);
			after_error(c);
		}
	}
	op_end(c);
}

ZEND_METHOD(Smtp, reset)
{
	simple_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, smtp_session_rset, false);
}

ZEND_METHOD(Smtp, noop)
{
	simple_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, smtp_session_noop, true);
}

ZEND_METHOD(Smtp, quit)
{
	smtp_client_obj *c = CLIENT();
	ZEND_PARSE_PARAMETERS_NONE();
	if (!op_begin(c)) {
		RETURN_THROWS();
	}
	client_quit_quietly(c, seconds_to_ms(c->command_timeout));
	op_end(c);
}

ZEND_METHOD(Smtp, isConnected)
{
	smtp_client_obj *c = CLIENT();
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_BOOL(client_connected(c));
}

ZEND_METHOD(Smtp, getCapabilities)
{
	smtp_client_obj *c = CLIENT();
	const smtp_capabilities *caps;
	size_t i;

	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	if (!client_connected(c)) {
		return;
	}
	caps = smtp_session_capabilities(c->session);
	for (i = 0; i < caps->count; i++) {
		add_assoc_string(return_value, caps->items[i].keyword, caps->items[i].param ? caps->items[i].param : "");
	}
}

ZEND_METHOD(Smtp, getHost)
{
	smtp_client_obj *c = CLIENT();

	ZEND_PARSE_PARAMETERS_NONE();
	if (!c->host) {
		RETURN_NULL();
	}
	RETURN_STR(zend_strpprintf(0, "%s:" ZEND_LONG_FMT, ZSTR_VAL(c->host), c->port));
}

ZEND_METHOD(Smtp, getLastReply)
{
	smtp_client_obj *c = CLIENT();
	const smtp_reply *r;

	ZEND_PARSE_PARAMETERS_NONE();
	if (!c->session) {
		RETURN_NULL();
	}
	r = smtp_session_last_reply(c->session);
	if (!r || r->code == 0 || !r->text.data) {
		RETURN_NULL();
	}
	RETURN_STRINGL(r->text.data, r->text.len);
}

/* ---- sending ------------------------------------------------------------------------------------- */

typedef struct recipients {
	zend_string **items;
	uint32_t count, cap;
	HashTable seen;        /* lower-cased, to send each address once */
} recipients;

static void recipients_init(recipients *r)
{
	memset(r, 0, sizeof(*r));
	zend_hash_init(&r->seen, 8, NULL, NULL, 0);
}

static void recipients_free(recipients *r)
{
	uint32_t i;
	for (i = 0; i < r->count; i++) {
		zend_string_release(r->items[i]);
	}
	if (r->items) {
		efree(r->items);
	}
	zend_hash_destroy(&r->seen);
}

static void recipients_add(recipients *r, zend_string *address)
{
	zend_string *lc = zend_string_tolower(address);
	if (zend_hash_add_empty_element(&r->seen, lc)) {
		if (r->count == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 4;
			r->items = safe_erealloc(r->items, r->cap, sizeof(*r->items), 0);
		}
		r->items[r->count++] = zend_string_copy(address);
	}
	zend_string_release(lc);
}

static void recipients_add_list(recipients *r, const smtp_php_mailbox_list *l)
{
	uint32_t i;
	for (i = 0; i < l->count; i++) {
		recipients_add(r, l->items[i].address);
	}
}

/* $to of send(): an address or a list of them */
static bool recipients_from_arg(recipients *r, HashTable *to_ht, zend_string *to_str, uint32_t arg_num)
{
	if (to_str) {
		if (!smtp_check_address(to_str, arg_num, NULL)) {
			return false;
		}
		recipients_add(r, to_str);
		return true;
	}
	if (to_ht) {
		zval *v;
		ZEND_HASH_FOREACH_VAL(to_ht, v) {
			ZVAL_DEREF(v);
			if (Z_TYPE_P(v) != IS_STRING) {
				zend_argument_type_error(arg_num, "must contain only strings, %s given", zend_zval_type_name(v));
				return false;
			}
			if (!smtp_check_address(Z_STR_P(v), arg_num, "an entry")) {
				return false;
			}
			recipients_add(r, Z_STR_P(v));
		} ZEND_HASH_FOREACH_END();
	}
	return true;
}

/* A raw message goes out as it is: it must already obey the line rules the encoder cannot fix. */
static bool check_raw_message(zend_string *msg, uint32_t arg_num)
{
	const unsigned char *p = (const unsigned char *)ZSTR_VAL(msg), *end = p + ZSTR_LEN(msg);
	size_t line = 0;
	if (memchr(p, '\0', ZSTR_LEN(msg))) {
		zend_argument_value_error(arg_num, "must not contain NUL bytes");
		return false;
	}
	for (; p < end; p++) {
		if (*p == '\r' || *p == '\n') {
			line = 0;
		} else if (++line > SMTP_MAX_TEXT_LINE) {
			zend_argument_value_error(arg_num, "must not contain lines longer than %d octets "
				"(Smtp\\Message encodes long lines)", SMTP_MAX_TEXT_LINE);
			return false;
		}
	}
	return true;
}

/* The size of a raw message on the wire for SIZE (RFC 1870): every bare CR or LF becomes CRLF and the
 * last line gets one; dot-stuffing is not counted. */
static uint64_t raw_wire_size(const char *p, size_t len)
{
	uint64_t size = len;
	size_t i;
	for (i = 0; i < len; i++) {
		if ((p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n')) || (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))) {
			size++;
		}
	}
	if (len && p[len - 1] != '\n' && p[len - 1] != '\r') {
		size += 2;
	}
	return size;
}

/* The Message-ID of a raw message, from its header (for Result::$messageId), or NULL: the field
 * unfolded (RFC 5322 2.2.3), its comments and spaces dropped, so what remains is the "<id>" itself. */
static zend_string *raw_message_id(const char *p, size_t len)
{
	const char *end = p + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((eol ? eol : end) - p);
		if (n && p[n - 1] == '\r') {
			n--;
		}
		if (n == 0) {
			break; /* end of the header */
		}
		if (n >= 11 && zend_binary_strncasecmp(p, n, "Message-ID:", 11, 11) == 0) {
			smart_str id = {0};
			int depth = 0;
			const char *q = p + 11;
			/* the value runs on over continuation lines (those starting with a space or a tab) */
			for (;;) {
				const char *le = p + n;
				for (; q < le; q++) {
					char ch = *q;
					if (depth > 0) {
						if (ch == '\\' && q + 1 < le) {
							q++;
						} else if (ch == '(') {
							depth++;
						} else if (ch == ')') {
							depth--;
						}
					} else if (ch == '(') {
						depth = 1;
					} else if (ch != ' ' && ch != '\t') {
						smart_str_appendc(&id, ch);
					}
				}
				if (!eol || eol + 1 >= end || (eol[1] != ' ' && eol[1] != '\t')) {
					break;
				}
				p = eol + 1;
				eol = memchr(p, '\n', (size_t)(end - p));
				n = (size_t)((eol ? eol : end) - p);
				if (n && p[n - 1] == '\r') {
					n--;
				}
				q = p;
			}
			smart_str_0(&id);
			return id.s && ZSTR_LEN(id.s) ? id.s : (smart_str_free(&id), NULL);
		}
		if (!eol) {
			break;
		}
		p = eol + 1;
	}
	return NULL;
}

static smtp_status raw_body(void *ctx, smtp_sink *sink)
{
	zend_string *msg = ctx;
	return smtp_sink_write(sink, ZSTR_VAL(msg), ZSTR_LEN(msg));
}

static smtp_status message_body(void *ctx, smtp_sink *sink)
{
	smtp_outgoing *o = ctx;
	smtp_boundary_rng_rewind(o->rng);
	return smtp_mime_write(&o->b.msg, sink, smtp_boundary_random, o->rng, o->body_err, sizeof(o->body_err));
}

/* ---- a raw message read from a stream ------------------------------------------------------------ */

#define STREAM_CHUNK 65536

/* The stream, or NULL when the caller has closed it since. */
static php_stream *outgoing_stream(smtp_outgoing *o)
{
	return (php_stream *)zend_fetch_resource2(o->stream_res, NULL, php_file_le_stream(), php_file_le_pstream());
}

/* Read the message in chunks from where it started into the DATA encoder (which normalises line ends and
 * refuses NUL and over-long lines: the core then hangs up, so nothing is delivered). */
static smtp_status stream_body(void *ctx, smtp_sink *sink)
{
	smtp_outgoing *o = ctx;
	php_stream *stream = outgoing_stream(o);
	smtp_status st = SMTP_OK;
	bool first = true;
	char *buf;

	if (!stream) {
		snprintf(o->body_err, sizeof(o->body_err), "Not sent: the message stream was closed before it was read");
		return SMTP_ERR_SOURCE;
	}
	if (php_stream_tell(stream) != o->stream_start && php_stream_seek(stream, o->stream_start, SEEK_SET) != 0) {
		snprintf(o->body_err, sizeof(o->body_err),
			"Not sent: the message stream must be read again and cannot be rewound");
		return SMTP_ERR_SOURCE;
	}
	buf = emalloc(STREAM_CHUNK);
	for (;;) {
		ssize_t n;
		/* looked up each time: the logger, called while writing, may have closed it */
		if (!(stream = outgoing_stream(o))) {
			snprintf(o->body_err, sizeof(o->body_err), "Not sent: the message stream was closed while it was read");
			st = SMTP_ERR_SOURCE;
			break;
		}
		n = php_stream_read(stream, buf, STREAM_CHUNK);
		if (n < 0 || (n == 0 && !php_stream_eof(stream))) {
			snprintf(o->body_err, sizeof(o->body_err), "Not sent: reading the message stream failed%s",
				n == 0 ? " (no data and no end: a timeout?)" : "");
			st = SMTP_ERR_SOURCE;
			break;
		}
		if (n == 0) {
			break;
		}
		if (first) {
			/* the header is in the first chunk but for freak messages */
			if (o->stream_message_id) {
				zend_string_release(o->stream_message_id);
			}
			o->stream_message_id = raw_message_id(buf, (size_t)n);
			first = false;
		}
		if ((st = smtp_sink_write(sink, buf, (size_t)n)) != SMTP_OK) {
			break;
		}
	}
	efree(buf);
	return st;
}

/* A raw message from a stream: it must be open for reading; SIZE is known when it is a file. */
static bool outgoing_set_stream(smtp_outgoing *o, zval *zstream, uint32_t arg_num)
{
	php_stream *stream;
	int64_t size;

	stream = (php_stream *)zend_fetch_resource2(Z_RES_P(zstream), NULL, php_file_le_stream(), php_file_le_pstream());
	if (!stream) {
		zend_argument_type_error(arg_num, "must be of type Smtp\\Message|string|resource, %s given",
			Z_RES_P(zstream)->type == -1 ? "closed resource" : "resource that is not a stream");
		return false;
	}
	if (stream->flags & PHP_STREAM_FLAG_IS_DIR) {
		zend_argument_value_error(arg_num, "must be a stream of a message, not a directory handle");
		return false;
	}
	if (!strchr(stream->mode, 'r') && !strchr(stream->mode, '+')) {
		zend_argument_value_error(arg_num, "must be a stream opened for reading (mode \"%s\")", stream->mode);
		return false;
	}
	o->stream_res = Z_RES_P(zstream);
	GC_ADDREF(o->stream_res);
	o->stream_start = php_stream_tell(stream);
	if (o->stream_start < 0) {
		o->stream_start = 0;
	}
	if ((size = smtp_stream_file_size(stream)) > (int64_t)o->stream_start) {
		char last = '\n';
		o->stream_size = (uint64_t)(size - (int64_t)o->stream_start);
		/* the encoder ends the last line with CRLF when the file does not: count it, so the SIZE of a
		 * CRLF file is exact */
		if (php_stream_seek(stream, (zend_off_t)(size - 1), SEEK_SET) == 0) {
			if (php_stream_read(stream, &last, 1) != 1) {
				last = '\n';
			}
		}
		php_stream_seek(stream, o->stream_start, SEEK_SET);
		o->stream_size += last == '\n' ? 0 : last == '\r' ? 1 : 2;
	}
	return true;
}

/* Smtp\Result is made by send() only */
ZEND_METHOD(Smtp_Result, __construct)
{
	(void)return_value;
	ZEND_PARSE_PARAMETERS_NONE();
}

/* reply: the server's final reply (NULL: none) */
static void make_result(zval *return_value, const char *reply, size_t reply_len, const smtp_send_result *res,
	const smtp_envelope *env, zend_string *message_id)
{
	zval accepted, rejected, tmp;
	zend_object *obj;
	size_t i;

	object_init_ex(return_value, smtp_ce_Result);
	obj = Z_OBJ_P(return_value);
	array_init(&accepted);
	array_init(&rejected);
	for (i = 0; i < env->rcpt_count; i++) {
		if (i < res->rcpt_count && res->accepted[i]) {
			add_next_index_string(&accepted, smtp_recipient_name(&env->rcpt[i]));
		} else {
			add_assoc_string(&rejected, smtp_recipient_name(&env->rcpt[i]),
				i < res->rcpt_count && res->rcpt_reply[i] ? res->rcpt_reply[i] : "");
		}
	}
	if (res->queue_id) {
		ZVAL_STRING(&tmp, res->queue_id);
	} else {
		ZVAL_NULL(&tmp);
	}
	zend_update_property(smtp_ce_Result, obj, "queueId", sizeof("queueId") - 1, &tmp);
	zval_ptr_dtor(&tmp);
	zend_update_property(smtp_ce_Result, obj, "accepted", sizeof("accepted") - 1, &accepted);
	zval_ptr_dtor(&accepted);
	zend_update_property(smtp_ce_Result, obj, "rejected", sizeof("rejected") - 1, &rejected);
	zval_ptr_dtor(&rejected);
	if (reply) {
		ZVAL_STRINGL(&tmp, reply, reply_len);
	} else {
		ZVAL_EMPTY_STRING(&tmp);
	}
	zend_update_property(smtp_ce_Result, obj, "reply", sizeof("reply") - 1, &tmp);
	zval_ptr_dtor(&tmp);
	if (message_id) {
		ZVAL_STR_COPY(&tmp, message_id);
	} else {
		ZVAL_NULL(&tmp);
	}
	zend_update_property(smtp_ce_Result, obj, "messageId", sizeof("messageId") - 1, &tmp);
	zval_ptr_dtor(&tmp);
	ZVAL_NULL(&tmp);
	zend_update_property(smtp_ce_Result, obj, "loggerException", sizeof("loggerException") - 1, &tmp);
}

void smtp_result_set_logger_exception(zval *result, zend_object *ex)
{
	/* readonly and already initialised (null): the slot is written directly, as the class's own code */
	zend_property_info *info = zend_hash_str_find_ptr(&smtp_ce_Result->properties_info, "loggerException",
		sizeof("loggerException") - 1);
	zval *slot;
	if (!info) {
		return;
	}
	slot = OBJ_PROP(Z_OBJ_P(result), info->offset);
	zval_ptr_dtor(slot);
	ZVAL_OBJ_COPY(slot, ex);
}

/* ---- one message: send()'s checks, its envelope and body, its outcome (send() and sendBatch()) --- */

void smtp_outgoing_clear(smtp_outgoing *o)
{
	memset(o, 0, sizeof(*o));
}

void smtp_outgoing_release_build(smtp_outgoing *o)
{
	if (o->built) {
		if (o->m) {
			smtp_message_build_free(&o->b);
		}
		efree(o->list);
		o->list = NULL;
		o->built = false;
	}
	smtp_dkim_job_free(o->dkim);
	o->dkim = NULL;
	o->dkim_size = 0;
	smtp_boundary_rng_free(o->rng);
	o->rng = NULL;
	o->prepared = false;
	smtp_idn_release(o);
}

void smtp_outgoing_free(smtp_outgoing *o)
{
	uint32_t i;
	smtp_outgoing_release_build(o);
	for (i = 0; i < o->rcpt_count; i++) {
		zend_string_release(o->rcpt[i]);
	}
	if (o->rcpt) {
		efree(o->rcpt);
	}
	if (o->from) {
		zend_string_release(o->from);
	}
	if (o->raw) {
		zend_string_release(o->raw);
	}
	if (o->stream_res) {
		zend_list_delete(o->stream_res);
	}
	if (o->stream_message_id) {
		zend_string_release(o->stream_message_id);
	}
	if (o->msg_obj) {
		OBJ_RELEASE(o->msg_obj);
	}
	smtp_dsn_release(o);
	smtp_outgoing_clear(o);
}

/* o holds the message (an object or a string), its sender and (taken from r) its recipients */
static void outgoing_set(smtp_outgoing *o, smtp_message_obj *m, zend_string *raw, zend_string *env_from,
	recipients *r)
{
	if (m) {
		o->msg_obj = &m->std;
		GC_ADDREF(o->msg_obj);
		o->m = m;
	} else if (raw) {
		o->raw = zend_string_copy(raw);
	}
	o->from = zend_string_copy(env_from);
	o->rcpt = r->items;
	o->rcpt_count = r->count;
	r->items = NULL;
	r->count = r->cap = 0;
}

bool smtp_outgoing_init(smtp_outgoing *o, zval *message, zend_string *from, HashTable *to_ht, zend_string *to_str,
	HashTable *dsn)
{
	recipients rcpts;
	zend_object *msg_obj = NULL;
	zend_string *msg_str = NULL;
	zval *stream = NULL, normal;
	bool ok = false;

	smtp_outgoing_clear(o);
	ZVAL_UNDEF(&normal);
	ZVAL_DEREF(message);
	if (Z_TYPE_P(message) == IS_OBJECT && instanceof_function(Z_OBJCE_P(message), smtp_ce_Message)) {
		msg_obj = Z_OBJ_P(message);
	} else if (Z_TYPE_P(message) == IS_STRING) {
		msg_str = zend_string_copy(Z_STR_P(message));
	} else if (Z_TYPE_P(message) == IS_RESOURCE) {
		stream = message;
	} else if (Z_TYPE_P(message) == IS_OBJECT && Z_OBJCE_P(message)->__tostring) {
		if (!(msg_str = zval_try_get_string(message))) {
			return false;
		}
	} else {
		zend_argument_type_error(1, "must be of type Smtp\\Message|string|resource, %s given",
			zend_zval_type_name(message));
		return false;
	}
	recipients_init(&rcpts);
	if (from && ZSTR_LEN(from) && !smtp_check_address(from, 2, NULL)) {
		goto out;
	}
	if (!recipients_from_arg(&rcpts, to_ht, to_str, 3)) {
		goto out;
	}
	if (dsn && smtp_dsn_normalize(dsn, &normal, 4) != SUCCESS) {
		goto out;
	}
	if (msg_obj) {
		smtp_message_obj *m = smtp_message_from_obj(msg_obj);
		zend_string *env_from;
		if (!to_ht && !to_str) {
			recipients_add_list(&rcpts, &m->to);
			recipients_add_list(&rcpts, &m->cc);
			recipients_add_list(&rcpts, &m->bcc);
		}
		if (rcpts.count == 0) {
			zend_argument_value_error(3, "must not be empty when the message has no To, Cc or Bcc address");
			goto out;
		}
		/* the envelope sender: the one given, else Sender (the address responsible), else From */
		env_from = from ? from : m->sender_address ? m->sender_address : m->from_address;
		if (!env_from) {
			zend_argument_value_error(2, "must be given when the message has no From or Sender address");
			goto out;
		}
		outgoing_set(o, m, NULL, env_from, &rcpts);
		/* send()'s $dsn replaces the message's own */
		if (!dsn && Z_TYPE(m->dsn) == IS_ARRAY && smtp_dsn_prepare(o, &m->dsn, "Smtp\\Message::dsn() option ") != SUCCESS) {
			goto out;
		}
	} else {
		if (!from) {
			zend_argument_value_error(2, "must be given when the message is a %s", stream ? "stream" : "string");
			goto out;
		}
		if (rcpts.count == 0) {
			zend_argument_value_error(3, "must name at least one recipient when the message is a %s",
				stream ? "stream" : "string");
			goto out;
		}
		if (msg_str && !check_raw_message(msg_str, 1)) {
			goto out;
		}
		if (stream && !outgoing_set_stream(o, stream, 1)) {
			goto out;
		}
		outgoing_set(o, NULL, msg_str, from, &rcpts);
	}
	if (dsn && smtp_dsn_prepare(o, &normal, "Smtp::send(): Argument #4 ($dsn) ") != SUCCESS) {
		goto out;
	}
	ok = true;
out:
	zval_ptr_dtor(&normal);
	if (msg_str) {
		zend_string_release(msg_str);
	}
	recipients_free(&rcpts);
	return ok;
}

/* Everything is checked and built (attachments opened) before the connection is touched. */
zend_result smtp_outgoing_build(smtp_client_obj *c, smtp_outgoing *o)
{
	uint32_t i;
	bool utf8 = !smtp_is_ascii(ZSTR_VAL(o->from), ZSTR_LEN(o->from));

	smtp_outgoing_release_build(o);
	if (o->m) {
		if (smtp_message_build_init(&o->b, o->m, c->helo ? ZSTR_VAL(c->helo) : ZSTR_VAL(smtp_default_helo()))
			!= SUCCESS) {
			return FAILURE;
		}
		if (!o->b.msg.has_from && ZSTR_LEN(o->from)) {
			o->b.msg.from.address.s = ZSTR_VAL(o->from);
			o->b.msg.from.address.len = ZSTR_LEN(o->from);
			o->b.msg.has_from = 1;
		}
	}
	o->list = safe_emalloc(o->rcpt_count, sizeof(*o->list), 0);
	for (i = 0; i < o->rcpt_count; i++) {
		o->list[i].address = ZSTR_VAL(o->rcpt[i]);
		o->list[i].notify = o->dsn_notify && o->dsn_notify[i] ? ZSTR_VAL(o->dsn_notify[i]) : NULL;
		o->list[i].orcpt = o->dsn_orcpt && o->dsn_orcpt[i] ? ZSTR_VAL(o->dsn_orcpt[i]) : NULL;
		o->list[i].label = NULL;
		if (!smtp_is_ascii(ZSTR_VAL(o->rcpt[i]), ZSTR_LEN(o->rcpt[i]))) {
			utf8 = true;
		}
	}
	memset(&o->env, 0, sizeof(o->env));
	o->env.from = ZSTR_VAL(o->from);
	o->env.rcpt = o->list;
	o->env.rcpt_count = o->rcpt_count;
	o->env.partial = c->partial;
	o->env.dsn_ret = o->dsn_ret ? ZSTR_VAL(o->dsn_ret) : NULL;
	o->env.dsn_envid = o->dsn_envid ? ZSTR_VAL(o->dsn_envid) : NULL;
	if (o->m) {
		o->env.requiretls = o->m->require_tls;
		o->env.smtputf8 = utf8 || smtp_mime_needs_smtputf8(&o->b.msg);
		o->rng = smtp_boundary_rng_new(o->b.message_id, o->b.date);
		o->body_fn = message_body;
		o->body_ctx = o;
	} else if (o->stream_res) {
		/* not scanned ahead: declared 8-bit, which is harmless for 7-bit content */
		o->env.smtputf8 = utf8;
		o->env.body_8bit = 1;
		o->env.size = o->stream_size;
		o->body_fn = stream_body;
		o->body_ctx = o;
	} else {
		o->env.smtputf8 = utf8;
		o->env.body_8bit = !smtp_is_ascii(ZSTR_VAL(o->raw), ZSTR_LEN(o->raw));
		o->env.size = raw_wire_size(ZSTR_VAL(o->raw), ZSTR_LEN(o->raw));
		o->body_fn = raw_body;
		o->body_ctx = o->raw;
	}
	o->body_err[0] = '\0';
	o->built = true;
	if (o->m && Z_TYPE(o->m->smime) == IS_ARRAY && smtp_smime_apply(o) != SUCCESS) {
		return FAILURE;
	}
	if (c->dkim && smtp_dkim_attach(c->dkim, o) != SUCCESS) {
		return FAILURE;
	}
	return SUCCESS;
}

zend_result smtp_outgoing_prepare(smtp_client_obj *c, smtp_outgoing *o)
{
	const smtp_capabilities *caps = smtp_session_capabilities(c->session);

	if (o->prepared) {
		return SUCCESS;
	}
	if (o->env.smtputf8 && caps && !caps->smtputf8 && smtp_idn_prepare(o) != SUCCESS) {
		return FAILURE;
	}
	if (o->m && !o->raw && caps && caps->size_advertised) { /* o->raw: the S/MIME form, its size known */
		/* SIZE= (RFC 1870): counted without reading the attachments; 0 (left out) when a size is unknown */
		uint64_t size = 0;
		o->env.size = smtp_mime_measure(&o->b.msg, &size) == SMTP_OK ? size + o->dkim_size : 0;
	}
	o->prepared = true;
	return SUCCESS;
}

void smtp_outgoing_result(smtp_outgoing *o, const smtp_send_result *res, const char *reply, size_t reply_len,
	zval *return_value)
{
	zend_string *raw_id = o->raw ? raw_message_id(ZSTR_VAL(o->raw), ZSTR_LEN(o->raw)) : NULL;
	make_result(return_value, reply, reply_len, res, &o->env,
		o->m ? o->b.message_id : o->raw ? raw_id : o->stream_message_id);
	if (raw_id) {
		zend_string_release(raw_id);
	}
}

bool smtp_outgoing_throw_body_error(smtp_outgoing *o, smtp_status st, const char *error)
{
	if (st == SMTP_ERR_INPUT && o->stream_res && !o->body_err[0]) {
		/* the DATA encoder refused what the stream gave: the core hung up, nothing was delivered */
		zend_argument_value_error(1, "must be a stream of a message without NUL bytes and without lines over %d "
			"octets (%s); nothing was delivered", SMTP_MAX_TEXT_LINE, error && error[0] ? error : "invalid content");
		return true;
	}
	if ((st == SMTP_ERR_SOURCE || st == SMTP_ERR_INPUT) && (o->m || o->stream_res) && o->body_err[0]) {
		/* the message writer failed mid-DATA: its reason is the useful one */
		if (st == SMTP_ERR_INPUT) {
			zend_value_error("%s", o->body_err);
		} else {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "%s", o->body_err);
		}
		return true;
	}
	return false;
}

/* One transaction of a checked message. */
static void client_send_outgoing(smtp_client_obj *c, smtp_outgoing *o, zval *return_value)
{
	smtp_send_result res;
	smtp_status st;
	bool reused;
	uint64_t heard;

	if (smtp_outgoing_build(c, o) != SUCCESS) {
		return;
	}
	if (!op_begin(c)) {
		return;
	}
	reused = client_connected(c);
	if (client_ensure_open(c, true) != SUCCESS) {
		op_end(c);
		return;
	}
	if (smtp_outgoing_prepare(c, o) != SUCCESS) {
		op_end(c);
		return;
	}
	memset(&res, 0, sizeof(res));
	heard = smtp_session_bytes_received(c->session);
	st = smtp_session_send(c->session, &o->env, o->body_fn, o->body_ctx, &res);
	if (reused && (st == SMTP_ERR_CLOSED || st == SMTP_ERR_IO) && !o->body_err[0]
		&& smtp_session_bytes_received(c->session) == heard) {
		/* The server had closed the connection we kept (an idle timeout, or the close after a failed
		 * transaction reaching us late): it answered nothing of this send, so it has nothing of it.
		 * Once more, on a new connection. */
		smtp_send_result_free(&res);
		memset(&res, 0, sizeof(res));
		smtp_transport_close(c);
		if (client_ensure_open(c, true) != SUCCESS) {
			op_end(c);
			return;
		}
		if (o->m) {
			smtp_message_build_rewind(&o->b);
		}
		st = smtp_session_send(c->session, &o->env, o->body_fn, o->body_ctx, &res);
	}
	if (st == SMTP_OK) {
		const smtp_reply *r = smtp_session_last_reply(c->session);
		zend_object *lex;
		smtp_outgoing_result(o, &res, r && r->text.data ? r->text.data : NULL, r && r->text.data ? r->text.len : 0,
			return_value);
		/* the logger threw after the server accepted the message: the Result says so, and is returned */
		if ((lex = smtp_client_take_logger_exception(c)) != NULL) {
			smtp_result_set_logger_exception(return_value, lex);
			OBJ_RELEASE(lex);
		}
	} else {
		if (!smtp_outgoing_throw_body_error(o, st, smtp_session_error(c->session))) {
			smtp_throw_status(st, c->session, &res, &o->env);
		}
		after_error(c);
	}
	smtp_send_result_free(&res);
	op_end(c);
}

/*
 * One transaction from checked parts (sendMail(), smtp_mail()). Exactly one of m / raw is given; env_from
 * is the reverse-path ("" for <>).
 */
static void client_send(smtp_client_obj *c, smtp_message_obj *m, zend_string *raw, zend_string *env_from,
	recipients *rcpts, zval *return_value)
{
	smtp_outgoing o;
	recipients copy;
	uint32_t i;

	recipients_init(&copy);
	for (i = 0; i < rcpts->count; i++) {
		recipients_add(&copy, rcpts->items[i]);
	}
	smtp_outgoing_clear(&o);
	outgoing_set(&o, m, raw, env_from, &copy);
	recipients_free(&copy);
	client_send_outgoing(c, &o, return_value);
	smtp_outgoing_free(&o);
}

ZEND_METHOD(Smtp, send)
{
	smtp_client_obj *c = CLIENT();
	zval *message;
	zend_string *from = NULL, *to_str = NULL;
	HashTable *to_ht = NULL, *dsn = NULL;
	smtp_outgoing o;

	ZEND_PARSE_PARAMETERS_START(1, 4)
		Z_PARAM_ZVAL(message)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(from)
		Z_PARAM_ARRAY_HT_OR_STR_OR_NULL(to_ht, to_str)
		Z_PARAM_ARRAY_HT_OR_NULL(dsn)
	ZEND_PARSE_PARAMETERS_END();

	if (!c->host) {
		zend_throw_error(NULL, "Smtp object is not initialized: its constructor was not called");
		RETURN_THROWS();
	}
	if (smtp_outgoing_init(&o, message, from, to_ht, to_str, dsn)) {
		client_send_outgoing(c, &o, return_value);
	}
	smtp_outgoing_free(&o);
}

/* ---- for sendMail() (smtp_sendmail.c) ------------------------------------------------------------ */

void smtp_client_send_message(smtp_client_obj *c, smtp_message_obj *m, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result)
{
	recipients rcpts;
	uint32_t i;
	recipients_init(&rcpts);
	for (i = 0; i < count; i++) {
		recipients_add(&rcpts, rcpt[i]);
	}
	client_send(c, m, NULL, from, &rcpts, result);
	recipients_free(&rcpts);
}

/* ---- for smtp_mail() ------------------------------------------------------------------------------ */

void smtp_client_send_raw(smtp_client_obj *c, zend_string *raw, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result)
{
	recipients rcpts;
	uint32_t i;
	recipients_init(&rcpts);
	for (i = 0; i < count; i++) {
		recipients_add(&rcpts, rcpt[i]);
	}
	client_send(c, NULL, raw, from, &rcpts, result);
	recipients_free(&rcpts);
}

void smtp_client_quit(smtp_client_obj *c)
{
	if (!c->busy) {
		client_quit_quietly(c, seconds_to_ms(c->command_timeout));
	}
}

/* ---- for smtp_batch.c ---------------------------------------------------------------------------- */

bool smtp_client_op_begin(smtp_client_obj *c)
{
	return op_begin(c);
}

void smtp_client_op_end(smtp_client_obj *c)
{
	op_end(c);
}

zend_result smtp_client_ensure_open(smtp_client_obj *c)
{
	return client_ensure_open(c, true);
}

void smtp_client_after_error(smtp_client_obj *c)
{
	after_error(c);
}

bool smtp_client_is_connected(smtp_client_obj *c)
{
	return client_connected(c);
}
