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
#include "ext/hash/php_hash.h"
#include "ext/hash/php_hash_sha.h"

#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"
#include "smtp_mail.h"
#include "smtp_address.h"
#include "smtp_client.h"
#include "smtp_dkim_binding.h"
#include "smtp_exceptions.h"
#include "smtp_globals.h"
#include "smtp_headers.h"
#include "smtp_ini.h"
#include "smtp_mail_args.h"
#include "smtp_mail_message.h"
#include "smtp_message.h"
#include "smtp_options.h"
#include "smtp_values.h"


static void exception_to_warning(void)
{
	zval rv, *msg;
	zend_string *text;
	zend_object *ex = EG(exception);
	if (smtp_exit_pending()) {
		return; /* exit() in user code (the password provider): the request ends */
	}
	msg = zend_read_property_ex(ex->ce, ex, ZSTR_KNOWN(ZEND_STR_MESSAGE), 1, &rv);
	text = zval_get_string(msg);
	zend_clear_exception();
	php_error_docref(NULL, E_WARNING, "%s", ZSTR_VAL(text));
	zend_string_release(text);
}

/* One mail() call: what its arguments become, step by step (smtp_mail_impl()). */
typedef struct mail_job {
	smtp_mail_headers h;                   /* the caller's header fields */
	smtp_php_mailbox_list rcpt_list;  /* the envelope recipients */
	smtp_php_mailbox_list from_list;
	smart_str to_value;               /* the To field: $to and the To fields, merged */
	zend_string *to_line, *subject_line, *hdr;
	zend_string *message;             /* the body as given (borrowed), or full_message */
	zend_string *full_message;        /* the body after the header lines sendmail would read as body */
	zend_string *from_addr, *env_from, *body, *raw;
	const char *from_setting;         /* smtp.from or sendmail_from when no From field */
	bool have_date, have_msgid, have_from, have_mime, add_cte;
} mail_job;

static void job_free(mail_job *j)
{
	zend_string **strings[] = {&j->to_line, &j->subject_line, &j->hdr, &j->full_message, &j->from_addr, &j->env_from,
		&j->body, &j->raw};
	size_t i;
	smart_str_free(&j->to_value);
	smtp_mail_headers_free(&j->h);
	smtp_mailbox_list_free(&j->rcpt_list);
	smtp_mailbox_list_free(&j->from_list);
	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		if (*strings[i]) {
			zend_string_release(*strings[i]);
			*strings[i] = NULL;
		}
	}
}

/* The arguments as mail() takes them: its ValueErrors, its warnings; the header block parsed. */
static bool job_arguments(mail_job *j, zend_string *to, zend_string *subject, HashTable *headers_ht,
	zend_string *headers_str)
{
	size_t body_at;
	if (headers_ht) {
		j->hdr = php_mail_build_headers(headers_ht);
		if (EG(exception)) {
			return false;
		}
	} else if (headers_str) {
		if (memchr(ZSTR_VAL(headers_str), '\0', ZSTR_LEN(headers_str))) {
			zend_argument_value_error(4, "must not contain any null bytes");
			return false;
		}
		j->hdr = php_trim(headers_str, NULL, 0, 2);
	}
	if (j->hdr && ZSTR_LEN(j->hdr) && smtp_mail_headers_malformed(ZSTR_VAL(j->hdr))) {
		php_error_docref(NULL, E_WARNING, "Multiple or malformed newlines found in additional_header");
		return false;
	}
	j->to_line = smtp_mail_clean_line(to);
	j->subject_line = smtp_mail_clean_line(subject);
	if (j->hdr) {
		smtp_mail_headers_parse(&j->h, ZSTR_VAL(j->hdr), ZSTR_LEN(j->hdr), &body_at);
		if (body_at < ZSTR_LEN(j->hdr)) {
			/* sendmail reads the rest as the start of the body, and so will the server */
			smart_str lead = {0};
			smart_str_appendl(&lead, ZSTR_VAL(j->hdr) + body_at, ZSTR_LEN(j->hdr) - body_at);
			smart_str_appends(&lead, "\r\n\r\n");
			smart_str_append(&lead, j->message);
			j->full_message = smart_str_extract(&lead);
			j->message = j->full_message;
		}
	}
	return true;
}

/* Recipients as sendmail -t finds them: To (the argument and To fields, merged into one), Cc, Bcc; and
 * which fields the caller gave. */
static bool job_recipients(mail_job *j)
{
	uint32_t i;
	if (!smtp_mail_collect_addresses("To", ZSTR_VAL(j->to_line), ZSTR_LEN(j->to_line), &j->rcpt_list)) {
		return false;
	}
	if (ZSTR_LEN(j->to_line)) {
		smart_str_append(&j->to_value, j->to_line);
	}
	for (i = 0; i < j->h.count; i++) {
		smtp_mail_header *f = &j->h.items[i];
		if (smtp_header_is(f->name, "To") || smtp_header_is(f->name, "Cc") || smtp_header_is(f->name, "Bcc")) {
			if (!smtp_mail_collect_addresses(ZSTR_VAL(f->name), ZSTR_VAL(f->value), ZSTR_LEN(f->value), &j->rcpt_list)) {
				return false;
			}
			if (smtp_header_is(f->name, "To") && ZSTR_LEN(f->value)) {
				if (j->to_value.s) {
					smart_str_appends(&j->to_value, ", ");
				}
				smart_str_append(&j->to_value, f->value);
			}
		} else if (smtp_header_is(f->name, "From")) {
			if (!j->have_from && !smtp_mail_collect_addresses("From", ZSTR_VAL(f->value), ZSTR_LEN(f->value), &j->from_list)) {
				return false;
			}
			j->have_from = true;
		} else if (smtp_header_is(f->name, "Date")) {
			j->have_date = true;
		} else if (smtp_header_is(f->name, "Message-ID")) {
			j->have_msgid = true;
		} else if (smtp_header_is(f->name, "MIME-Version")) {
			j->have_mime = true;
		}
	}
	if (j->rcpt_list.count == 0) {
		php_error_docref(NULL, E_WARNING, "No recipient: $to and the To, Cc and Bcc headers name no address");
		return false;
	}
	return true;
}

/* The sender: the From field, else smtp.from, else sendmail_from; the envelope's from -f when given. */
static bool job_sender(mail_job *j, zend_string *params)
{
	if (!j->have_from) {
		j->from_setting = SMTP_G(from) && SMTP_G(from)[0] ? SMTP_G(from) : smtp_ini_php_setting("sendmail_from");
		if (!j->from_setting[0]) {
			php_error_docref(NULL, E_WARNING, "No sender: set a From header, smtp.from or sendmail_from");
			return false;
		}
		if (!smtp_mail_collect_addresses(SMTP_G(from) && SMTP_G(from)[0] ? "smtp.from" : "sendmail_from", j->from_setting,
			strlen(j->from_setting), &j->from_list)) {
			return false;
		}
	}
	if (j->from_list.count == 0) {
		php_error_docref(NULL, E_WARNING, "No sender: the From header names no address");
		return false;
	}
	j->from_addr = zend_string_copy(j->from_list.items[0].address);
	j->env_from = smtp_mail_envelope_from(params);
	if (j->env_from && ZSTR_LEN(j->env_from)
		&& !smtp_address_valid(ZSTR_VAL(j->env_from), ZSTR_LEN(j->env_from), 1, NULL)) {
		php_error_docref(NULL, E_WARNING, "additional_params: -f \"%s\" is not a valid address", ZSTR_VAL(j->env_from));
		return false;
	}
	if (!j->env_from) {
		j->env_from = zend_string_copy(j->from_addr);
	}
	/* the body: long lines transfer-encoded rather than refused */
	if (smtp_longest_line(ZSTR_VAL(j->message), ZSTR_LEN(j->message)) > SMTP_MAX_TEXT_LINE) {
		j->body = smtp_mail_encode_long_lines(j->message, &j->h, &j->add_cte);
		return j->body != NULL;
	}
	j->body = zend_string_copy(j->message);
	return true;
}

/* Date, Message-ID and From when the caller gave none. */
static bool write_missing_fields(mail_job *j, smart_str *raw)
{
	if (!j->have_date) {
		zend_string *date = smtp_date_now();
		smart_str_appends(raw, "Date: ");
		smart_str_append(raw, date);
		smart_str_appends(raw, "\r\n");
		zend_string_release(date);
	}
	if (!j->have_msgid) {
		zend_string *id = smtp_message_id_new(j->from_addr, ZSTR_VAL(smtp_default_helo()));
		smart_str_appends(raw, "Message-ID: ");
		smart_str_append(raw, id);
		smart_str_appends(raw, "\r\n");
		zend_string_release(id);
	}
	if (!j->have_from) {
		/* the setting as written, display name included */
		zend_string *name = zend_string_init("From", 4, 0), *v = zend_string_init(j->from_setting, strlen(j->from_setting), 0);
		bool wrote = smtp_mail_write_field(raw, name, v);
		zend_string_release(name);
		zend_string_release(v);
		return wrote;
	}
	return true;
}

/* To and Subject from the arguments. */
static bool write_to_subject(mail_job *j, smart_str *raw)
{
	smtp_buf subj;
	bool wrote = true;
	if (j->to_value.s) {
		zend_string *name = zend_string_init("To", 2, 0);
		smart_str_0(&j->to_value);
		wrote = smtp_mail_write_field(raw, name, j->to_value.s);
		zend_string_release(name);
		if (!wrote) {
			return false;
		}
	}
	smtp_buf_init(&subj);
	/* a non-ASCII subject becomes RFC 2047 words (UTF-8 assumed, as everywhere in PHP today); an ASCII
	 * one is kept as written (it may hold encoded words already) */
	if (!smtp_is_ascii(ZSTR_VAL(j->subject_line), ZSTR_LEN(j->subject_line))
		&& smtp_mime_header_unstructured(&subj, "Subject", ZSTR_VAL(j->subject_line), ZSTR_LEN(j->subject_line),
			"UTF-8") == SMTP_OK) {
		smart_str_appendl(raw, subj.data, subj.len);
	} else {
		zend_string *name = zend_string_init("Subject", 7, 0);
		wrote = smtp_mail_write_field(raw, name, j->subject_line);
		zend_string_release(name);
	}
	smtp_buf_free(&subj);
	return wrote;
}

/* The message: the fields mail() adds, the caller's fields but To and Bcc, then the body. */
static bool job_write(mail_job *j)
{
	smart_str raw = {0};
	uint32_t i;

	if (!write_missing_fields(j, &raw) || !write_to_subject(j, &raw)) {
		smart_str_free(&raw);
		return false;
	}
	for (i = 0; i < j->h.count; i++) {
		if (smtp_header_is(j->h.items[i].name, "Bcc") || smtp_header_is(j->h.items[i].name, "To")
			|| (j->add_cte && smtp_header_is(j->h.items[i].name, "Content-Transfer-Encoding"))) {
			continue;
		}
		if (!smtp_mail_write_field(&raw, j->h.items[i].name, j->h.items[i].value)) {
			smart_str_free(&raw);
			return false;
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
	if (j->add_cte) {
		if (!j->have_mime) {
			smart_str_appends(&raw, "MIME-Version: 1.0\r\n");
		}
		smart_str_appends(&raw, "Content-Transfer-Encoding: quoted-printable\r\n");
	}
	smart_str_appends(&raw, "\r\n");
	smart_str_append(&raw, j->body);
	j->raw = smart_str_extract(&raw);
	return true;
}

/* ---- the connection, kept between calls ----------------------------------------------------------- */

/* The QUIT at the end of a request is bounded (by smtp.timeout too): a server that stopped answering must
 * not hold the request up. */
#define REQUEST_END_QUIT_MS 2000

/* A digest of every setting the connection is made from: each smtp.* setting but smtp.from (the sender,
 * read at each call) and smtp.override_mail, and PHP's SMTP and smtp_port it falls back on. A setting
 * added later is in it by itself. The digest, not the values, is kept: no copy of the password. */
static void settings_digest(unsigned char digest[32])
{
	static const char *const php_settings[] = {"SMTP", "smtp_port"};
	PHP_SHA256_CTX h;
	zend_ini_entry *entry;
	size_t i;

	PHP_SHA256Init(&h);
	ZEND_HASH_FOREACH_PTR(EG(ini_directives), entry) {
		if (entry->module_number != smtp_module_entry.module_number
			|| zend_string_equals_literal(entry->name, "smtp.from")
			|| zend_string_equals_literal(entry->name, "smtp.override_mail")) {
			continue;
		}
		PHP_SHA256Update(&h, (const unsigned char *)ZSTR_VAL(entry->name), ZSTR_LEN(entry->name) + 1);
		if (entry->value) {
			PHP_SHA256Update(&h, (const unsigned char *)ZSTR_VAL(entry->value), ZSTR_LEN(entry->value) + 1);
		} else {
			PHP_SHA256Update(&h, (const unsigned char *)"\0null", 6);
		}
	} ZEND_HASH_FOREACH_END();
	for (i = 0; i < sizeof(php_settings) / sizeof(php_settings[0]); i++) {
		const char *v = smtp_ini_php_setting(php_settings[i]);
		PHP_SHA256Update(&h, (const unsigned char *)v, strlen(v) + 1);
	}
	PHP_SHA256Final(digest, &h);
}

/* Let go of the kept client: QUIT its connection (bounded), or, with smtp.persistent and !quit, leave it
 * open in the persistent pool (the object's release hands it over, as for an Smtp object with option
 * persistent). */
static void release_kept_client(bool quit)
{
	zend_object *obj = SMTP_G(mail_client);
	smtp_client_obj *c;
	if (!obj) {
		return;
	}
	SMTP_G(mail_client) = NULL;
	c = smtp_client_from_obj(obj);
	if (!c->busy && (quit || Z_TYPE(c->persistent) != IS_TRUE)) {
		int command_ms = smtp_seconds_to_ms(c->command_timeout);
		smtp_client_quit_quietly(c, command_ms < REQUEST_END_QUIT_MS ? command_ms : REQUEST_END_QUIT_MS);
	}
	OBJ_RELEASE(obj);
}

void smtp_mail_request_end(void)
{
	release_kept_client(false);
}

/* A client configured by the smtp.* settings through the option table's checks (see README), persistent
 * with smtp.persistent; NULL after a warning. */
static zend_object *new_client(void)
{
	zval client_zv;
	smtp_client_obj *c;

	object_init_ex(&client_zv, smtp_ce_Smtp);
	c = smtp_client_from_obj(Z_OBJ(client_zv));
	if (smtp_options_from_ini(c) != SUCCESS) {
		exception_to_warning();
		zval_ptr_dtor(&client_zv);
		return NULL;
	}
	if (SMTP_G(persistent)) {
		/* the class's persistent connections: the same key, the same RSET check before reuse */
		ZVAL_TRUE(&c->persistent);
	}
	return Z_OBJ(client_zv);
}

/*
 * The client for this call: the one kept from an earlier call of the request when the settings are those
 * it was made with, else a new one (the old one's connection closed). A kept client in use (smtp_mail()
 * called again by a password provider) is left alone: this call gets a client of its own (*one_shot).
 */
static zend_object *client_for_call(bool *one_shot)
{
	unsigned char digest[32];
	zend_object *obj = SMTP_G(mail_client);

	*one_shot = false;
	settings_digest(digest);
	if (obj && smtp_client_from_obj(obj)->busy) {
		*one_shot = true;
		return new_client();
	}
	if (obj && memcmp(digest, SMTP_G(mail_settings), sizeof(digest)) == 0) {
		GC_ADDREF(obj);
		return obj;
	}
	release_kept_client(false); /* made with other settings: never reused */
	obj = new_client();
	if (obj) {
		GC_ADDREF(obj);
		SMTP_G(mail_client) = obj;
		memcpy(SMTP_G(mail_settings), digest, sizeof(digest));
	}
	return obj;
}

/* The send, on the request's connection (opened by the first call, reused by the next ones while alive);
 * whatever stops it is a warning, as with mail(). It returns after the server's reply to this message. A
 * failed transaction leaves the connection reset (RSET) or closed, never in the way of the next call. */
static bool job_send(mail_job *j)
{
	zval result;
	zend_object *obj;
	smtp_client_obj *c;
	zend_string **rcpts;
	bool ok = false, one_shot;
	uint32_t i;

	obj = client_for_call(&one_shot);
	if (!obj) {
		return false;
	}
	c = smtp_client_from_obj(obj);
	/* the signer is read at each call, as the sender is (a key file replaced is used at once) */
	smtp_dkim_config_free(c->dkim);
	c->dkim = NULL;
	if (!smtp_dkim_ini_attach(c)) {
		OBJ_RELEASE(obj);
		return false;
	}
	rcpts = safe_emalloc(j->rcpt_list.count, sizeof(zend_string *), 0);
	for (i = 0; i < j->rcpt_list.count; i++) {
		rcpts[i] = j->rcpt_list.items[i].address;
	}
	ZVAL_UNDEF(&result);
	smtp_client_send_raw(c, j->raw, j->env_from, rcpts, j->rcpt_list.count, &result);
	efree(rcpts);
	if (EG(exception)) {
		exception_to_warning();
	} else {
		ok = true;
	}
	zval_ptr_dtor(&result);
	if (one_shot) {
		smtp_client_quit(c);
	}
	OBJ_RELEASE(obj);
	return ok;
}

/* mail()'s job: the headers as an array (headers_ht) or a string (headers_str); false after a warning. */
static bool smtp_mail_impl(zend_string *to, zend_string *subject, zend_string *message, HashTable *headers_ht,
	zend_string *headers_str, zend_string *params)
{
	mail_job j;
	bool ok;

	memset(&j, 0, sizeof(j));
	j.message = message;
	ok = job_arguments(&j, to, subject, headers_ht, headers_str) && job_recipients(&j) && job_sender(&j, params)
		&& job_write(&j) && job_send(&j);
	job_free(&j);
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

PHP_FUNCTION(smtp_mail_quit)
{
	ZEND_PARSE_PARAMETERS_NONE();
	release_kept_client(true);
}

void smtp_mail_override_install(void)
{
	zend_function *fn = zend_hash_str_find_ptr(CG(function_table), "mail", sizeof("mail") - 1);
	if (fn && fn->type == ZEND_INTERNAL_FUNCTION) {
		/* same signature as smtp_mail(); its arginfo stays mail()'s */
		fn->internal_function.handler = ZEND_FN(smtp_mail);
	}
}
