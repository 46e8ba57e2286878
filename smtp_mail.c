/*
 * smtp_mail.c - smtp_mail(): mail() over SMTP, configured by the smtp.* INI settings, and the
 * smtp.override_mail switch that makes PHP's own mail() call it.
 *
 * Like mail(), the headers and the body are the caller's: they are sent as given (To and Subject are
 * added from the arguments, Date and Message-ID when missing, Bcc is dropped after being used for the
 * envelope). Failures are warnings and a false return, as with mail(); malformed arguments are
 * ValueErrors, as with mail() since PHP 8.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "ext/date/php_date.h"
#include "ext/standard/php_string.h"

#include "php_smtp.h"
#include "smtp_dkim_binding.h"

typedef struct mail_header {
	zend_string *name;
	zend_string *value;   /* unfolded, single line */
} mail_header;

typedef struct mail_headers {
	mail_header *items;
	uint32_t count, cap;
} mail_headers;

static void headers_free(mail_headers *h)
{
	uint32_t i;
	for (i = 0; i < h->count; i++) {
		zend_string_release(h->items[i].name);
		zend_string_release(h->items[i].value);
	}
	if (h->items) {
		efree(h->items);
	}
}

static bool header_name_ok(const char *s, size_t len)
{
	size_t i;
	if (len == 0 || len > 76) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126 || s[i] == ':') {
			return false;
		}
	}
	return true;
}

/* Unfold "CRLF WSP" (and "LF WSP"); any other CR, LF or NUL is an error. */
static zend_string *unfold(const char *s, size_t len, bool *ok)
{
	smart_str out = {0};
	size_t i;
	*ok = true;
	for (i = 0; i < len; i++) {
		char ch = s[i];
		if (ch == '\r' && i + 2 < len && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\t')) {
			i++;
			continue;
		}
		if (ch == '\n' && i + 1 < len && (s[i + 1] == ' ' || s[i + 1] == '\t')) {
			continue;
		}
		if (ch == '\r' || ch == '\n' || ch == '\0') {
			*ok = false;
			break;
		}
		smart_str_appendc(&out, ch);
	}
	if (!*ok) {
		smart_str_free(&out);
		return NULL;
	}
	return out.s ? smart_str_extract(&out) : ZSTR_EMPTY_ALLOC();
}

static bool headers_add(mail_headers *h, const char *name, size_t nl, const char *value, size_t vl, uint32_t arg_num)
{
	bool ok;
	zend_string *v;
	if (!header_name_ok(name, nl)) {
		zend_argument_value_error(arg_num, "must contain valid header names");
		return false;
	}
	while (vl && (*value == ' ' || *value == '\t')) {
		value++;
		vl--;
	}
	v = unfold(value, vl, &ok);
	if (!ok) {
		zend_argument_value_error(arg_num, "must not contain CR, LF or NUL characters except to fold a header "
			"line");
		return false;
	}
	if (h->count == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->items = safe_erealloc(h->items, h->cap, sizeof(*h->items), 0);
	}
	h->items[h->count].name = zend_string_init(name, nl, 0);
	h->items[h->count].value = v;
	h->count++;
	return true;
}

/* A header block as mail() takes it: "Name: value" lines, CRLF or LF, folded lines allowed. */
static bool parse_header_string(mail_headers *h, const char *s, size_t len, uint32_t arg_num)
{
	size_t i = 0;
	while (len && (s[len - 1] == '\r' || s[len - 1] == '\n')) {
		len--; /* mail() trims trailing line breaks */
	}
	while (i < len) {
		size_t start = i, colon;
		/* the field runs to a line break not followed by white space */
		while (i < len) {
			if (s[i] == '\n' && !(i + 1 < len && (s[i + 1] == ' ' || s[i + 1] == '\t'))) {
				break;
			}
			i++;
		}
		{
			size_t end = i > start && s[i - 1] == '\r' ? i - 1 : i;
			const char *c = memchr(s + start, ':', end - start);
			if (end == start) {
				zend_argument_value_error(arg_num, "must not contain empty lines");
				return false;
			}
			if (!c) {
				zend_argument_value_error(arg_num, "must contain \"Name: value\" header lines");
				return false;
			}
			colon = (size_t)(c - s);
			if (!headers_add(h, s + start, colon - start, c + 1, end - colon - 1, arg_num)) {
				return false;
			}
		}
		i++;
	}
	return true;
}

static bool parse_header_array(mail_headers *h, HashTable *ht, uint32_t arg_num)
{
	zend_string *key;
	zval *v;
	ZEND_HASH_FOREACH_STR_KEY_VAL(ht, key, v) {
		ZVAL_DEREF(v);
		if (!key) {
			zend_argument_value_error(arg_num, "must be an array with header names as keys");
			return false;
		}
		if (Z_TYPE_P(v) == IS_ARRAY) {
			zval *item;
			ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(v), item) {
				ZVAL_DEREF(item);
				if (Z_TYPE_P(item) != IS_STRING) {
					zend_argument_type_error(arg_num, "must contain only strings, %s given", zend_zval_type_name(item));
					return false;
				}
				if (!headers_add(h, ZSTR_VAL(key), ZSTR_LEN(key), Z_STRVAL_P(item), Z_STRLEN_P(item), arg_num)) {
					return false;
				}
			} ZEND_HASH_FOREACH_END();
		} else if (Z_TYPE_P(v) == IS_STRING) {
			if (!headers_add(h, ZSTR_VAL(key), ZSTR_LEN(key), Z_STRVAL_P(v), Z_STRLEN_P(v), arg_num)) {
				return false;
			}
		} else {
			zend_argument_type_error(arg_num, "must contain only strings, %s given", zend_zval_type_name(v));
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

static bool is(const zend_string *name, const char *lit)
{
	return zend_binary_strcasecmp(ZSTR_VAL(name), ZSTR_LEN(name), lit, strlen(lit)) == 0;
}

/* "-f addr" / "-faddr" in mail()'s additional_params: the envelope sender. */
static zend_string *envelope_from_params(zend_string *params)
{
	const char *p = params ? ZSTR_VAL(params) : "", *start;
	while (*p) {
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if (p[0] == '-' && p[1] == 'f') {
			p += 2;
			while (*p == ' ' || *p == '\t') {
				p++;
			}
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				start = p;
				while (*p && *p != q) {
					p++;
				}
				return zend_string_init(start, (size_t)(p - start), 0);
			}
			start = p;
			while (*p && *p != ' ' && *p != '\t') {
				p++;
			}
			return zend_string_init(start, (size_t)(p - start), 0);
		}
		while (*p && *p != ' ' && *p != '\t') {
			p++;
		}
	}
	return NULL;
}

static bool body_lines_ok(zend_string *body)
{
	const char *p = ZSTR_VAL(body), *end = p + ZSTR_LEN(body);
	size_t line = 0;
	for (; p < end; p++) {
		if (*p == '\r' || *p == '\n') {
			line = 0;
		} else if (*p == '\0' || ++line > SMTP_MAX_TEXT_LINE) {
			return false;
		}
	}
	return true;
}

bool smtp_mail_impl(zend_string *to, zend_string *subject, zend_string *message, HashTable *headers_ht,
	zend_string *headers_str, zend_string *params)
{
	mail_headers h = {0};
	smtp_php_mailbox_list rcpt_list = {0}, from_list = {0};
	smart_str raw = {0};
	zend_string *to_line = NULL, *env_from = NULL, *from_addr = NULL, *raw_str = NULL;
	bool ok = false, have_date = false, have_msgid = false, have_from = false;
	smtp_buf subj;
	uint32_t i;
	zval client_zv;
	smtp_client_obj *c;
	int tls_mode;
	const char *from_ini;

	ZVAL_UNDEF(&client_zv);
	smtp_buf_init(&subj);

	/* arguments: like mail(), line breaks only as folding */
	to_line = unfold(ZSTR_VAL(to), ZSTR_LEN(to), &ok);
	if (!ok) {
		zend_argument_value_error(1, "must not contain CR, LF or NUL characters");
		goto out;
	}
	ok = false;
	{
		bool sok;
		zend_string *s = unfold(ZSTR_VAL(subject), ZSTR_LEN(subject), &sok);
		if (!sok) {
			zend_argument_value_error(2, "must not contain CR, LF or NUL characters");
			goto out;
		}
		zend_string_release(s);
	}
	if (memchr(ZSTR_VAL(message), '\0', ZSTR_LEN(message))) {
		zend_argument_value_error(3, "must not contain NUL bytes");
		goto out;
	}
	if (headers_str ? !parse_header_string(&h, ZSTR_VAL(headers_str), ZSTR_LEN(headers_str), 4)
		: headers_ht ? !parse_header_array(&h, headers_ht, 4) : false) {
		goto out;
	}
	if (smtp_parse_address_list(ZSTR_VAL(to_line), ZSTR_LEN(to_line), &rcpt_list, 1) != SUCCESS) {
		goto out;
	}

	/* the header From, else smtp.from, else sendmail_from */
	for (i = 0; i < h.count; i++) {
		if (is(h.items[i].name, "From")) {
			if (smtp_parse_address_list(ZSTR_VAL(h.items[i].value), ZSTR_LEN(h.items[i].value), &from_list, 4)
				!= SUCCESS) {
				goto out;
			}
			have_from = true;
		} else if (is(h.items[i].name, "Cc") || is(h.items[i].name, "Bcc")) {
			if (smtp_parse_address_list(ZSTR_VAL(h.items[i].value), ZSTR_LEN(h.items[i].value), &rcpt_list, 4)
				!= SUCCESS) {
				goto out;
			}
		} else if (is(h.items[i].name, "Date")) {
			have_date = true;
		} else if (is(h.items[i].name, "Message-ID")) {
			have_msgid = true;
		} else if (is(h.items[i].name, "To") || is(h.items[i].name, "Subject")) {
			zend_argument_value_error(4, "must not contain a %s header: it has its own argument",
				ZSTR_VAL(h.items[i].name));
			goto out;
		}
	}
	from_ini = SMTP_G(from) && SMTP_G(from)[0] ? SMTP_G(from) : SMTP_INI_STRING("sendmail_from");
	if (from_list.count) {
		from_addr = zend_string_copy(from_list.items[0].address);
	} else if (from_ini && from_ini[0]) {
		if (smtp_parse_address_list(from_ini, strlen(from_ini), &from_list, 4) != SUCCESS || from_list.count == 0) {
			if (!EG(exception)) {
				php_error_docref(NULL, E_WARNING, "smtp.from / sendmail_from is not a valid address");
			} else {
				zend_clear_exception();
				php_error_docref(NULL, E_WARNING, "smtp.from / sendmail_from is not a valid address");
			}
			goto out;
		}
		from_addr = zend_string_copy(from_list.items[0].address);
	} else {
		php_error_docref(NULL, E_WARNING, "No sender: set a From header, smtp.from or sendmail_from");
		goto out;
	}
	env_from = envelope_from_params(params);
	if (env_from && ZSTR_LEN(env_from) && !smtp_check_address(env_from, 5, NULL)) {
		goto out;
	}
	if (!env_from) {
		env_from = zend_string_copy(from_addr);
	}
	if (rcpt_list.count == 0) {
		php_error_docref(NULL, E_WARNING, "No recipient");
		goto out;
	}
	if (!body_lines_ok(message)) {
		php_error_docref(NULL, E_WARNING, "The message has a line longer than %d octets", SMTP_MAX_TEXT_LINE);
		goto out;
	}

	/* the message: Date, Message-ID and From when missing, To, Subject, the caller's headers but Bcc */
	if (!have_date) {
		zend_string *date = php_format_date("D, d M Y H:i:s O", sizeof("D, d M Y H:i:s O") - 1, time(NULL), 1);
		smart_str_appends(&raw, "Date: ");
		smart_str_append(&raw, date);
		smart_str_appends(&raw, "\r\n");
		zend_string_release(date);
	}
	if (!have_msgid) {
		unsigned char rnd[16];
		const char *at = zend_memrchr(ZSTR_VAL(from_addr), '@', ZSTR_LEN(from_addr));
		static const char hex[] = "0123456789abcdef";
		smtp_php_random(NULL, rnd, sizeof(rnd));
		smart_str_appends(&raw, "Message-ID: <");
		for (i = 0; i < sizeof(rnd); i++) {
			smart_str_appendc(&raw, hex[rnd[i] >> 4]);
			smart_str_appendc(&raw, hex[rnd[i] & 15]);
		}
		smart_str_appendc(&raw, '@');
		if (at && smtp_is_ascii(at + 1, ZSTR_LEN(from_addr) - (size_t)(at + 1 - ZSTR_VAL(from_addr)))) {
			smart_str_appendl(&raw, at + 1, ZSTR_LEN(from_addr) - (size_t)(at + 1 - ZSTR_VAL(from_addr)));
		} else {
			smart_str_append(&raw, smtp_default_helo());
		}
		smart_str_appends(&raw, ">\r\n");
	}
	if (!have_from) {
		smart_str_appends(&raw, "From: ");
		smart_str_append(&raw, from_addr);
		smart_str_appends(&raw, "\r\n");
	}
	smart_str_appends(&raw, "To: ");
	smart_str_append(&raw, to_line);
	smart_str_appends(&raw, "\r\n");
	{
		bool sok;
		zend_string *s = unfold(ZSTR_VAL(subject), ZSTR_LEN(subject), &sok);
		/* a non-ASCII subject becomes RFC 2047 words (UTF-8 assumed, as everywhere in PHP today) */
		if (smtp_is_ascii(ZSTR_VAL(s), ZSTR_LEN(s)) || !smtp_utf8_valid(ZSTR_VAL(s), ZSTR_LEN(s))
			|| smtp_mime_header_unstructured(&subj, "Subject", ZSTR_VAL(s), ZSTR_LEN(s), "UTF-8") != SMTP_OK) {
			smtp_buf_reset(&subj);
			smtp_buf_append_str(&subj, "Subject: ");
			smtp_buf_append(&subj, ZSTR_VAL(s), ZSTR_LEN(s));
			smtp_buf_append(&subj, "\r\n", 2);
		}
		smart_str_appendl(&raw, subj.data, subj.len);
		zend_string_release(s);
	}
	for (i = 0; i < h.count; i++) {
		if (is(h.items[i].name, "Bcc")) {
			continue;
		}
		smart_str_append(&raw, h.items[i].name);
		smart_str_appends(&raw, ": ");
		smart_str_append(&raw, h.items[i].value);
		smart_str_appends(&raw, "\r\n");
	}
	smart_str_appends(&raw, "\r\n");
	smart_str_append(&raw, message);
	raw_str = smart_str_extract(&raw);

	/* the connection, from the INI */
	object_init_ex(&client_zv, smtp_ce_Smtp);
	c = smtp_client_from_obj(Z_OBJ(client_zv));
	c->host = zend_string_init(SMTP_G(host) && SMTP_G(host)[0] ? SMTP_G(host) : "localhost",
		strlen(SMTP_G(host) && SMTP_G(host)[0] ? SMTP_G(host) : "localhost"), 0);
	c->port = SMTP_G(port);
	tls_mode = SMTP_G(tls) && SMTP_G(tls)[0] ? smtp_parse_tls_mode(SMTP_G(tls)) : -1;
	if (tls_mode < 0) {
		tls_mode = c->port == 465 ? SMTP_TLS_IMPLICIT : SMTP_TLS_STARTTLS;
	}
	c->tls_mode = tls_mode;
	if (c->port == 0) {
		c->port = tls_mode == SMTP_TLS_IMPLICIT ? 465 : tls_mode == SMTP_TLS_STARTTLS ? 587 : 25;
	}
	smtp_client_set_host_list(c, ZSTR_VAL(c->host)); /* "a, b, c": tried in order */
	c->timeout = SMTP_G(timeout) > 0 ? SMTP_G(timeout) : 30;
	if (SMTP_G(helo) && SMTP_G(helo)[0]) {
		c->helo = zend_string_init(SMTP_G(helo), strlen(SMTP_G(helo)), 0);
	}
	if (SMTP_G(username) && SMTP_G(username)[0]) {
		c->username = zend_string_init(SMTP_G(username), strlen(SMTP_G(username)), 0);
		c->password = zend_string_init(SMTP_G(password) ? SMTP_G(password) : "",
			SMTP_G(password) ? strlen(SMTP_G(password)) : 0, 0);
	}
	if (!smtp_dkim_ini_attach(c)) {
		goto out;
	}

	{
		zval result;
		zend_string **rcpts = safe_emalloc(rcpt_list.count, sizeof(zend_string *), 0);
		for (i = 0; i < rcpt_list.count; i++) {
			rcpts[i] = rcpt_list.items[i].address;
		}
		ZVAL_UNDEF(&result);
		smtp_client_send_raw(c, raw_str, env_from, rcpts, rcpt_list.count, &result);
		efree(rcpts);
		if (EG(exception)) {
			if (instanceof_function(EG(exception)->ce, smtp_ce_Exception)) {
				zval rv, *msg = zend_read_property_ex(zend_ce_exception, EG(exception), ZSTR_KNOWN(ZEND_STR_MESSAGE), 1,
					&rv);
				zend_string *text = zval_get_string(msg);
				zend_clear_exception();
				php_error_docref(NULL, E_WARNING, "%s", ZSTR_VAL(text));
				zend_string_release(text);
			}
		} else {
			ok = true;
		}
		zval_ptr_dtor(&result);
		smtp_client_quit(c);
	}

out:
	if (!Z_ISUNDEF(client_zv)) {
		zval_ptr_dtor(&client_zv);
	}
	smtp_buf_free(&subj);
	smart_str_free(&raw);
	headers_free(&h);
	smtp_mailbox_list_free(&rcpt_list);
	smtp_mailbox_list_free(&from_list);
	if (to_line) {
		zend_string_release(to_line);
	}
	if (env_from) {
		zend_string_release(env_from);
	}
	if (from_addr) {
		zend_string_release(from_addr);
	}
	if (raw_str) {
		zend_string_release(raw_str);
	}
	return ok;
}

PHP_FUNCTION(smtp_mail)
{
	zend_string *to, *subject, *message, *headers_str = NULL, *params = NULL;
	HashTable *headers_ht = NULL;

	ZEND_PARSE_PARAMETERS_START(3, 5)
		Z_PARAM_STR(to)
		Z_PARAM_STR(subject)
		Z_PARAM_STR(message)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(headers_ht, headers_str)
		Z_PARAM_STR(params)
	ZEND_PARSE_PARAMETERS_END();

	RETVAL_BOOL(smtp_mail_impl(to, subject, message, headers_ht, headers_str, params));
	if (EG(exception)) {
		RETURN_THROWS();
	}
}

void smtp_mail_override_install(void)
{
	zend_function *fn = zend_hash_str_find_ptr(CG(function_table), "mail", sizeof("mail") - 1);
	if (fn && fn->type == ZEND_INTERNAL_FUNCTION) {
		/* same signature as smtp_mail(); its arginfo stays mail()'s */
		fn->internal_function.handler = ZEND_FN(smtp_mail);
	}
}
