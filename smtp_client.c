/*
 * smtp_client.c - class Smtp: the object's life, the constructor and the methods. The options are
 * smtp_options.c's table, the connection's life smtp_client_connect.c's, one message to send
 * smtp_outgoing.c's (see smtp_client.h).
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "zend_smart_str.h"
#include "ext/standard/php_string.h"

#include "protocol/smtp_core.h"
#include "smtp_client.h"
#include "smtp_connection.h"
#include "smtp_exceptions.h"
#include "smtp_message.h"
#include "smtp_options.h"
#include "smtp_outgoing.h"
#include "smtp_persistent.h"
#include "smtp_values.h"

static zend_object_handlers smtp_client_handlers;

#define DTOR_QUIT_MS 2000

/* ---- object life --------------------------------------------------------------------------------- */

zend_object *smtp_client_create(zend_class_entry *ce)
{
	smtp_client_obj *c = zend_object_alloc(sizeof(smtp_client_obj), ce);
	zend_object_std_init(&c->std, ce);
	object_properties_init(&c->std, ce);
	c->std.handlers = &smtp_client_handlers;
	smtp_options_defaults(c);
	smtp_connection_init(&c->conn);
	return &c->std;
}

/* Give a persistent connection back to the pool when it is still good and the settings still give its
 * key (login() may have authenticated otherwise): true, c holds no connection now. Never in the middle of
 * an operation (a fatal error or exit() in the logger): the server may be waiting for the rest of a
 * message, a state no later request must inherit. */
static bool keep_persistent(smtp_client_obj *c)
{
	smtp_pconn_key key;
	if (c->busy || !c->conn.pconn) {
		return false;
	}
	return smtp_connection_keep(&c->conn, smtp_options_key(c, &key) ? key.digest : NULL);
}

static void smtp_client_dtor(zend_object *obj)
{
	smtp_client_obj *c = smtp_client_from_obj(obj);
	zend_objects_destroy_object(obj);
	if (!c->busy && !keep_persistent(c)) { /* a persistent connection stays open for the next one */
		c->in_dtor = true;
		smtp_client_quit_quietly(c, DTOR_QUIT_MS);
		c->in_dtor = false;
	}
}

static void smtp_client_free(zend_object *obj)
{
	smtp_client_obj *c = smtp_client_from_obj(obj);

	keep_persistent(c);
	smtp_connection_free(&c->conn);
	smtp_options_free(c);
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

/* ---- the constructor ----------------------------------------------------------------------------- */

ZEND_METHOD(Smtp, __construct)
{
	zend_string *host = NULL;
	HashTable *host_list = NULL;
	zend_long port = 0;
	HashTable *options = NULL;
	smtp_client_obj *c = smtp_client_from_obj(Z_OBJ_P(ZEND_THIS));

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
	if (smtp_options_construct(c, host, host_list, port, options) != SUCCESS) {
		RETURN_THROWS();
	}
}

/* ---- connect / login / simple commands ---------------------------------------------------------- */

#define CLIENT() smtp_client_from_obj(Z_OBJ_P(ZEND_THIS))

ZEND_METHOD(Smtp, connect)
{
	smtp_client_obj *c = CLIENT();
	ZEND_PARSE_PARAMETERS_NONE();
	if (!smtp_client_op_begin(c)) {
		RETURN_THROWS();
	}
	smtp_client_open(c, true);
	smtp_client_op_end(c);
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
			zend_string *choices = smtp_auth_mech_choices();
			zend_argument_value_error(3, "must be one of %s", ZSTR_VAL(choices));
			zend_string_release(choices);
			RETURN_THROWS();
		}
	} else if (c->username) {
		mech = c->auth_mech;
	}
	if (!smtp_client_op_begin(c)) {
		RETURN_THROWS();
	}
	if (smtp_client_open(c, false) == SUCCESS && smtp_client_auth(c, user, password, mech) == SUCCESS) {
		/* a reconnection authenticates the same way */
		if (c->username) {
			zend_string_release(c->username);
		}
		zval_ptr_dtor(&c->password_provider); /* login()'s password replaces a provider */
		ZVAL_UNDEF(&c->password_provider);
		c->username = zend_string_copy(user);
		smtp_options_set_password(c, ZSTR_VAL(password), ZSTR_LEN(password));
		c->auth_mech = mech;
	}
	smtp_client_op_end(c);
}

static void simple_command(INTERNAL_FUNCTION_PARAMETERS, smtp_status (*fn)(smtp_session *), bool connect)
{
	smtp_client_obj *c = CLIENT();
	smtp_status st;

	ZEND_PARSE_PARAMETERS_NONE();
	if (!smtp_client_op_begin(c)) {
		RETURN_THROWS();
	}
	if (!connect && !smtp_client_is_connected(c)) {
		smtp_client_op_end(c);
		return; /* nothing to reset on a connection we do not have */
	}
	if (smtp_client_open(c, true) == SUCCESS) {
		st = fn(c->conn.session);
		if (st != SMTP_OK) {
			smtp_throw_status(st, c->conn.session, NULL, NULL);
			smtp_client_after_error(c);
		}
	}
	smtp_client_op_end(c);
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
	if (!smtp_client_op_begin(c)) {
		RETURN_THROWS();
	}
	smtp_client_quit_quietly(c, smtp_seconds_to_ms(c->command_timeout));
	smtp_client_op_end(c);
}

ZEND_METHOD(Smtp, isConnected)
{
	smtp_client_obj *c = CLIENT();
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_BOOL(smtp_client_is_connected(c));
}

ZEND_METHOD(Smtp, getCapabilities)
{
	smtp_client_obj *c = CLIENT();
	const smtp_capabilities *caps;
	size_t i;

	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	if (!smtp_client_is_connected(c)) {
		return;
	}
	caps = smtp_session_capabilities(c->conn.session);
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
	if (!c->conn.session) {
		RETURN_NULL();
	}
	r = smtp_session_last_reply(c->conn.session);
	if (!r || r->code == 0 || !r->text.data) {
		RETURN_NULL();
	}
	RETURN_STRINGL(r->text.data, r->text.len);
}

/*
 * One transaction from checked parts (sendMail(), smtp_mail()). Exactly one of m / raw is given; env_from
 * is the reverse-path ("" for <>).
 */
void smtp_client_send(smtp_client_obj *c, smtp_message_obj *m, zend_string *raw, zend_string *env_from,
	const smtp_recipients *rcpts, zval *return_value)
{
	smtp_outgoing o;
	smtp_recipients copy;
	uint32_t i;

	smtp_recipients_init(&copy);
	for (i = 0; i < rcpts->count; i++) {
		smtp_recipients_add(&copy, rcpts->items[i]);
	}
	smtp_outgoing_clear(&o);
	smtp_outgoing_set(&o, m, raw, env_from, &copy);
	smtp_recipients_free(&copy);
	smtp_outgoing_send(c, &o, return_value);
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
		smtp_outgoing_send(c, &o, return_value);
	}
	smtp_outgoing_free(&o);
}

/* ---- for sendMail() (smtp_sendmail.c) and smtp_mail() -------------------------------------------- */

/* send() of a Message (m) or a raw message with an envelope the caller has checked */
static void send_to_list(smtp_client_obj *c, smtp_message_obj *m, zend_string *raw, zend_string *from,
	zend_string **rcpt, uint32_t count, zval *result)
{
	smtp_recipients rcpts;
	uint32_t i;
	smtp_recipients_init(&rcpts);
	for (i = 0; i < count; i++) {
		smtp_recipients_add(&rcpts, rcpt[i]);
	}
	smtp_client_send(c, m, raw, from, &rcpts, result);
	smtp_recipients_free(&rcpts);
}

void smtp_client_send_message(smtp_client_obj *c, smtp_message_obj *m, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result)
{
	send_to_list(c, m, NULL, from, rcpt, count, result);
}

void smtp_client_send_raw(smtp_client_obj *c, zend_string *raw, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result)
{
	send_to_list(c, NULL, raw, from, rcpt, count, result);
}

void smtp_client_quit(smtp_client_obj *c)
{
	if (!c->busy) {
		smtp_client_quit_quietly(c, smtp_seconds_to_ms(c->command_timeout));
	}
}
