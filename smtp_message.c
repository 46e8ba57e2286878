/*
 * smtp_message.c - Smtp\Message: a fluent description of a message, checked when each piece is set (its
 * life and its setters; attachments are in smtp_message_parts.c, the conversion to the core's message in
 * smtp_message_build.c).
 *
 * Everything that could break the message structure is refused at set time with a ValueError naming the
 * argument: invalid addresses, CR/LF/NUL in single-line values, NUL in bodies, invalid UTF-8 under UTF-8,
 * header names that are not field names or that the library writes itself.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"

#include "protocol/smtp_core.h"
#include "smtp_message.h"
#include "smtp_address.h"
#include "smtp_dsn.h"

static zend_object_handlers smtp_message_handlers;

/* ---- small helpers ----------------------------------------------------------------------------- */

static void mailbox_list_copy(smtp_php_mailbox_list *dst, const smtp_php_mailbox_list *src)
{
	uint32_t i;
	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->count; i++) {
		smtp_mailbox_list_push(dst, src->items[i].address, src->items[i].name);
	}
}

static zend_string *str_copy_or_null(zend_string *s)
{
	return s ? zend_string_copy(s) : NULL;
}

static void str_release(zend_string **s)
{
	if (*s) {
		zend_string_release(*s);
		*s = NULL;
	}
}

static void str_set(zend_string **dst, zend_string *value)
{
	str_release(dst);
	*dst = value ? zend_string_copy(value) : NULL;
}
static bool charset_is_utf8(const smtp_message_obj *m)
{
	return !m->charset || smtp_ascii_ieq(ZSTR_VAL(m->charset), ZSTR_LEN(m->charset), "UTF-8")
		|| smtp_ascii_ieq(ZSTR_VAL(m->charset), ZSTR_LEN(m->charset), "UTF8");
}

/* A single-line value (name, subject, header value) or a body. */
static bool check_text(const smtp_message_obj *m, zend_string *value, uint32_t arg_num, bool single_line)
{
	if (single_line) {
		if (smtp_has_line_break(ZSTR_VAL(value), ZSTR_LEN(value))) {
			zend_argument_value_error(arg_num, "must not contain CR, LF or NUL characters");
			return false;
		}
	} else if (memchr(ZSTR_VAL(value), '\0', ZSTR_LEN(value))) {
		zend_argument_value_error(arg_num, "must not contain NUL bytes");
		return false;
	}
	if (charset_is_utf8(m) && !smtp_utf8_valid(ZSTR_VAL(value), ZSTR_LEN(value))) {
		zend_argument_value_error(arg_num, "must be valid UTF-8");
		return false;
	}
	return true;
}

zend_result smtp_message_add_address(smtp_message_obj *m, smtp_php_mailbox_list *list, zend_string *address,
	zend_string *name, uint32_t arg_num)
{
	if (!smtp_check_address(address, arg_num, NULL)) {
		return FAILURE;
	}
	if (name && !check_text(m, name, arg_num + 1, true)) {
		return FAILURE;
	}
	return smtp_mailbox_list_push(list, address, name);
}

zend_result smtp_message_set_text_field(smtp_message_obj *m, zend_string **field, zend_string *value,
	uint32_t arg_num, bool single_line)
{
	if (!check_text(m, value, arg_num, single_line)) {
		return FAILURE;
	}
	str_set(field, value);
	return SUCCESS;
}

/* RFC 5322 field name: printable ASCII but ':' */
static bool field_name_ok(const char *s, size_t len)
{
	size_t i;
	if (len == 0 || len > 76) {
		return false;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 33 || ch > 126 || ch == ':') {
			return false;
		}
	}
	return true;
}

/* "<left@right>": printable ASCII, no space, one pair of angle brackets */
static bool msg_id_ok(const char *s, size_t len)
{
	size_t i;
	const char *at;
	if (len < 5 || len > 250 || s[0] != '<' || s[len - 1] != '>') {
		return false;
	}
	for (i = 1; i + 1 < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 33 || ch > 126 || ch == '<' || ch == '>') {
			return false;
		}
	}
	at = memchr(s, '@', len);
	return at && at > s + 1 && at < s + len - 2;
}

zend_result smtp_message_add_header(smtp_message_obj *m, zend_string *name, zend_string *value, uint32_t name_arg,
	uint32_t value_arg)
{
	static const char *const own_method[][2] = {
		{"From", "from()"}, {"Sender", "sender()"}, {"To", "to()"}, {"Cc", "cc()"}, {"Bcc", "bcc()"},
		{"Reply-To", "replyTo()"}, {"Subject", "subject()"},
	};
	static const char *const own_mime[] = {
		"MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
	};
	const char *n = ZSTR_VAL(name);
	size_t nl = ZSTR_LEN(name), i;

	if (!field_name_ok(n, nl)) {
		zend_argument_value_error(name_arg, "must be a header field name (printable ASCII without \":\", at most "
			"76 characters)");
		return FAILURE;
	}
	for (i = 0; i < sizeof(own_method) / sizeof(own_method[0]); i++) {
		if (smtp_ascii_ieq(n, nl, own_method[i][0])) {
			zend_argument_value_error(name_arg, "must not be \"%s\": use Smtp\\Message::%s", own_method[i][0],
				own_method[i][1]);
			return FAILURE;
		}
	}
	for (i = 0; i < sizeof(own_mime) / sizeof(own_mime[0]); i++) {
		if (smtp_ascii_ieq(n, nl, own_mime[i])) {
			zend_argument_value_error(name_arg, "must not be \"%s\": the MIME structure is written by Smtp\\Message",
				own_mime[i]);
			return FAILURE;
		}
	}
	if (smtp_has_line_break(ZSTR_VAL(value), ZSTR_LEN(value))) {
		zend_argument_value_error(value_arg, "must not contain CR, LF or NUL characters");
		return FAILURE;
	}
	if (smtp_ascii_ieq(n, nl, "Message-ID")) {
		if (!msg_id_ok(ZSTR_VAL(value), ZSTR_LEN(value))) {
			zend_argument_value_error(value_arg, "must be a message identifier \"<id@domain>\" for Message-ID");
			return FAILURE;
		}
		str_set(&m->message_id, value);
		return SUCCESS;
	}
	if (smtp_ascii_ieq(n, nl, "Date")) {
		if (ZSTR_LEN(value) == 0 || !smtp_is_ascii(ZSTR_VAL(value), ZSTR_LEN(value))) {
			zend_argument_value_error(value_arg, "must be an RFC 5322 date for Date");
			return FAILURE;
		}
		str_set(&m->date, value);
		return SUCCESS;
	}
	if (!check_text(m, value, value_arg, true)) {
		return FAILURE;
	}
	if (m->header_count == m->header_cap) {
		m->header_cap = m->header_cap ? m->header_cap * 2 : 4;
		m->headers = safe_erealloc(m->headers, m->header_cap, sizeof(*m->headers), 0);
	}
	m->headers[m->header_count].name = zend_string_copy(name);
	m->headers[m->header_count].value = zend_string_copy(value);
	m->header_count++;
	return SUCCESS;
}

/* ---- object life --------------------------------------------------------------------------------- */

static void message_clear(smtp_message_obj *m)
{
	uint32_t i;
	str_release(&m->from_address);
	str_release(&m->from_name);
	str_release(&m->sender_address);
	str_release(&m->sender_name);
	smtp_mailbox_list_free(&m->to);
	smtp_mailbox_list_free(&m->cc);
	smtp_mailbox_list_free(&m->bcc);
	smtp_mailbox_list_free(&m->reply_to);
	str_release(&m->subject);
	str_release(&m->text);
	str_release(&m->html);
	str_release(&m->charset);
	str_release(&m->message_id);
	str_release(&m->date);
	zval_ptr_dtor(&m->dsn);
	ZVAL_UNDEF(&m->dsn);
	zval_ptr_dtor(&m->smime);
	ZVAL_UNDEF(&m->smime);
	smtp_smime_key_release(m->smime_key);
	m->smime_key = NULL;
	for (i = 0; i < m->header_count; i++) {
		zend_string_release(m->headers[i].name);
		zend_string_release(m->headers[i].value);
	}
	if (m->headers) {
		efree(m->headers);
	}
	m->headers = NULL;
	m->header_count = m->header_cap = 0;
	for (i = 0; i < m->part_count; i++) {
		str_release(&m->parts[i].path);
		str_release(&m->parts[i].data);
		str_release(&m->parts[i].filename);
		str_release(&m->parts[i].type);
		str_release(&m->parts[i].cid);
	}
	if (m->parts) {
		efree(m->parts);
	}
	m->parts = NULL;
	m->part_count = m->part_cap = 0;
}

zend_object *smtp_message_create(zend_class_entry *ce)
{
	smtp_message_obj *m = zend_object_alloc(sizeof(smtp_message_obj), ce);
	zend_object_std_init(&m->std, ce);
	object_properties_init(&m->std, ce);
	m->std.handlers = &smtp_message_handlers;
	return &m->std;
}

static void smtp_message_free(zend_object *obj)
{
	message_clear(smtp_message_from_obj(obj));
	zend_object_std_dtor(obj);
}

zend_object *smtp_message_clone(zend_object *old)
{
	smtp_message_obj *src = smtp_message_from_obj(old);
	zend_object *obj = smtp_message_create(old->ce);
	smtp_message_obj *dst = smtp_message_from_obj(obj);
	uint32_t i;

	zend_objects_clone_members(obj, old);
	dst->from_address = str_copy_or_null(src->from_address);
	dst->from_name = str_copy_or_null(src->from_name);
	dst->sender_address = str_copy_or_null(src->sender_address);
	dst->sender_name = str_copy_or_null(src->sender_name);
	mailbox_list_copy(&dst->to, &src->to);
	mailbox_list_copy(&dst->cc, &src->cc);
	mailbox_list_copy(&dst->bcc, &src->bcc);
	mailbox_list_copy(&dst->reply_to, &src->reply_to);
	dst->subject = str_copy_or_null(src->subject);
	dst->text = str_copy_or_null(src->text);
	dst->html = str_copy_or_null(src->html);
	dst->charset = str_copy_or_null(src->charset);
	dst->message_id = str_copy_or_null(src->message_id);
	dst->date = str_copy_or_null(src->date);
	ZVAL_COPY(&dst->dsn, &src->dsn);
	dst->require_tls = src->require_tls;
	ZVAL_COPY(&dst->smime, &src->smime);
	dst->smime_key = smtp_smime_key_ref(src->smime_key);
	if (src->header_count) {
		dst->headers = safe_emalloc(src->header_count, sizeof(*dst->headers), 0);
		dst->header_cap = dst->header_count = src->header_count;
		for (i = 0; i < src->header_count; i++) {
			dst->headers[i].name = zend_string_copy(src->headers[i].name);
			dst->headers[i].value = zend_string_copy(src->headers[i].value);
		}
	}
	if (src->part_count) {
		dst->parts = safe_emalloc(src->part_count, sizeof(*dst->parts), 0);
		dst->part_cap = dst->part_count = src->part_count;
		for (i = 0; i < src->part_count; i++) {
			dst->parts[i].disposition = src->parts[i].disposition;
			dst->parts[i].path = str_copy_or_null(src->parts[i].path);
			dst->parts[i].data = str_copy_or_null(src->parts[i].data);
			dst->parts[i].filename = str_copy_or_null(src->parts[i].filename);
			dst->parts[i].type = str_copy_or_null(src->parts[i].type);
			dst->parts[i].cid = str_copy_or_null(src->parts[i].cid);
		}
	}
	return obj;
}

void smtp_message_register_handlers(void)
{
	memcpy(&smtp_message_handlers, zend_get_std_object_handlers(), sizeof(zend_object_handlers));
	smtp_message_handlers.offset = offsetof(smtp_message_obj, std);
	smtp_message_handlers.free_obj = smtp_message_free;
	smtp_message_handlers.clone_obj = smtp_message_clone;
}

/* ---- methods ------------------------------------------------------------------------------------ */

#define THIS_MESSAGE() smtp_message_from_obj(Z_OBJ_P(ZEND_THIS))

typedef enum { MAILBOX_FROM, MAILBOX_SENDER, MAILBOX_LIST } mailbox_kind;

/* from() and sender() set their one mailbox; to(), cc(), bcc() and replyTo() add to the list at list_offset. */
static void set_mailbox(INTERNAL_FUNCTION_PARAMETERS, mailbox_kind kind, size_t list_offset)
{
	zend_string *address, *name = NULL;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(address)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(name)
	ZEND_PARSE_PARAMETERS_END();

	if (kind == MAILBOX_LIST) {
		if (smtp_message_add_address(m, (smtp_php_mailbox_list *)((char *)m + list_offset), address, name, 1)
			!= SUCCESS) {
			RETURN_THROWS();
		}
		RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
	}
	if (!smtp_check_address(address, 1, NULL) || (name && !check_text(m, name, 2, true))) {
		RETURN_THROWS();
	}
	if (kind == MAILBOX_SENDER) {
		str_set(&m->sender_address, address);
		str_set(&m->sender_name, name && ZSTR_LEN(name) ? name : NULL);
	} else {
		str_set(&m->from_address, address);
		str_set(&m->from_name, name && ZSTR_LEN(name) ? name : NULL);
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, from)
{
	set_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, MAILBOX_FROM, 0);
}

ZEND_METHOD(Smtp_Message, sender)
{
	set_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, MAILBOX_SENDER, 0);
}

ZEND_METHOD(Smtp_Message, to)
{
	set_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, MAILBOX_LIST, offsetof(smtp_message_obj, to));
}

ZEND_METHOD(Smtp_Message, cc)
{
	set_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, MAILBOX_LIST, offsetof(smtp_message_obj, cc));
}

ZEND_METHOD(Smtp_Message, bcc)
{
	set_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, MAILBOX_LIST, offsetof(smtp_message_obj, bcc));
}

ZEND_METHOD(Smtp_Message, replyTo)
{
	set_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, MAILBOX_LIST, offsetof(smtp_message_obj, reply_to));
}

static void set_text(INTERNAL_FUNCTION_PARAMETERS, size_t field_offset, bool single_line)
{
	zend_string *value;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(value)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_message_set_text_field(m, (zend_string **)((char *)m + field_offset), value, 1, single_line)
		!= SUCCESS) {
		RETURN_THROWS();
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, subject)
{
	set_text(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, subject), true);
}

ZEND_METHOD(Smtp_Message, text)
{
	set_text(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, text), false);
}

ZEND_METHOD(Smtp_Message, html)
{
	set_text(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, html), false);
}

/* RFC 2978 mime-charset */
static bool charset_name_ok(zend_string *cs)
{
	size_t i;
	if (ZSTR_LEN(cs) == 0 || ZSTR_LEN(cs) > 40) {
		return false;
	}
	for (i = 0; i < ZSTR_LEN(cs); i++) {
		unsigned char ch = (unsigned char)ZSTR_VAL(cs)[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '!'
			|| ch == '#' || ch == '$' || ch == '%' || ch == '&' || ch == '\'' || ch == '+' || ch == '-'
			|| ch == '^' || ch == '_' || ch == '`' || ch == '{' || ch == '}' || ch == '~')) {
			return false;
		}
	}
	return true;
}

static bool utf8_or_null(zend_string *s)
{
	return !s || smtp_utf8_valid(ZSTR_VAL(s), ZSTR_LEN(s));
}

ZEND_METHOD(Smtp_Message, charset)
{
	zend_string *cs;
	smtp_message_obj *m = THIS_MESSAGE();
	bool utf8;
	uint32_t i;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(cs)
	ZEND_PARSE_PARAMETERS_END();

	if (!charset_name_ok(cs)) {
		zend_argument_value_error(1, "must be a charset name such as \"UTF-8\" or \"ISO-8859-1\"");
		RETURN_THROWS();
	}
	utf8 = smtp_ascii_ieq(ZSTR_VAL(cs), ZSTR_LEN(cs), "UTF-8") || smtp_ascii_ieq(ZSTR_VAL(cs), ZSTR_LEN(cs), "UTF8");
	if (utf8) {
		/* what was accepted under another charset must still hold */
		bool ok = utf8_or_null(m->from_name) && utf8_or_null(m->sender_name) && utf8_or_null(m->subject)
			&& utf8_or_null(m->text) && utf8_or_null(m->html);
		const smtp_php_mailbox_list *lists[4];
		uint32_t k;
		lists[0] = &m->to;
		lists[1] = &m->cc;
		lists[2] = &m->bcc;
		lists[3] = &m->reply_to;
		for (k = 0; ok && k < 4; k++) {
			for (i = 0; ok && i < lists[k]->count; i++) {
				ok = utf8_or_null(lists[k]->items[i].name);
			}
		}
		for (i = 0; ok && i < m->header_count; i++) {
			ok = utf8_or_null(m->headers[i].value);
		}
		if (!ok) {
			zend_argument_value_error(1, "cannot be UTF-8: the message already holds text that is not valid UTF-8");
			RETURN_THROWS();
		}
		str_release(&m->charset); /* the default */
	} else {
		str_set(&m->charset, cs);
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, header)
{
	zend_string *name, *value;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(name)
		Z_PARAM_STR(value)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_message_add_header(m, name, value, 1, 2) != SUCCESS) {
		RETURN_THROWS();
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

/* Delivery status notifications for this message: see smtp_dsn.c for the array. [] asks for none. */
ZEND_METHOD(Smtp_Message, dsn)
{
	HashTable *options;
	smtp_message_obj *m = THIS_MESSAGE();
	zval normal;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_dsn_normalize(options, &normal, 1) != SUCCESS) {
		RETURN_THROWS();
	}
	zval_ptr_dtor(&m->dsn);
	if (zend_hash_num_elements(Z_ARRVAL(normal)) == 0) {
		zval_ptr_dtor(&normal);
		ZVAL_UNDEF(&m->dsn);
	} else {
		ZVAL_COPY_VALUE(&m->dsn, &normal);
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

/* REQUIRETLS (RFC 8689) for this message: every hop must use verified TLS, or it bounces. */
ZEND_METHOD(Smtp_Message, requireTls)
{
	bool required = true;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(required)
	ZEND_PARSE_PARAMETERS_END();

	m->require_tls = required;
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

/* ---- Smtp\Message::listUnsubscribe() (RFC 8058, RFC 2369) ---------------------------------------- */

/* printable ASCII without space, '<', '>' or ',' (the list syntax of RFC 2369) */
static bool uri_chars_ok(const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 127 || c == '<' || c == '>' || c == ',') {
			return false;
		}
	}
	return true;
}

static void remove_headers(smtp_message_obj *m, const char *name)
{
	uint32_t i, j = 0;
	for (i = 0; i < m->header_count; i++) {
		if (smtp_ascii_ieq(ZSTR_VAL(m->headers[i].name), ZSTR_LEN(m->headers[i].name), name)) {
			zend_string_release(m->headers[i].name);
			zend_string_release(m->headers[i].value);
			continue;
		}
		m->headers[j++] = m->headers[i];
	}
	m->header_count = j;
}

ZEND_METHOD(Smtp_Message, listUnsubscribe)
{
	smtp_message_obj *m = smtp_message_from_obj(Z_OBJ_P(ZEND_THIS));
	zend_string *url, *mailto = NULL, *name, *value;
	smart_str s = {0};
	zend_result ok;
	const char *mailto_addr = NULL;
	size_t mailto_len = 0;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(url)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(mailto)
	ZEND_PARSE_PARAMETERS_END();

	if (ZSTR_LEN(url) <= 8 || zend_binary_strncasecmp(ZSTR_VAL(url), ZSTR_LEN(url), "https://", 8, 8) != 0) {
		zend_argument_value_error(1, "must be an https:// URL (RFC 8058)");
		RETURN_THROWS();
	}
	if (!uri_chars_ok(ZSTR_VAL(url), ZSTR_LEN(url)) || ZSTR_LEN(url) > 900) {
		zend_argument_value_error(1, "must be a URL of printable ASCII without spaces, '<', '>' or ',' "
			"(percent-encode them), at most 900 characters");
		RETURN_THROWS();
	}
	if (mailto) {
		const char *a = ZSTR_VAL(mailto);
		size_t alen = ZSTR_LEN(mailto);
		if (alen > 7 && zend_binary_strncasecmp(a, alen, "mailto:", 7, 7) == 0) {
			a += 7;
			alen -= 7;
		}
		if (alen == 0 || alen > 300 || !uri_chars_ok(a, alen) || !memchr(a, '@', alen)) {
			zend_argument_value_error(2, "must be an address or a mailto: URI of printable ASCII without spaces, "
				"'<', '>' or ','");
			RETURN_THROWS();
		}
		mailto_addr = a;
		mailto_len = alen;
	}
	/* the https URI first: the one RFC 8058 one-click receivers use */
	smart_str_appendc(&s, '<');
	smart_str_append(&s, url);
	smart_str_appendc(&s, '>');
	if (mailto) {
		smart_str_appends(&s, ", <mailto:");
		smart_str_appendl(&s, mailto_addr, mailto_len);
		smart_str_appendc(&s, '>');
	}
	value = smart_str_extract(&s);

	remove_headers(m, "List-Unsubscribe");
	remove_headers(m, "List-Unsubscribe-Post");
	name = zend_string_init("List-Unsubscribe", sizeof("List-Unsubscribe") - 1, 0);
	ok = smtp_message_add_header(m, name, value, 1, 1);
	zend_string_release(name);
	zend_string_release(value);
	if (ok == SUCCESS) {
		name = zend_string_init("List-Unsubscribe-Post", sizeof("List-Unsubscribe-Post") - 1, 0);
		value = zend_string_init("List-Unsubscribe=One-Click", sizeof("List-Unsubscribe=One-Click") - 1, 0);
		ok = smtp_message_add_header(m, name, value, 1, 1);
		zend_string_release(name);
		zend_string_release(value);
	}
	if (ok != SUCCESS) {
		RETURN_THROWS();
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}
