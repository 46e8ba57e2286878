/*
 * smtp_mail.c - smtp_mail(): mail() over SMTP, configured by the smtp.* INI settings, and the
 * smtp.override_mail switch that makes PHP's own mail() call it.
 *
 * Like mail(), the headers and the body are the caller's. What mail() accepts is sent: header fields are
 * folded, a body with lines too long for SMTP is transfer-encoded, the recipients are those sendmail -t
 * would find (To, Cc, Bcc, group syntax included). Date and Message-ID are added when missing, Bcc is
 * dropped after being used for the envelope. Failures are warnings and a false return, as with mail();
 * mail()'s own ValueErrors and TypeErrors are kept (see README "mail() without code changes").
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
#include "ext/standard/php_mail.h"

#include "php_smtp.h"
#include "smtp_dkim_binding.h"
#include "smtp_headers.h"
#include "smtp_mail_args.h"
#include "smtp_mail_message.h"

/* ---- settings ------------------------------------------------------------------------------------ */

/* PHP's own mail settings (SMTP, smtp_port, sendmail_from), read the same way on every PHP version; "" when
 * unset. */
static const char *php_setting_string(const char *name)
{
	const char *v = smtp_compat_ini_string(name, strlen(name));
	return v ? v : "";
}

static zend_long php_setting_long(const char *name)
{
	return smtp_compat_ini_long(name, strlen(name));
}

int smtp_ini_tls_mode(const char *s)
{
	int mode;
	if (s[0] == '\0' || zend_binary_strcasecmp(s, strlen(s), "off", 3) == 0) {
		return SMTP_TLS_NONE; /* also unquoted none, off, no, false, null: the INI parser makes them "" */
	}
	if (zend_binary_strcasecmp(s, strlen(s), "auto", 4) == 0) {
		return -1;
	}
	mode = smtp_parse_tls_mode(s);
	return mode < 0 ? -2 : mode;
}

bool smtp_ini_host_valid(const char *s)
{
	/* one host name or address, or a comma-separated list of them (tried in order) */
	size_t i, len = strlen(s), item = 0;
	if (len > 1024) {
		return false;
	}
	for (i = 0; i <= len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == ',' || ch == '\0') {
			if (item == 0 || item > 255) {
				return false; /* an empty item, or a name longer than DNS allows */
			}
			item = 0;
		} else if (ch == ' ' || ch == '\t') {
			/* white space only around the commas */
			if (item != 0 && s[i + 1] != ',' && s[i + 1] != ' ' && s[i + 1] != '\t' && s[i + 1] != '\0') {
				return false;
			}
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.'
			|| ch == '-' || ch == '_' || ch == ':' || ch == '[' || ch == ']' || ch == '%') {
			item++;
		} else {
			return false;
		}
	}
	return true;
}

bool smtp_ini_helo_valid(const char *s)
{
	size_t i, len = strlen(s);
	if (len > 255) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126) {
			return false;
		}
	}
	return true;
}

/* "addr" or "Name <addr>" (the name quoted or not): where the address is, without throwing. */
static bool split_mailbox(const char *s, size_t len, const char **addr, size_t *addr_len, const char **name,
	size_t *name_len)
{
	const char *lt = NULL, *gt = NULL;
	size_t i;
	bool quoted = false;
	for (i = 0; i < len; i++) {
		if (quoted) {
			if (s[i] == '\\' && i + 1 < len) {
				i++;
			} else if (s[i] == '"') {
				quoted = false;
			}
		} else if (s[i] == '"') {
			quoted = true;
		} else if (s[i] == '<' && !lt) {
			lt = s + i;
		} else if (s[i] == '>' && lt && !gt) {
			gt = s + i;
		}
	}
	if (quoted || (lt && !gt)) {
		return false;
	}
	if (lt) {
		const char *rest = gt + 1;
		while (rest < s + len && (*rest == ' ' || *rest == '\t')) {
			rest++;
		}
		if (rest != s + len) {
			return false;
		}
		*addr = lt + 1;
		*addr_len = (size_t)(gt - lt - 1);
		*name = s;
		*name_len = (size_t)(lt - s);
	} else {
		*addr = s;
		*addr_len = len;
		*name = s;
		*name_len = 0;
	}
	while (*addr_len && (**addr == ' ' || **addr == '\t')) {
		(*addr)++;
		(*addr_len)--;
	}
	while (*addr_len && ((*addr)[*addr_len - 1] == ' ' || (*addr)[*addr_len - 1] == '\t')) {
		(*addr_len)--;
	}
	while (*name_len && ((*name)[*name_len - 1] == ' ' || (*name)[*name_len - 1] == '\t')) {
		(*name_len)--;
	}
	return true;
}

bool smtp_ini_from_valid(const char *s, size_t len)
{
	const char *addr, *name;
	size_t al, nl;
	return !smtp_has_line_break(s, len) && split_mailbox(s, len, &addr, &al, &name, &nl)
		&& smtp_address_valid(addr, al, 1, NULL);
}

void smtp_mail_server(const char **host, zend_long *port, int *tls_mode)
{
	*host = SMTP_G(host) && SMTP_G(host)[0] ? SMTP_G(host) : php_setting_string("SMTP");
	if (!(*host)[0]) {
		*host = "localhost";
	}
	*tls_mode = smtp_ini_tls_mode(SMTP_G(tls) ? SMTP_G(tls) : "auto");
	*port = SMTP_G(port);
	if (*port == 0) {
		/* smtp_port = 25 is PHP's default (and php.ini-production's): not taken as a choice */
		zend_long php_port = php_setting_long("smtp_port");
		if (php_port > 0 && php_port <= 65535 && php_port != 25) {
			*port = php_port;
		} else {
			*port = *tls_mode == SMTP_TLS_IMPLICIT ? 465 : *tls_mode == SMTP_TLS_NONE ? 25 : 587;
		}
	}
	if (*tls_mode < 0) {
		*tls_mode = *port == 465 ? SMTP_TLS_IMPLICIT : SMTP_TLS_STARTTLS;
	}
}

/* The exception a send ended with, as mail()'s warning. */
static void exception_to_warning(void)
{
	zval rv, *msg;
	zend_string *text;
	zend_object *ex = EG(exception);
	msg = zend_read_property_ex(ex->ce, ex, ZSTR_KNOWN(ZEND_STR_MESSAGE), 1, &rv);
	text = zval_get_string(msg);
	zend_clear_exception();
	php_error_docref(NULL, E_WARNING, "%s", ZSTR_VAL(text));
	zend_string_release(text);
}

bool smtp_mail_impl(zend_string *to, zend_string *subject, zend_string *message, HashTable *headers_ht,
	zend_string *headers_str, zend_string *params)
{
	smtp_mail_headers h = {0};
	smtp_php_mailbox_list rcpt_list = {0}, from_list = {0};
	smart_str raw = {0}, to_value = {0};
	zend_string *to_line = NULL, *subject_line = NULL, *hdr = NULL, *env_from = NULL, *from_addr = NULL;
	zend_string *raw_str = NULL, *body = NULL, *full_message = NULL;
	size_t body_at;
	bool ok = false, have_date = false, have_msgid = false, have_from = false, have_mime = false, add_cte = false;
	uint32_t i;
	zval client_zv;
	smtp_client_obj *c;
	int tls_mode;
	const char *from_setting = NULL, *host;

	ZVAL_UNDEF(&client_zv);

	/* the arguments as mail() takes them: its ValueErrors, its warnings */
	if (headers_ht) {
		hdr = php_mail_build_headers(headers_ht);
		if (EG(exception)) {
			goto out;
		}
	} else if (headers_str) {
		if (memchr(ZSTR_VAL(headers_str), '\0', ZSTR_LEN(headers_str))) {
			zend_argument_value_error(4, "must not contain any null bytes");
			goto out;
		}
		hdr = php_trim(headers_str, NULL, 0, 2);
	}
	if (hdr && ZSTR_LEN(hdr) && smtp_mail_headers_malformed(ZSTR_VAL(hdr))) {
		php_error_docref(NULL, E_WARNING, "Multiple or malformed newlines found in additional_header");
		goto out;
	}
	to_line = smtp_mail_clean_line(to);
	subject_line = smtp_mail_clean_line(subject);
	if (hdr) {
		smtp_mail_headers_parse(&h, ZSTR_VAL(hdr), ZSTR_LEN(hdr), &body_at);
		if (body_at < ZSTR_LEN(hdr)) {
			/* sendmail reads the rest as the start of the body, and so will the server */
			smart_str lead = {0};
			smart_str_appendl(&lead, ZSTR_VAL(hdr) + body_at, ZSTR_LEN(hdr) - body_at);
			smart_str_appends(&lead, "\r\n\r\n");
			smart_str_append(&lead, message);
			full_message = smart_str_extract(&lead);
			message = full_message;
		}
	}

	/* recipients as sendmail -t finds them: To (the argument and To fields, merged into one), Cc, Bcc */
	if (!smtp_mail_collect_addresses("To", ZSTR_VAL(to_line), ZSTR_LEN(to_line), &rcpt_list)) {
		goto out;
	}
	if (ZSTR_LEN(to_line)) {
		smart_str_append(&to_value, to_line);
	}
	for (i = 0; i < h.count; i++) {
		smtp_mail_header *f = &h.items[i];
		if (smtp_header_is(f->name, "To") || smtp_header_is(f->name, "Cc") || smtp_header_is(f->name, "Bcc")) {
			if (!smtp_mail_collect_addresses(ZSTR_VAL(f->name), ZSTR_VAL(f->value), ZSTR_LEN(f->value), &rcpt_list)) {
				goto out;
			}
			if (smtp_header_is(f->name, "To") && ZSTR_LEN(f->value)) {
				if (to_value.s) {
					smart_str_appends(&to_value, ", ");
				}
				smart_str_append(&to_value, f->value);
			}
		} else if (smtp_header_is(f->name, "From")) {
			if (!have_from
				&& !smtp_mail_collect_addresses("From", ZSTR_VAL(f->value), ZSTR_LEN(f->value), &from_list)) {
				goto out;
			}
			have_from = true;
		} else if (smtp_header_is(f->name, "Date")) {
			have_date = true;
		} else if (smtp_header_is(f->name, "Message-ID")) {
			have_msgid = true;
		} else if (smtp_header_is(f->name, "MIME-Version")) {
			have_mime = true;
		}
	}
	if (rcpt_list.count == 0) {
		php_error_docref(NULL, E_WARNING, "No recipient: $to and the To, Cc and Bcc headers name no address");
		goto out;
	}

	/* the sender: the From field, else smtp.from, else sendmail_from */
	if (!have_from) {
		from_setting = SMTP_G(from) && SMTP_G(from)[0] ? SMTP_G(from) : php_setting_string("sendmail_from");
		if (!from_setting[0]) {
			php_error_docref(NULL, E_WARNING, "No sender: set a From header, smtp.from or sendmail_from");
			goto out;
		}
		if (!smtp_mail_collect_addresses(SMTP_G(from) && SMTP_G(from)[0] ? "smtp.from" : "sendmail_from", from_setting,
			strlen(from_setting), &from_list)) {
			goto out;
		}
	}
	if (from_list.count == 0) {
		php_error_docref(NULL, E_WARNING, "No sender: the From header names no address");
		goto out;
	}
	from_addr = zend_string_copy(from_list.items[0].address);
	env_from = smtp_mail_envelope_from(params);
	if (env_from && ZSTR_LEN(env_from) && !smtp_address_valid(ZSTR_VAL(env_from), ZSTR_LEN(env_from), 1, NULL)) {
		php_error_docref(NULL, E_WARNING, "additional_params: -f \"%s\" is not a valid address", ZSTR_VAL(env_from));
		goto out;
	}
	if (!env_from) {
		env_from = zend_string_copy(from_addr);
	}

	/* the body: long lines transfer-encoded rather than refused */
	if (smtp_longest_line(ZSTR_VAL(message), ZSTR_LEN(message)) > SMTP_MAX_TEXT_LINE) {
		body = smtp_mail_encode_long_lines(message, &h, &add_cte);
		if (!body) {
			goto out;
		}
	} else {
		body = zend_string_copy(message);
	}

	/* the message: Date, Message-ID and From when missing, To, Subject, the caller's fields but To and Bcc */
	if (!have_date) {
		zend_string *date = smtp_date_now();
		smart_str_appends(&raw, "Date: ");
		smart_str_append(&raw, date);
		smart_str_appends(&raw, "\r\n");
		zend_string_release(date);
	}
	if (!have_msgid) {
		zend_string *id = smtp_message_id_new(from_addr, ZSTR_VAL(smtp_default_helo()));
		smart_str_appends(&raw, "Message-ID: ");
		smart_str_append(&raw, id);
		smart_str_appends(&raw, "\r\n");
		zend_string_release(id);
	}
	if (!have_from) {
		/* the setting as written, display name included */
		zend_string *name = zend_string_init("From", 4, 0), *v = zend_string_init(from_setting, strlen(from_setting), 0);
		bool wrote = smtp_mail_write_field(&raw, name, v);
		zend_string_release(name);
		zend_string_release(v);
		if (!wrote) {
			goto out;
		}
	}
	if (to_value.s) {
		zend_string *name = zend_string_init("To", 2, 0);
		bool wrote;
		smart_str_0(&to_value);
		wrote = smtp_mail_write_field(&raw, name, to_value.s);
		zend_string_release(name);
		if (!wrote) {
			goto out;
		}
	}
	{
		smtp_buf subj;
		smtp_buf_init(&subj);
		/* a non-ASCII subject becomes RFC 2047 words (UTF-8 assumed, as everywhere in PHP today); an ASCII
		 * one is kept as written (it may hold encoded words already) */
		if (!smtp_is_ascii(ZSTR_VAL(subject_line), ZSTR_LEN(subject_line))
			&& smtp_mime_header_unstructured(&subj, "Subject", ZSTR_VAL(subject_line), ZSTR_LEN(subject_line), "UTF-8")
			== SMTP_OK) {
			smart_str_appendl(&raw, subj.data, subj.len);
		} else {
			zend_string *name = zend_string_init("Subject", 7, 0);
			bool wrote = smtp_mail_write_field(&raw, name, subject_line);
			zend_string_release(name);
			if (!wrote) {
				smtp_buf_free(&subj);
				goto out;
			}
		}
		smtp_buf_free(&subj);
	}
	for (i = 0; i < h.count; i++) {
		if (smtp_header_is(h.items[i].name, "Bcc") || smtp_header_is(h.items[i].name, "To")
			|| (add_cte && smtp_header_is(h.items[i].name, "Content-Transfer-Encoding"))) {
			continue;
		}
		if (!smtp_mail_write_field(&raw, h.items[i].name, h.items[i].value)) {
			goto out;
		}
	}
	if (PG(mail_x_header)) {
		const char *script = zend_get_executed_filename();
		zend_string *base = php_basename(script, strlen(script), NULL, 0);
		zend_stat_t st;
		/* as mail() writes it: the owner of the script (php_getuid() is not exported to extensions) */
		zend_long uid = script[0] && VCWD_STAT(script, &st) == 0 ? (zend_long)st.st_uid : -1;
		smart_str_append_printf(&raw, "X-PHP-Originating-Script: " ZEND_LONG_FMT ":%s\r\n", uid, ZSTR_VAL(base));
		zend_string_release(base);
	}
	if (add_cte) {
		if (!have_mime) {
			smart_str_appends(&raw, "MIME-Version: 1.0\r\n");
		}
		smart_str_appends(&raw, "Content-Transfer-Encoding: quoted-printable\r\n");
	}
	smart_str_appends(&raw, "\r\n");
	smart_str_append(&raw, body);
	raw_str = smart_str_extract(&raw);

	/* the connection: smtp.* settings, else PHP's own SMTP, smtp_port (see README) */
	object_init_ex(&client_zv, smtp_ce_Smtp);
	c = smtp_client_from_obj(Z_OBJ(client_zv));
	smtp_mail_server(&host, &c->port, &tls_mode);
	c->host = zend_string_init(host, strlen(host), 0);
	c->tls_mode = tls_mode;
	smtp_client_set_host_list(c, ZSTR_VAL(c->host)); /* "a, b, c": tried in order */
	/* smtp.timeout bounds every step of the call: the connection and each reply */
	c->timeout = c->command_timeout = c->data_timeout = SMTP_G(timeout) > 0 ? SMTP_G(timeout) : 30;
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
			/* mail() fails with a warning, whatever stopped the send */
			exception_to_warning();
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
	smart_str_free(&raw);
	smart_str_free(&to_value);
	smtp_mail_headers_free(&h);
	smtp_mailbox_list_free(&rcpt_list);
	smtp_mailbox_list_free(&from_list);
	if (to_line) {
		zend_string_release(to_line);
	}
	if (subject_line) {
		zend_string_release(subject_line);
	}
	if (hdr) {
		zend_string_release(hdr);
	}
	if (body) {
		zend_string_release(body);
	}
	if (full_message) {
		zend_string_release(full_message);
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
		Z_PARAM_PATH_STR(to)
		Z_PARAM_PATH_STR(subject)
		Z_PARAM_PATH_STR(message)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(headers_ht, headers_str)
		Z_PARAM_PATH_STR(params)
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
