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

#include "smtp_client.h"
#include "smtp_options.h"
#include "smtp_outgoing.h"
#include "smtp_exceptions.h"

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
			zend_argument_value_error(3, "must be one of \"PLAIN\", \"LOGIN\", \"CRAM-MD5\", \"SCRAM-SHA-1\", "
				"\"SCRAM-SHA-256\", \"XOAUTH2\" or \"OAUTHBEARER\"");
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

/* The names the sendMail() section below was written with (it is to move to a file of its own). */
typedef smtp_recipients recipients;

static inline void recipients_init(recipients *r)
{
	smtp_recipients_init(r);
}

static inline void recipients_free(recipients *r)
{
	smtp_recipients_free(r);
}

static inline void recipients_add_list(recipients *r, const smtp_php_mailbox_list *l)
{
	smtp_recipients_add_list(r, l);
}

static inline void client_send(smtp_client_obj *c, smtp_message_obj *m, zend_string *raw, zend_string *env_from,
	recipients *rcpts, zval *return_value)
{
	smtp_client_send(c, m, raw, env_from, rcpts, return_value);
}

/* ---- sendMail() ---------------------------------------------------------------------------------- */

/* Content-Type of sendMail()'s headers: text/plain or text/html, with an optional charset. */
static bool parse_content_type(smtp_message_obj *m, zend_string *value, bool *html, uint32_t arg_num)
{
	const char *s = ZSTR_VAL(value), *semi = memchr(s, ';', ZSTR_LEN(value)), *p;
	size_t tl = semi ? (size_t)(semi - s) : ZSTR_LEN(value);
	while (tl && (s[tl - 1] == ' ' || s[tl - 1] == '\t')) {
		tl--;
	}
	while (tl && (*s == ' ' || *s == '\t')) {
		s++;
		tl--;
	}
	if (tl == 9 && zend_binary_strcasecmp(s, tl, "text/html", 9) == 0) {
		*html = true;
	} else if (tl == 10 && zend_binary_strcasecmp(s, tl, "text/plain", 10) == 0) {
		*html = false;
	} else {
		zend_argument_value_error(arg_num, "may only set Content-Type to text/plain or text/html "
			"(use Smtp\\Message for other structures)");
		return false;
	}
	p = semi ? php_stristr((char *)semi, "charset=", strlen(semi), sizeof("charset=") - 1) : NULL;
	if (p) {
		const char *v = p + sizeof("charset=") - 1;
		size_t vl = 0;
		zend_string *cs;
		if (*v == '"') {
			v++;
		}
		while (v[vl] && v[vl] != '"' && v[vl] != ';' && v[vl] != ' ' && v[vl] != '\t') {
			vl++;
		}
		if (vl) {
			bool is_utf8 = (vl == 5 && zend_binary_strcasecmp(v, vl, "UTF-8", 5) == 0)
				|| (vl == 4 && zend_binary_strcasecmp(v, vl, "UTF8", 4) == 0);
			if (m->charset) {
				zend_string_release(m->charset);
				m->charset = NULL;
			}
			if (!is_utf8) {
				cs = zend_string_init(v, vl, 0);
				m->charset = cs;
			}
		}
	}
	return true;
}

static bool add_addresses(smtp_php_mailbox_list *list, zend_string *value, uint32_t arg_num)
{
	return smtp_parse_address_list(ZSTR_VAL(value), ZSTR_LEN(value), list, arg_num) == SUCCESS;
}

/* One header of sendMail()'s $headers. */
static bool apply_mail_header(smtp_message_obj *m, zend_string *name, zend_string *value, bool *html,
	uint32_t arg_num)
{
	const char *n = ZSTR_VAL(name);
	size_t nl = ZSTR_LEN(name);
#define IS(lit) (nl == sizeof(lit) - 1 && zend_binary_strcasecmp(n, nl, lit, sizeof(lit) - 1) == 0)
	if (smtp_has_line_break(ZSTR_VAL(value), ZSTR_LEN(value))) {
		zend_argument_value_error(arg_num, "must not contain CR, LF or NUL characters in header values");
		return false;
	}
	if (IS("Cc")) {
		return add_addresses(&m->cc, value, arg_num);
	}
	if (IS("Bcc")) {
		return add_addresses(&m->bcc, value, arg_num);
	}
	if (IS("Reply-To")) {
		return add_addresses(&m->reply_to, value, arg_num);
	}
	if (IS("Sender")) {
		smtp_php_mailbox_list l = {0};
		bool ok = add_addresses(&l, value, arg_num);
		if (ok && l.count != 1) {
			zend_argument_value_error(arg_num, "must give exactly one Sender address");
			ok = false;
		}
		if (ok) {
			if (m->sender_address) {
				zend_string_release(m->sender_address);
			}
			if (m->sender_name) {
				zend_string_release(m->sender_name);
			}
			m->sender_address = zend_string_copy(l.items[0].address);
			m->sender_name = l.items[0].name ? zend_string_copy(l.items[0].name) : NULL;
		}
		smtp_mailbox_list_free(&l);
		return ok;
	}
	if (IS("Content-Type")) {
		return parse_content_type(m, value, html, arg_num);
	}
	if (IS("MIME-Version") || IS("Content-Transfer-Encoding")) {
		return true; /* written by the library */
	}
	if (IS("From") || IS("To") || IS("Subject")) {
		zend_argument_value_error(arg_num, "must not contain a %s header: it has its own argument", n);
		return false;
	}
#undef IS
	return smtp_message_add_header(m, name, value, arg_num, arg_num) == SUCCESS;
}

/* One unfolded "Name: value" line of sendMail()'s headers. */
static bool apply_header_line(smtp_message_obj *m, smart_str *cur, bool *html, uint32_t arg_num)
{
	zend_string *line, *name, *value;
	const char *colon, *v;
	size_t vl;
	bool ok;

	if (!cur->s) {
		return true;
	}
	line = smart_str_extract(cur);
	colon = memchr(ZSTR_VAL(line), ':', ZSTR_LEN(line));
	if (!colon) {
		zend_string_release(line);
		zend_argument_value_error(arg_num, "must contain \"Name: value\" header lines");
		return false;
	}
	v = colon + 1;
	vl = ZSTR_LEN(line) - (size_t)(v - ZSTR_VAL(line));
	while (vl && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	name = zend_string_init(ZSTR_VAL(line), (size_t)(colon - ZSTR_VAL(line)), 0);
	value = zend_string_init(v, vl, 0);
	ok = apply_mail_header(m, name, value, html, arg_num);
	zend_string_release(name);
	zend_string_release(value);
	zend_string_release(line);
	return ok;
}

/* "Name: value" lines (CRLF or LF), folded lines unfolded; an empty line is refused (it would start the
 * body) except at the very end. */
static bool apply_header_lines(smtp_message_obj *m, const char *s, size_t len, bool *html, uint32_t arg_num)
{
	smart_str cur = {0};
	size_t i = 0;

	while (i < len) {
		size_t start = i, end;
		while (i < len && s[i] != '\r' && s[i] != '\n') {
			i++;
		}
		end = i;
		if (i < len) {
			i += s[i] == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
		}
		if (end == start) {
			if (i < len) {
				zend_argument_value_error(arg_num, "must not contain empty lines");
				smart_str_free(&cur);
				return false;
			}
			continue;
		}
		if (s[start] == ' ' || s[start] == '\t') {
			if (!cur.s) {
				zend_argument_value_error(arg_num, "must not start with a continuation line");
				return false;
			}
			smart_str_appendl(&cur, s + start, end - start);
			continue;
		}
		if (!apply_header_line(m, &cur, html, arg_num)) {
			smart_str_free(&cur);
			return false;
		}
		smart_str_appendl(&cur, s + start, end - start);
	}
	return apply_header_line(m, &cur, html, arg_num);
}

static bool apply_mail_headers(smtp_message_obj *m, HashTable *ht, zend_string *str, bool *html, uint32_t arg_num)
{
	if (str) {
		return apply_header_lines(m, ZSTR_VAL(str), ZSTR_LEN(str), html, arg_num);
	}
	if (ht) {
		zend_string *key;
		zval *v;
		ZEND_HASH_FOREACH_STR_KEY_VAL(ht, key, v) {
			ZVAL_DEREF(v);
			if (!key) {
				if (Z_TYPE_P(v) != IS_STRING) {
					zend_argument_type_error(arg_num, "must contain only strings, %s given", zend_zval_type_name(v));
					return false;
				}
				if (smtp_has_line_break(Z_STRVAL_P(v), Z_STRLEN_P(v))) {
					zend_argument_value_error(arg_num, "must not contain CR, LF or NUL characters in header lines");
					return false;
				}
				if (!apply_header_lines(m, Z_STRVAL_P(v), Z_STRLEN_P(v), html, arg_num)) {
					return false;
				}
			} else if (Z_TYPE_P(v) == IS_ARRAY) {
				zval *item;
				ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(v), item) {
					ZVAL_DEREF(item);
					if (Z_TYPE_P(item) != IS_STRING) {
						zend_argument_type_error(arg_num, "must contain only strings, %s given",
							zend_zval_type_name(item));
						return false;
					}
					if (!apply_mail_header(m, key, Z_STR_P(item), html, arg_num)) {
						return false;
					}
				} ZEND_HASH_FOREACH_END();
			} else {
				zend_string *value;
				bool ok;
				if (Z_TYPE_P(v) != IS_STRING && Z_TYPE_P(v) != IS_LONG) {
					zend_argument_type_error(arg_num, "must contain only strings, %s given", zend_zval_type_name(v));
					return false;
				}
				value = zval_get_string(v);
				ok = apply_mail_header(m, key, value, html, arg_num);
				zend_string_release(value);
				if (!ok) {
					return false;
				}
			}
		} ZEND_HASH_FOREACH_END();
	}
	return true;
}

ZEND_METHOD(Smtp, sendMail)
{
	smtp_client_obj *c = CLIENT();
	zend_string *from, *to_str = NULL, *subject, *body, *headers_str = NULL;
	HashTable *to_ht = NULL, *headers_ht = NULL;
	smtp_php_mailbox_list from_list = {0};
	zval message;
	smtp_message_obj *m;
	recipients rcpts;
	bool html = false;

	ZEND_PARSE_PARAMETERS_START(4, 5)
		Z_PARAM_STR(from)
		Z_PARAM_ARRAY_HT_OR_STR(to_ht, to_str)
		Z_PARAM_STR(subject)
		Z_PARAM_STR(body)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(headers_ht, headers_str)
	ZEND_PARSE_PARAMETERS_END();

	if (!c->host) {
		zend_throw_error(NULL, "Smtp object is not initialized: its constructor was not called");
		RETURN_THROWS();
	}
	object_init_ex(&message, smtp_ce_Message);
	m = smtp_message_from_obj(Z_OBJ(message));
	recipients_init(&rcpts);

	if (smtp_parse_address_list(ZSTR_VAL(from), ZSTR_LEN(from), &from_list, 1) != SUCCESS) {
		goto done;
	}
	if (from_list.count != 1) {
		zend_argument_value_error(1, "must be one address, \"user@example.com\" or \"Name <user@example.com>\"");
		goto done;
	}
	m->from_address = zend_string_copy(from_list.items[0].address);
	m->from_name = from_list.items[0].name ? zend_string_copy(from_list.items[0].name) : NULL;

	if (to_str) {
		if (!add_addresses(&m->to, to_str, 2)) {
			goto done;
		}
	} else {
		zval *v;
		ZEND_HASH_FOREACH_VAL(to_ht, v) {
			ZVAL_DEREF(v);
			if (Z_TYPE_P(v) != IS_STRING) {
				zend_argument_type_error(2, "must contain only strings, %s given", zend_zval_type_name(v));
				goto done;
			}
			if (!add_addresses(&m->to, Z_STR_P(v), 2)) {
				goto done;
			}
		} ZEND_HASH_FOREACH_END();
	}
	if (!apply_mail_headers(m, headers_ht, headers_str, &html, 5)) {
		goto done;
	}
	if (smtp_message_set_text_field(m, &m->subject, subject, 3, true) != SUCCESS
		|| smtp_message_set_text_field(m, html ? &m->html : &m->text, body, 4, false) != SUCCESS) {
		goto done;
	}
	recipients_add_list(&rcpts, &m->to);
	recipients_add_list(&rcpts, &m->cc);
	recipients_add_list(&rcpts, &m->bcc);
	if (rcpts.count == 0) {
		zend_argument_value_error(2, "must name at least one recipient");
		goto done;
	}
	client_send(c, m, NULL, m->from_address, &rcpts, return_value);

done:
	recipients_free(&rcpts);
	smtp_mailbox_list_free(&from_list);
	zval_ptr_dtor(&message);
}

/* ---- for smtp_mail() ------------------------------------------------------------------------------ */

void smtp_client_send_raw(smtp_client_obj *c, zend_string *raw, zend_string *from, zend_string **rcpt,
	uint32_t count, zval *result)
{
	smtp_recipients rcpts;
	uint32_t i;
	smtp_recipients_init(&rcpts);
	for (i = 0; i < count; i++) {
		smtp_recipients_add(&rcpts, rcpt[i]);
	}
	smtp_client_send(c, NULL, raw, from, &rcpts, result);
	smtp_recipients_free(&rcpts);
}

void smtp_client_quit(smtp_client_obj *c)
{
	if (!c->busy) {
		smtp_client_quit_quietly(c, smtp_seconds_to_ms(c->command_timeout));
	}
}
