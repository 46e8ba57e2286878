/*
 * smtp_options.c - the options of class Smtp as one table (see smtp_options.h): their checks, their
 * defaults, the persistent key they make, the smtp.* settings that give them to smtp_mail(); and the
 * constructor's host and port arguments.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_smart_str.h"
#include "zend_exceptions.h"
#include "zend_closures.h"
#include "zend_interfaces.h"
#include "ext/standard/file.h"
#include "ext/hash/php_hash.h"
#include "ext/hash/php_hash_sha.h"

#include "php_smtp_compat.h"
#include "protocol/smtp_core.h"
#include "smtp_options.h"
#include "smtp_client.h"
#include "smtp_dkim_binding.h"
#include "smtp_exceptions.h"
#include "smtp_hosts.h"
#include "smtp_ini.h"
#include "smtp_persistent.h"
#include "smtp_values.h"

/* ---- the password -------------------------------------------------------------------------------- */

/* c->password is always our own copy (never shared, never interned), so it can be wiped. */
void smtp_options_set_password(smtp_client_obj *c, const char *password, size_t len)
{
	if (c->password) {
		ZEND_ASSERT(!ZSTR_IS_INTERNED(c->password) && GC_REFCOUNT(c->password) == 1);
		ZEND_SECURE_ZERO(ZSTR_VAL(c->password), ZSTR_LEN(c->password));
		zend_string_release(c->password);
		c->password = NULL;
	}
	if (password) {
		c->password = zend_string_init(password, len, 0);
	}
}

/* ---- the kinds of option -------------------------------------------------------------------------- */

typedef enum smtp_option_kind {
	SMTP_OPT_BOOL,      /* bool field: true or false */
	SMTP_OPT_SECONDS,   /* double field: an int or float number of seconds, > 0 */
	SMTP_OPT_STRING,    /* zend_string * field, NULL by default; the row's setter checks it */
	SMTP_OPT_INT,       /* int field (an enum), set by the row's setter */
	SMTP_OPT_ZVAL,      /* zval field, UNDEF by default, set by the row's setter */
	SMTP_OPT_OTHER,     /* set by the row's setter, freed by smtp_options_free() */
} smtp_option_kind;

typedef struct smtp_option smtp_option;
struct smtp_option {
	const char *name;
	smtp_option_kind kind;
	size_t offset;           /* the field in smtp_client_obj */
	/* check v and set the field; throws a ValueError/TypeError naming the option (NULL: by kind) */
	bool (*set)(smtp_client_obj *c, const smtp_option *opt, zval *v);
	double default_value;    /* of a BOOL, SECONDS or INT option */
	bool in_key;             /* shapes the connection: part of the persistent key */
	const char *ini;         /* the php.ini setting smtp_mail() takes it from, or NULL */
	/* the value php.ini gives (UNDEF: the default); NULL: the INI string as the kind reads it */
	bool (*from_ini)(const smtp_option *opt, zval *out);
};

#define FIELD(c, opt, type) ((type *)((char *)(c) + (opt)->offset))

static bool set_bool(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	if (Z_TYPE_P(v) != IS_TRUE && Z_TYPE_P(v) != IS_FALSE) {
		zend_argument_type_error(3, "option \"%s\" must be of type bool, %s given", opt->name, zend_zval_type_name(v));
		return false;
	}
	*FIELD(c, opt, bool) = Z_TYPE_P(v) == IS_TRUE;
	return true;
}

static bool set_seconds(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	double d;
	if (Z_TYPE_P(v) == IS_LONG) {
		d = (double)Z_LVAL_P(v);
	} else if (Z_TYPE_P(v) == IS_DOUBLE) {
		d = Z_DVAL_P(v);
	} else {
		zend_argument_type_error(3, "option \"%s\" must be of type int|float, %s given", opt->name,
			zend_zval_type_name(v));
		return false;
	}
	if (!smtp_seconds_valid(d)) {
		zend_argument_value_error(3, "option \"%s\" must be a number of seconds greater than 0", opt->name);
		return false;
	}
	*FIELD(c, opt, double) = d;
	return true;
}

/* ?string */
static bool set_string(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	zend_string **out = FIELD(c, opt, zend_string *);
	if (Z_TYPE_P(v) != IS_NULL && Z_TYPE_P(v) != IS_STRING) {
		zend_argument_type_error(3, "option \"%s\" must be of type ?string, %s given", opt->name,
			zend_zval_type_name(v));
		return false;
	}
	if (*out) {
		zend_string_release(*out);
	}
	*out = Z_TYPE_P(v) == IS_STRING ? zend_string_copy(Z_STR_P(v)) : NULL;
	return true;
}

/* ---- the options with checks of their own --------------------------------------------------------- */

static bool set_tls(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	(void)opt;
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
	return true;
}

static bool set_helo(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	if (!set_string(c, opt, v)) {
		return false;
	}
	if (c->helo && !smtp_helo_valid(ZSTR_VAL(c->helo), ZSTR_LEN(c->helo))) {
		zend_argument_value_error(3, "option \"helo\" must be a host name or address literal (printable ASCII, "
			"no space, CR, LF or NUL)");
		return false;
	}
	return true;
}

static bool set_username(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	if (!set_string(c, opt, v)) {
		return false;
	}
	if (c->username && !smtp_username_valid(ZSTR_VAL(c->username), ZSTR_LEN(c->username))) {
		zend_argument_value_error(3, "option \"username\" must not contain CR, LF or NUL characters");
		return false;
	}
	return true;
}

/* a string (the password itself, never a function name), a callable giving it (a token provider), or null */
static bool set_password(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	(void)opt;
	zval_ptr_dtor(&c->password_provider);
	ZVAL_UNDEF(&c->password_provider);
	if ((Z_TYPE_P(v) == IS_OBJECT || Z_TYPE_P(v) == IS_ARRAY) && zend_is_callable(v, 0, NULL)) {
		smtp_options_set_password(c, NULL, 0);
		ZVAL_COPY(&c->password_provider, v);
		return true;
	}
	if (Z_TYPE_P(v) != IS_STRING && Z_TYPE_P(v) != IS_NULL) {
		zend_argument_type_error(3, "option \"password\" must be a string, a callable (Closure, invokable "
			"object or array) or null, %s given", zend_zval_type_name(v));
		return false;
	}
	/* a private copy: it is wiped when released, which must never touch the caller's string */
	smtp_options_set_password(c, Z_TYPE_P(v) == IS_STRING ? Z_STRVAL_P(v) : NULL, Z_TYPE_P(v) == IS_STRING ? Z_STRLEN_P(v) : 0);
	return true;
}

static bool set_auth(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	(void)opt;
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
		zend_string *choices = smtp_auth_mech_choices();
		zend_argument_value_error(3, "option \"auth\" must be one of %s", ZSTR_VAL(choices));
		zend_string_release(choices);
		return false;
	}
	return true;
}

/* ['ssl' => ['cafile' => ...], 'socket' => [...]], or a stream context resource */
static bool set_context(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	zend_string *wrapper;
	zval *options;

	(void)opt;
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
	ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL_P(v), wrapper, options) {
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

static bool set_logger(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	(void)opt;
	if (Z_TYPE_P(v) != IS_NULL && !zend_is_callable(v, 0, NULL)) {
		zend_argument_type_error(3, "option \"logger\" must be a valid callback or null");
		return false;
	}
	zval_ptr_dtor(&c->logger);
	ZVAL_UNDEF(&c->logger);
	if (Z_TYPE_P(v) != IS_NULL) {
		ZVAL_COPY(&c->logger, v);
	}
	return true;
}

static bool set_persistent(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	(void)opt;
	if (Z_TYPE_P(v) != IS_TRUE && Z_TYPE_P(v) != IS_FALSE && Z_TYPE_P(v) != IS_STRING) {
		zend_argument_type_error(3, "option \"persistent\" must be of type string|bool, %s given",
			zend_zval_type_name(v));
		return false;
	}
	if (Z_TYPE_P(v) == IS_STRING && (Z_STRLEN_P(v) == 0 || smtp_has_line_break(Z_STRVAL_P(v), Z_STRLEN_P(v)))) {
		zend_argument_value_error(3, "option \"persistent\" must be a non-empty single-line identifier");
		return false;
	}
	zval_ptr_dtor(&c->persistent);
	ZVAL_COPY(&c->persistent, v);
	return true;
}

static bool set_dkim(smtp_client_obj *c, const smtp_option *opt, zval *v)
{
	smtp_dkim_config *cfg = NULL;
	(void)opt;
	if (Z_TYPE_P(v) != IS_NULL) {
		cfg = smtp_dkim_config_from_option(v, "Smtp::__construct(): Argument #3 ($options) option \"dkim\"");
		if (!cfg) {
			return false;
		}
	}
	smtp_dkim_config_free(c->dkim);
	c->dkim = cfg;
	return true;
}

/* ---- what php.ini gives smtp_mail() ---------------------------------------------------------------- */

static const char *ini_string(const char *name)
{
	const char *v = smtp_compat_ini_string(name, strlen(name));
	return v ? v : "";
}

/* smtp.password only with smtp.username (without one no AUTH is done); smtp.password_provider, the name
 * of a function or "Class::method", instead of it when set: as a callable the option takes (a string there
 * is the password itself), a Closure of the function or a [class, method] array */
static bool password_from_ini(const smtp_option *opt, zval *out)
{
	const char *provider = ini_string("smtp.password_provider"), *method;
	zend_function *fn = NULL;

	if (!ini_string("smtp.username")[0]) {
		return true;
	}
	if (!provider[0]) {
		ZVAL_STRING(out, ini_string(opt->ini));
		return true;
	}
	if ((method = strstr(provider, "::")) != NULL) {
		array_init_size(out, 2);
		add_next_index_stringl(out, provider, (size_t)(method - provider));
		add_next_index_string(out, method + 2);
		if (zend_is_callable(out, 0, NULL)) {
			return true;
		}
		zval_ptr_dtor(out);
		ZVAL_UNDEF(out);
	} else {
		const char *name = provider + (provider[0] == '\\');
		zend_string *lc = zend_string_alloc(strlen(name), 0);
		zend_str_tolower_copy(ZSTR_VAL(lc), name, strlen(name));
		fn = zend_hash_find_ptr(EG(function_table), lc);
		zend_string_release(lc);
	}
	if (!fn) {
		smtp_throw(smtp_ce_AuthenticationException, 0, NULL, NULL, false, "smtp.password_provider \"%s\" is not a "
			"function or static method that can be called; no AUTH was sent", provider);
		return false;
	}
	zend_create_fake_closure(out, fn, NULL, NULL, NULL);
	return true;
}

/* ---- the table ------------------------------------------------------------------------------------- */

#define OFF(field) offsetof(smtp_client_obj, field)

static const smtp_option options_table[] = {
	/* name, kind, field, setter, default, part of the persistent key, php.ini setting, php.ini reader */
	{"tls", SMTP_OPT_INT, OFF(tls_mode), set_tls, SMTP_TLS_STARTTLS, true, "smtp.tls", NULL},
	{"timeout", SMTP_OPT_SECONDS, OFF(timeout), set_seconds, 30.0, false, "smtp.timeout", NULL},
	{"command_timeout", SMTP_OPT_SECONDS, OFF(command_timeout), set_seconds, 300.0, false, "smtp.timeout", NULL},
	{"data_timeout", SMTP_OPT_SECONDS, OFF(data_timeout), set_seconds, 600.0, false, "smtp.timeout", NULL},
	{"helo", SMTP_OPT_STRING, OFF(helo), set_helo, 0, true, "smtp.helo", NULL},
	{"context", SMTP_OPT_ZVAL, OFF(context), set_context, 0, true, NULL, NULL},
	{"username", SMTP_OPT_STRING, OFF(username), set_username, 0, true, "smtp.username", NULL},
	{"password", SMTP_OPT_STRING, OFF(password), set_password, 0, true, "smtp.password", password_from_ini},
	{"auth", SMTP_OPT_INT, OFF(auth_mech), set_auth, SMTP_AUTH_AUTO, true, "smtp.auth", NULL},
	{"round_robin", SMTP_OPT_BOOL, OFF(round_robin), set_bool, 0, false, NULL, NULL},
	{"allow_plaintext_auth", SMTP_OPT_BOOL, OFF(allow_plaintext_auth), set_bool, 0, true, NULL, NULL},
	{"pipelining", SMTP_OPT_BOOL, OFF(pipelining), set_bool, 1, false, NULL, NULL},
	{"chunking", SMTP_OPT_BOOL, OFF(chunking), set_bool, 1, false, NULL, NULL},
	{"partial", SMTP_OPT_BOOL, OFF(partial), set_bool, 0, false, NULL, NULL},
	{"logger", SMTP_OPT_ZVAL, OFF(logger), set_logger, 0, false, NULL, NULL},
	{"persistent", SMTP_OPT_ZVAL, OFF(persistent), set_persistent, 0, true, NULL, NULL},
	/* smtp_mail() takes the signer of smtp.dkim_* from smtp_dkim_ini_attach() */
	{"dkim", SMTP_OPT_OTHER, OFF(dkim), set_dkim, 0, false, NULL, NULL},
};

#define OPTION_COUNT (sizeof(options_table) / sizeof(options_table[0]))

void smtp_options_defaults(smtp_client_obj *c)
{
	size_t i;
	ZVAL_UNDEF(&c->password_provider);
	for (i = 0; i < OPTION_COUNT; i++) {
		const smtp_option *opt = &options_table[i];
		switch (opt->kind) {
		case SMTP_OPT_BOOL:
			*FIELD(c, opt, bool) = opt->default_value != 0;
			break;
		case SMTP_OPT_SECONDS:
			*FIELD(c, opt, double) = opt->default_value;
			break;
		case SMTP_OPT_INT:
			*FIELD(c, opt, int) = (int)opt->default_value;
			break;
		case SMTP_OPT_STRING:
			*FIELD(c, opt, zend_string *) = NULL;
			break;
		case SMTP_OPT_ZVAL:
			ZVAL_UNDEF(FIELD(c, opt, zval));
			break;
		case SMTP_OPT_OTHER:
			break;
		}
	}
}

void smtp_options_free(smtp_client_obj *c)
{
	size_t i;
	smtp_options_set_password(c, NULL, 0); /* wiped */
	zval_ptr_dtor(&c->password_provider);
	ZVAL_UNDEF(&c->password_provider);
	for (i = 0; i < OPTION_COUNT; i++) {
		const smtp_option *opt = &options_table[i];
		if (opt->kind == SMTP_OPT_STRING && *FIELD(c, opt, zend_string *)) {
			zend_string_release(*FIELD(c, opt, zend_string *));
			*FIELD(c, opt, zend_string *) = NULL;
		} else if (opt->kind == SMTP_OPT_ZVAL) {
			zval_ptr_dtor(FIELD(c, opt, zval));
			ZVAL_UNDEF(FIELD(c, opt, zval));
		}
	}
	smtp_dkim_config_free(c->dkim);
	c->dkim = NULL;
	if (c->host) {
		zend_string_release(c->host);
		c->host = NULL;
	}
	if (c->hosts) {
		zend_array_destroy(c->hosts);
		c->hosts = NULL;
	}
}

void smtp_options_copy(smtp_client_obj *dst, smtp_client_obj *src)
{
	size_t i;
	for (i = 0; i < OPTION_COUNT; i++) {
		const smtp_option *opt = &options_table[i];
		switch (opt->kind) {
		case SMTP_OPT_BOOL:
			*FIELD(dst, opt, bool) = *FIELD(src, opt, bool);
			break;
		case SMTP_OPT_SECONDS:
			*FIELD(dst, opt, double) = *FIELD(src, opt, double);
			break;
		case SMTP_OPT_INT:
			*FIELD(dst, opt, int) = *FIELD(src, opt, int);
			break;
		case SMTP_OPT_STRING: {
			zend_string *v = *FIELD(src, opt, zend_string *);
			if (opt->offset == OFF(password)) {
				/* wiped when released: a copy of its own */
				smtp_options_set_password(dst, v ? ZSTR_VAL(v) : NULL, v ? ZSTR_LEN(v) : 0);
				break;
			}
			if (*FIELD(dst, opt, zend_string *)) {
				zend_string_release(*FIELD(dst, opt, zend_string *));
			}
			*FIELD(dst, opt, zend_string *) = v ? zend_string_copy(v) : NULL;
			break;
		}
		case SMTP_OPT_ZVAL:
			zval_ptr_dtor(FIELD(dst, opt, zval));
			ZVAL_COPY(FIELD(dst, opt, zval), FIELD(src, opt, zval));
			break;
		case SMTP_OPT_OTHER:
			break; /* dkim: the object that builds the messages signs them */
		}
	}
	zval_ptr_dtor(&dst->persistent);
	ZVAL_FALSE(&dst->persistent);
	zval_ptr_dtor(&dst->password_provider);
	ZVAL_COPY(&dst->password_provider, &src->password_provider);
	if (dst->host) {
		zend_string_release(dst->host);
	}
	dst->host = src->host ? zend_string_copy(src->host) : NULL;
	dst->port = src->port;
	if (dst->hosts) {
		zend_array_destroy(dst->hosts);
	}
	dst->hosts = src->hosts ? zend_array_dup(src->hosts) : NULL;
}

static const smtp_option *find_option(zend_string *name)
{
	size_t i;
	for (i = 0; i < OPTION_COUNT; i++) {
		size_t len = strlen(options_table[i].name);
		if (ZSTR_LEN(name) == len && memcmp(ZSTR_VAL(name), options_table[i].name, len) == 0) {
			return &options_table[i];
		}
	}
	return NULL;
}

/* Each option of the array through its row's setter; then the checks between options. */
static zend_result apply_options(smtp_client_obj *c, HashTable *options)
{
	zend_string *key;
	zval *v;

	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v) {
		const smtp_option *opt;
		if (!key) {
			zend_argument_value_error(3, "must be an array with option names as keys");
			return FAILURE;
		}
		if (!(opt = find_option(key))) {
			zend_argument_value_error(3, "contains unknown option \"%s\"", ZSTR_VAL(key));
			return FAILURE;
		}
		ZVAL_DEREF(v);
		if (!opt->set(c, opt, v)) {
			return FAILURE;
		}
	} ZEND_HASH_FOREACH_END();
	if (c->username && !c->password && Z_TYPE(c->password_provider) == IS_UNDEF) {
		zend_argument_value_error(3, "option \"password\" is required with option \"username\"");
		return FAILURE;
	}
	if (c->password && !c->username) {
		/* it would be silently unused: no AUTH is ever attempted without a user name */
		zend_argument_value_error(3, "option \"password\" needs option \"username\" (AUTH sends both; for "
			"XOAUTH2 the username is the mailbox the token is for)");
		return FAILURE;
	}
	return SUCCESS;
}

/* ---- the persistent key --------------------------------------------------------------------------- */

static void feed(PHP_SHA256_CTX *h, const void *data, size_t len)
{
	uint64_t n = (uint64_t)len;
	PHP_SHA256Update(h, (const unsigned char *)&n, sizeof(n));
	PHP_SHA256Update(h, (const unsigned char *)data, len);
}

static void feed_str(PHP_SHA256_CTX *h, const char *tag, zend_string *s)
{
	feed(h, tag, strlen(tag));
	if (s) {
		feed(h, ZSTR_VAL(s), ZSTR_LEN(s));
	} else {
		feed(h, "\0null", 5);
	}
}

static void feed_long(PHP_SHA256_CTX *h, const char *tag, zend_long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), ZEND_LONG_FMT, v);
	feed(h, tag, strlen(tag));
	feed(h, buf, (size_t)n);
}

/* Plain data, in its order. With an object or a resource in it, the connection is not kept (false). */
static bool feed_zval(PHP_SHA256_CTX *h, zval *v, int depth)
{
	ZVAL_DEREF(v);
	if (depth > 8) {
		return false;
	}
	switch (Z_TYPE_P(v)) {
	case IS_UNDEF:
		feed(h, "u", 1);
		return true;
	case IS_NULL:
		feed(h, "n", 1);
		return true;
	case IS_FALSE:
		feed(h, "f", 1);
		return true;
	case IS_TRUE:
		feed(h, "t", 1);
		return true;
	case IS_LONG:
		feed_long(h, "l", Z_LVAL_P(v));
		return true;
	case IS_DOUBLE: {
		double d = Z_DVAL_P(v);
		feed(h, "d", 1);
		feed(h, &d, sizeof(d));
		return true;
	}
	case IS_STRING:
		feed_str(h, "s", Z_STR_P(v));
		return true;
	case IS_ARRAY: {
		zend_ulong idx;
		zend_string *key;
		zval *item;
		feed_long(h, "a", (zend_long)zend_hash_num_elements(Z_ARRVAL_P(v)));
		ZEND_HASH_FOREACH_KEY_VAL(Z_ARRVAL_P(v), idx, key, item) {
			if (key) {
				feed_str(h, "k", key);
			} else {
				feed_long(h, "i", (zend_long)idx);
			}
			if (!feed_zval(h, item, depth + 1)) {
				return false;
			}
		} ZEND_HASH_FOREACH_END();
		feed(h, "e", 1);
		return true;
	}
	default:
		return false;
	}
}

/* One row marked for the key: its name, then its value. HELO unset is keyed as the name sent. */
static bool feed_option(PHP_SHA256_CTX *h, smtp_client_obj *c, const smtp_option *opt)
{
	switch (opt->kind) {
	case SMTP_OPT_BOOL:
		feed_long(h, opt->name, *FIELD(c, opt, bool));
		return true;
	case SMTP_OPT_INT:
		feed_long(h, opt->name, *FIELD(c, opt, int));
		return true;
	case SMTP_OPT_STRING: {
		zend_string *s = *FIELD(c, opt, zend_string *);
		feed_str(h, opt->name, !s && opt->offset == OFF(helo) ? smtp_default_helo() : s);
		return true;
	}
	case SMTP_OPT_ZVAL:
		feed(h, opt->name, strlen(opt->name));
		return feed_zval(h, FIELD(c, opt, zval), 0);
	default:
		return false; /* a row of another kind cannot be keyed: never keep such a connection */
	}
}

bool smtp_options_key(smtp_client_obj *c, smtp_pconn_key *key)
{
	PHP_SHA256_CTX h;
	const unsigned char *salt;
	size_t salt_len, i;

	if (Z_TYPE(c->persistent) != IS_TRUE && Z_TYPE(c->persistent) != IS_STRING) {
		return false;
	}
	salt = smtp_persistent_salt(&salt_len);
	PHP_SHA256Init(&h);
	feed(&h, "smtp-persistent-v2", sizeof("smtp-persistent-v2") - 1);
	feed(&h, salt, salt_len);
	feed_str(&h, "host", c->host);
	feed_long(&h, "port", c->port);
	for (i = 0; i < OPTION_COUNT; i++) {
		if (options_table[i].in_key && !feed_option(&h, c, &options_table[i])) {
			return false;
		}
	}
	PHP_SHA256Final(key->digest, &h);
	key->host = c->host;
	key->port = c->port;
	return true;
}

/* ---- the constructor and smtp_mail() ------------------------------------------------------------- */

zend_result smtp_options_construct(smtp_client_obj *c, zend_string *host, HashTable *host_list, zend_long port,
	HashTable *options)
{
	if (host && !smtp_hosts_arg_ok(host)) {
		return FAILURE;
	}
	if (host_list && !smtp_hosts_list_ok(host_list)) {
		return FAILURE;
	}
	if (!smtp_port_valid(port)) {
		zend_argument_value_error(2, "must be between 0 and 65535");
		return FAILURE;
	}
	if (options && apply_options(c, options) != SUCCESS) {
		return FAILURE;
	}
	if (!options || !zend_hash_str_exists(options, "tls", sizeof("tls") - 1)) {
		c->tls_mode = -1; /* by the port */
	}
	smtp_resolve_port_tls(&port, &c->tls_mode, 25);
	c->port = port;
	if (host_list) {
		smtp_hosts_from_list(c, host_list);
	} else {
		c->host = host ? zend_string_copy(host) : zend_string_init("localhost", sizeof("localhost") - 1, 0);
	}
	return SUCCESS;
}

/* The options the rows with an INI name take from php.ini: by kind, an empty setting being the default. */
static bool options_from_ini(HashTable *out)
{
	size_t i;
	for (i = 0; i < OPTION_COUNT; i++) {
		const smtp_option *opt = &options_table[i];
		const char *s;
		zval v;
		ZVAL_UNDEF(&v);
		if (!opt->ini || opt->offset == OFF(tls_mode)) {
			continue; /* smtp.tls is resolved with the port (smtp_mail_server()) */
		}
		if (opt->from_ini) {
			if (!opt->from_ini(opt, &v)) {
				return false;
			}
		} else if ((s = ini_string(opt->ini))[0]) {
			if (opt->kind == SMTP_OPT_SECONDS) {
				ZVAL_DOUBLE(&v, zend_strtod(s, NULL)); /* checked by the INI handler */
			} else {
				ZVAL_STRING(&v, s);
			}
		}
		if (!Z_ISUNDEF(v)) {
			zend_hash_str_update(out, opt->name, strlen(opt->name), &v);
		}
	}
	return true;
}

zend_result smtp_options_from_ini(smtp_client_obj *c)
{
	HashTable options;
	const char *host;
	zend_result r = FAILURE;
	zval *pw;

	zend_hash_init(&options, 8, NULL, ZVAL_PTR_DTOR, 0);
	if (options_from_ini(&options) && apply_options(c, &options) == SUCCESS) {
		/* smtp.* settings, else PHP's own SMTP, smtp_port (see README) */
		smtp_mail_server(&host, &c->port, &c->tls_mode);
		c->host = zend_string_init(host, strlen(host), 0);
		smtp_hosts_from_csv(c, host); /* "a, b, c": tried in order */
		r = SUCCESS;
	}
	/* the copy of smtp.password in the options is wiped; PHP's own INI value cannot be */
	if ((pw = zend_hash_str_find(&options, "password", sizeof("password") - 1)) != NULL) {
		smtp_secret_zval_dtor(pw);
	}
	zend_hash_destroy(&options);
	return r;
}
