/*
 * smtp_sendmail.c - Smtp::sendMail($from, $to, $subject, $body, $headers): mail()'s shape of arguments, sent
 * as a Smtp\Message. The headers (a block of "Name: value" lines, or an array) are read by the shared
 * reader (smtp_headers.h); sendMail()'s rules on top are stricter than mail()'s: anything that is not a
 * header, or that a Message would refuse, is a ValueError naming $headers.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "ext/standard/php_string.h"

#include "protocol/smtp_core.h"
#include "smtp_address.h"
#include "smtp_client.h"
#include "smtp_headers.h"
#include "smtp_message.h"

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
static bool apply_header_line(smtp_message_obj *m, zend_string *line, bool *html, uint32_t arg_num)
{
	zend_string *name, *value;
	const char *n, *v;
	size_t nl, vl;
	bool ok;

	if (!smtp_header_split(ZSTR_VAL(line), ZSTR_LEN(line), &n, &nl, &v, &vl)) {
		zend_argument_value_error(arg_num, "must contain \"Name: value\" header lines");
		return false;
	}
	name = zend_string_init(n, nl, 0);
	value = zend_string_init(v, vl, 0);
	ok = apply_mail_header(m, name, value, html, arg_num);
	zend_string_release(name);
	zend_string_release(value);
	return ok;
}

/* "Name: value" lines (CRLF or LF), folded lines unfolded; an empty line is refused (it would start the
 * body) except at the very end. A line is applied once the next one starts, so an empty line right after
 * it is reported first. */
static bool apply_header_lines(smtp_message_obj *m, const char *s, size_t len, bool *html, uint32_t arg_num)
{
	smtp_header_reader r;
	bool ok = true;

	smtp_header_reader_init(&r, s, len);
	while (ok) {
		smtp_header_event ev = smtp_header_next(&r);
		if (ev == SMTP_HEADER_END) {
			break;
		}
		if (ev == SMTP_HEADER_BLANK && !r.last) {
			zend_argument_value_error(arg_num, "must not contain empty lines");
			ok = false;
		} else if (ev == SMTP_HEADER_STRAY_FOLD) {
			zend_argument_value_error(arg_num, "must not start with a continuation line");
			ok = false;
		} else if (ev == SMTP_HEADER_FIELD) {
			ok = apply_header_line(m, r.line, html, arg_num);
		}
	}
	smtp_header_reader_free(&r);
	return ok;
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

/* To, Cc and Bcc, in that order (smtp_client_send_message() sends to each address once). */
static zend_string **envelope_recipients(const smtp_message_obj *m, uint32_t count)
{
	const smtp_php_mailbox_list *lists[3];
	zend_string **out = safe_emalloc(count, sizeof(*out), 0);
	uint32_t i, k, n = 0;
	lists[0] = &m->to;
	lists[1] = &m->cc;
	lists[2] = &m->bcc;
	for (k = 0; k < 3; k++) {
		for (i = 0; i < lists[k]->count; i++) {
			out[n++] = lists[k]->items[i].address;
		}
	}
	return out;
}

ZEND_METHOD(Smtp, sendMail)
{
	smtp_client_obj *c = smtp_client_from_obj(Z_OBJ_P(ZEND_THIS));
	zend_string *from, *to_str = NULL, *subject, *body, *headers_str = NULL;
	HashTable *to_ht = NULL, *headers_ht = NULL;
	smtp_php_mailbox_list from_list = {0};
	zval message;
	smtp_message_obj *m;
	zend_string **rcpts = NULL;
	uint32_t rcpt_count;
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
	rcpt_count = m->to.count + m->cc.count + m->bcc.count;
	if (rcpt_count == 0) {
		zend_argument_value_error(2, "must name at least one recipient");
		goto done;
	}
	rcpts = envelope_recipients(m, rcpt_count);
	smtp_client_send_message(c, m, m->from_address, rcpts, rcpt_count, return_value);

done:
	if (rcpts) {
		efree(rcpts);
	}
	smtp_mailbox_list_free(&from_list);
	zval_ptr_dtor(&message);
}
