/*
 * smtp_outgoing.c - one message to send (see smtp_outgoing.h): send()'s checks, the envelope, the body
 * producers (a Message through the MIME writer, a string, a stream read in chunks), the envelope fitted to
 * the server, and one transaction of it.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "zend_interfaces.h"
#include "ext/standard/file.h"

#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"
#include "smtp_outgoing.h"
#include "smtp_address.h"
#include "smtp_boundary.h"
#include "smtp_client.h"
#include "smtp_connection.h"
#include "smtp_dkim_binding.h"
#include "smtp_dsn.h"
#include "smtp_exceptions.h"
#include "smtp_idn.h"
#include "smtp_message.h"
#include "smtp_result.h"
#include "smtp_smime.h"
#include "smtp_transport.h"
#include "smtp_values.h"

/* ---- recipients ------------------------------------------------------------------------------------- */

void smtp_recipients_init(smtp_recipients *r)
{
	memset(r, 0, sizeof(*r));
	zend_hash_init(&r->seen, 8, NULL, NULL, 0);
}

void smtp_recipients_free(smtp_recipients *r)
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

void smtp_recipients_add(smtp_recipients *r, zend_string *address)
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

void smtp_recipients_add_list(smtp_recipients *r, const smtp_php_mailbox_list *l)
{
	uint32_t i;
	for (i = 0; i < l->count; i++) {
		smtp_recipients_add(r, l->items[i].address);
	}
}

/* $to of send(): an address or a list of them */
static bool recipients_from_arg(smtp_recipients *r, HashTable *to_ht, zend_string *to_str, uint32_t arg_num)
{
	if (to_str) {
		if (!smtp_check_address(to_str, arg_num, NULL)) {
			return false;
		}
		smtp_recipients_add(r, to_str);
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
			smtp_recipients_add(r, Z_STR_P(v));
		} ZEND_HASH_FOREACH_END();
	}
	return true;
}

/* A raw message goes out as it is: it must already obey the line rules the encoder cannot fix. */
static bool check_raw_message(zend_string *msg, uint32_t arg_num)
{
	if (memchr(ZSTR_VAL(msg), '\0', ZSTR_LEN(msg))) {
		zend_argument_value_error(arg_num, "must not contain NUL bytes");
		return false;
	}
	if (smtp_longest_line(ZSTR_VAL(msg), ZSTR_LEN(msg)) > SMTP_MAX_TEXT_LINE) {
		zend_argument_value_error(arg_num, "must not contain lines longer than %d octets "
			"(Smtp\\Message encodes long lines)", SMTP_MAX_TEXT_LINE);
		return false;
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

/* ---- a raw message given as an iterable of strings (read once per pass, in its order) ------------- */

/* Keep what the iterable threw, so the session goes on without a pending PHP exception (the logger may
 * still be called) and the Smtp\Exception thrown at the end has it as its previous. */
static smtp_status iter_threw(smtp_outgoing *o)
{
	zend_object *ex = EG(exception);
	zval rv, *msg;
	if (zend_is_unwind_exit(ex) || zend_is_graceful_exit(ex)) {
		/* exit() in the iterable: left to end the request (nothing is thrown over it) */
		snprintf(o->body_err, sizeof(o->body_err), "Not sent: exit() while the message iterable was read");
		return SMTP_ERR_SOURCE;
	}
	if (o->body_exception) {
		OBJ_RELEASE(o->body_exception);
	}
	GC_ADDREF(ex);
	o->body_exception = ex;
	zend_clear_exception();
	msg = zend_read_property_ex(zend_get_exception_base(ex), ex, ZSTR_KNOWN(ZEND_STR_MESSAGE), true, &rv);
	snprintf(o->body_err, sizeof(o->body_err), "Not sent: the message iterable threw %s: %s",
		ZSTR_VAL(ex->ce->name), msg && Z_TYPE_P(msg) == IS_STRING ? Z_STRVAL_P(msg) : "");
	return SMTP_ERR_SOURCE;
}

/* One item: a string into the DATA encoder (empty ones skipped); anything else ends the message. */
static smtp_status iter_item(smtp_outgoing *o, smtp_sink *sink, zval *v, uint32_t index, bool *first)
{
	ZVAL_DEREF(v);
	if (Z_TYPE_P(v) != IS_STRING) {
		snprintf(o->body_err, sizeof(o->body_err),
			"Smtp::send(): Argument #1 ($message) must be an iterable of strings, %s given at item %u; "
			"nothing was delivered", zend_zval_type_name(v), index);
		o->body_type_error = true;
		return SMTP_ERR_SOURCE;
	}
	if (Z_STRLEN_P(v) == 0) {
		return SMTP_OK;
	}
	if (*first) {
		/* the header is in the first item but for freak messages (Symfony's is the whole header) */
		if (o->stream_message_id) {
			zend_string_release(o->stream_message_id);
		}
		o->stream_message_id = raw_message_id(Z_STRVAL_P(v), Z_STRLEN_P(v));
		*first = false;
	}
	return smtp_sink_write(sink, Z_STRVAL_P(v), Z_STRLEN_P(v));
}

/* The items in their order into the DATA encoder. A Traversable gets a new iterator for each pass (an
 * IteratorAggregate makes a new generator: a DKIM-signed message or a retry reads the message again); a
 * Generator already run cannot be rewound: its exception is the reason the message was not sent. A failure
 * mid-message makes the core abort the transaction (no final dot, no BDAT LAST): nothing is delivered. */
static smtp_status iter_body(void *ctx, smtp_sink *sink)
{
	smtp_outgoing *o = ctx;
	smtp_status st = SMTP_OK;
	uint32_t index = 0;
	bool first = true;
	zend_class_entry *ce;
	zend_object_iterator *it;
	zval *v, iterable;

	/* held for the pass: the logger, called while writing, cannot free it under us */
	ZVAL_COPY(&iterable, &o->iter);
	if (Z_TYPE(iterable) == IS_ARRAY) {
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(iterable), v) {
			if ((st = iter_item(o, sink, v, index++, &first)) != SMTP_OK) {
				break;
			}
		} ZEND_HASH_FOREACH_END();
		zval_ptr_dtor(&iterable);
		return st;
	}
	ce = Z_OBJCE(iterable);
	it = ce->get_iterator(ce, &iterable, 0);
	if (!it || EG(exception)) {
		if (it) {
			zend_iterator_dtor(it);
		}
		st = EG(exception) ? iter_threw(o) : SMTP_ERR_SOURCE;
		zval_ptr_dtor(&iterable);
		return st;
	}
	if (it->funcs->rewind) {
		it->funcs->rewind(it);
	}
	while (!EG(exception) && it->funcs->valid(it) == SUCCESS && !EG(exception)) {
		v = it->funcs->get_current_data(it);
		if (EG(exception)) {
			break;
		}
		if ((st = iter_item(o, sink, v, index++, &first)) != SMTP_OK) {
			break;
		}
		it->funcs->move_forward(it);
	}
	if (EG(exception)) {
		st = iter_threw(o);
	}
	zend_iterator_dtor(it);
	if (EG(exception) && st == SMTP_OK) { /* a finally block of the generator threw while it was let go */
		st = iter_threw(o);
	}
	zval_ptr_dtor(&iterable);
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
	zval_ptr_dtor(&o->iter);
	if (o->body_exception) {
		OBJ_RELEASE(o->body_exception);
	}
	if (o->msg_obj) {
		OBJ_RELEASE(o->msg_obj);
	}
	smtp_dsn_release(o);
	smtp_outgoing_clear(o);
}

/* o holds the message (an object or a string), its sender and (taken from r) its recipients */
void smtp_outgoing_set(smtp_outgoing *o, smtp_message_obj *m, zend_string *raw, zend_string *env_from,
	smtp_recipients *r)
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

/* A Message: the recipients are its own unless given (to_from_message), the envelope sender the one given,
 * else Sender (the address responsible), else From; its DSN when send() gives none (own_dsn). */
static bool init_message(smtp_outgoing *o, smtp_message_obj *m, zend_string *from, bool to_from_message,
	smtp_recipients *rcpts, bool own_dsn)
{
	zend_string *env_from;
	if (to_from_message) {
		smtp_recipients_add_list(rcpts, &m->to);
		smtp_recipients_add_list(rcpts, &m->cc);
		smtp_recipients_add_list(rcpts, &m->bcc);
	}
	if (rcpts->count == 0) {
		o->failed_arg = 3;
		zend_argument_value_error(3, "must not be empty when the message has no To, Cc or Bcc address");
		return false;
	}
	env_from = from ? from : m->sender_address ? m->sender_address : m->from_address;
	if (!env_from) {
		o->failed_arg = 2;
		zend_argument_value_error(2, "must be given when the message has no From or Sender address");
		return false;
	}
	smtp_outgoing_set(o, m, NULL, env_from, rcpts);
	return !own_dsn || Z_TYPE(m->dsn) != IS_ARRAY
		|| smtp_dsn_prepare(o, &m->dsn, "Smtp\\Message::dsn() option ") == SUCCESS;
}

/* A raw message (a string msg_str, a stream, or an iterable of strings): sender and recipients must be given. */
static bool init_raw(smtp_outgoing *o, zend_string *msg_str, zval *stream, zval *iterable, zend_string *from,
	smtp_recipients *rcpts)
{
	const char *kind = stream ? "stream" : iterable ? "iterable" : "string";
	if (!from) {
		o->failed_arg = 2;
		zend_argument_value_error(2, "must be given when the message is a%s %s", iterable ? "n" : "", kind);
		return false;
	}
	if (rcpts->count == 0) {
		o->failed_arg = 3;
		zend_argument_value_error(3, "must name at least one recipient when the message is a%s %s",
			iterable ? "n" : "", kind);
		return false;
	}
	if (msg_str && !check_raw_message(msg_str, 1)) {
		return false;
	}
	if (stream && !outgoing_set_stream(o, stream, 1)) {
		return false;
	}
	if (iterable && Z_TYPE_P(iterable) == IS_ARRAY) {
		/* an array is checked before any byte is sent; a Traversable as it is read */
		zval *v;
		uint32_t index = 0;
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(iterable), v) {
			ZVAL_DEREF(v);
			if (Z_TYPE_P(v) != IS_STRING) {
				o->failed_arg = 1;
				zend_argument_type_error(1, "must be an iterable of strings, %s given at item %u",
					zend_zval_type_name(v), index);
				return false;
			}
			index++;
		} ZEND_HASH_FOREACH_END();
	}
	if (iterable) {
		ZVAL_COPY(&o->iter, iterable);
	}
	smtp_outgoing_set(o, NULL, msg_str, from, rcpts);
	return true;
}

bool smtp_outgoing_init(smtp_outgoing *o, zval *message, zend_string *from, HashTable *to_ht, zend_string *to_str,
	HashTable *dsn)
{
	smtp_recipients rcpts;
	zend_object *msg_obj = NULL;
	zend_string *msg_str = NULL;
	zval *stream = NULL, *iterable = NULL, normal;
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
	} else if (Z_TYPE_P(message) == IS_ARRAY
		|| (Z_TYPE_P(message) == IS_OBJECT && instanceof_function(Z_OBJCE_P(message), zend_ce_traversable))) {
		iterable = message;
	} else {
		zend_argument_type_error(1, "must be of type Smtp\\Message|string|resource|iterable, %s given",
			zend_zval_type_name(message));
		return false;
	}
	smtp_recipients_init(&rcpts);
	if (from && ZSTR_LEN(from) && !smtp_check_address(from, 2, NULL)) {
		o->failed_arg = 2;
		goto out;
	}
	if (!recipients_from_arg(&rcpts, to_ht, to_str, 3)) {
		o->failed_arg = 3;
		goto out;
	}
	if (dsn && smtp_dsn_normalize(dsn, &normal, 4) != SUCCESS) {
		o->failed_arg = 4;
		goto out;
	}
	if (msg_obj ? !init_message(o, smtp_message_from_obj(msg_obj), from, !to_ht && !to_str, &rcpts, !dsn)
		: !init_raw(o, msg_str, stream, iterable, from, &rcpts)) {
		goto out; /* failed_arg set there (0: the message itself) */
	}
	if (dsn && smtp_dsn_prepare(o, &normal, "Smtp::send(): Argument #4 ($dsn) ") != SUCCESS) {
		o->failed_arg = 4;
		goto out;
	}
	ok = true;
out:
	zval_ptr_dtor(&normal);
	if (msg_str) {
		zend_string_release(msg_str);
	}
	smtp_recipients_free(&rcpts);
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
	} else if (Z_TYPE(o->iter) != IS_UNDEF) {
		/* read once as it is sent: no SIZE=, and declared 8-bit as for a stream */
		o->env.smtputf8 = utf8;
		o->env.body_8bit = 1;
		o->env.size = 0;
		o->body_fn = iter_body;
		o->body_ctx = o;
	} else {
		o->env.smtputf8 = utf8;
		o->env.body_8bit = !smtp_is_ascii(ZSTR_VAL(o->raw), ZSTR_LEN(o->raw));
		o->env.size = raw_wire_size(ZSTR_VAL(o->raw), ZSTR_LEN(o->raw));
		o->body_fn = raw_body;
		o->body_ctx = o->raw;
	}
	o->body_err[0] = '\0';
	o->body_type_error = false;
	if (o->body_exception) {
		OBJ_RELEASE(o->body_exception);
		o->body_exception = NULL;
	}
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
	const smtp_capabilities *caps = smtp_session_capabilities(c->conn.session);

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
	const char *host, zval *return_value)
{
	zend_string *raw_id = o->raw ? raw_message_id(ZSTR_VAL(o->raw), ZSTR_LEN(o->raw)) : NULL;
	smtp_result_make(return_value, reply, reply_len, res, &o->env,
		o->m ? o->b.message_id : o->raw ? raw_id : o->stream_message_id, host);
	if (raw_id) {
		zend_string_release(raw_id);
	}
}

void smtp_outgoing_throw_body_reason(smtp_outgoing *o)
{
	zend_object *ex;
	if (o->body_type_error) {
		zend_type_error("%s", o->body_err);
		return;
	}
	ex = smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "%s", o->body_err);
	if (ex && o->body_exception) {
		zend_exception_set_previous(ex, o->body_exception); /* takes our reference */
		o->body_exception = NULL;
	}
}

bool smtp_outgoing_throw_body_error(smtp_outgoing *o, smtp_status st, const char *error)
{
	bool iterable = Z_TYPE(o->iter) != IS_UNDEF;
	if (st == SMTP_ERR_INPUT && (o->stream_res || iterable) && !o->body_err[0]) {
		/* the DATA encoder refused what the stream gave: the core hung up, nothing was delivered */
		zend_argument_value_error(1, "must be a%s of a message without NUL bytes and without lines over %d "
			"octets (%s); nothing was delivered", iterable ? "n iterable" : " stream", SMTP_MAX_TEXT_LINE,
			error && error[0] ? error : "invalid content");
		return true;
	}
	if ((st == SMTP_ERR_SOURCE || st == SMTP_ERR_INPUT) && (o->m || o->stream_res || iterable) && o->body_err[0]) {
		/* the message writer failed mid-DATA: its reason is the useful one */
		if (st == SMTP_ERR_INPUT) {
			zend_value_error("%s", o->body_err);
		} else {
			smtp_outgoing_throw_body_reason(o);
		}
		return true;
	}
	return false;
}

void smtp_outgoing_send(smtp_client_obj *c, smtp_outgoing *o, zval *return_value)
{
	smtp_send_result res;
	smtp_status st;
	bool reused;
	uint64_t heard;

	if (smtp_outgoing_build(c, o) != SUCCESS) {
		return;
	}
	if (!smtp_client_op_begin(c)) {
		return;
	}
	reused = smtp_client_is_connected(c);
	if (smtp_client_open(c, true) != SUCCESS) {
		smtp_client_op_end(c);
		return;
	}
	if (smtp_outgoing_prepare(c, o) != SUCCESS) {
		smtp_client_op_end(c);
		return;
	}
	memset(&res, 0, sizeof(res));
	heard = smtp_session_bytes_received(c->conn.session);
	st = smtp_session_send(c->conn.session, &o->env, o->body_fn, o->body_ctx, &res);
	if (reused && (st == SMTP_ERR_CLOSED || st == SMTP_ERR_IO) && !o->body_err[0]
		&& smtp_session_bytes_received(c->conn.session) == heard) {
		/* The server had closed the connection we kept (an idle timeout, or the close after a failed
		 * transaction reaching us late): it answered nothing of this send, so it has nothing of it.
		 * Once more, on a new connection. */
		smtp_send_result_free(&res);
		memset(&res, 0, sizeof(res));
		smtp_connection_close(&c->conn);
		if (smtp_client_open(c, true) != SUCCESS) {
			smtp_client_op_end(c);
			return;
		}
		if (o->m) {
			smtp_message_build_rewind(&o->b);
		}
		st = smtp_session_send(c->conn.session, &o->env, o->body_fn, o->body_ctx, &res);
	} else if (st != SMTP_OK && smtp_session_not_accepted(c->conn.session) && !o->body_err[0]
		&& !c->logger_exception && !EG(exception)) {
		/* A 421 before the reply to the end of data (a server that takes N messages a connection says so
		 * at the next MAIL), or the connection lost before the end of data went: the server does not have
		 * the message. Once more, on a new connection, as sendBatch() does; said in the transcript. */
		char note[560];
		zend_object *first;
		snprintf(note, sizeof(note), "not sent: %s; sending it once more on a new connection",
			smtp_session_error(c->conn.session));
		/* the first failure, thrown if no new connection can be had (with that failure as its previous) */
		smtp_throw_status(st, c->conn.session, &res, &o->env);
		first = EG(exception);
		GC_ADDREF(first);
		zend_clear_exception();
		smtp_client_log_note(c, note);
		smtp_send_result_free(&res);
		memset(&res, 0, sizeof(res));
		smtp_connection_close(&c->conn);
		if (EG(exception)) { /* exit() in the logger: it ends the script */
			OBJ_RELEASE(first);
			smtp_client_op_end(c);
			return;
		}
		if (c->logger_exception || smtp_client_open(c, true) != SUCCESS) {
			zval ex;
			if (EG(exception)) {
				zend_object *why = EG(exception);
				GC_ADDREF(why);
				zend_clear_exception();
				zend_exception_set_previous(first, why);
			}
			ZVAL_OBJ(&ex, first);
			zend_throw_exception_object(&ex);
			smtp_client_op_end(c);
			return;
		}
		OBJ_RELEASE(first);
		if (o->m) {
			smtp_message_build_rewind(&o->b);
		}
		st = smtp_session_send(c->conn.session, &o->env, o->body_fn, o->body_ctx, &res);
	}
	if (st == SMTP_OK) {
		const smtp_reply *r = smtp_session_last_reply(c->conn.session);
		zend_object *lex;
		smtp_outgoing_result(o, &res, r && r->text.data ? r->text.data : NULL, r && r->text.data ? r->text.len : 0,
			smtp_session_peer(c->conn.session), return_value);
		/* the logger threw after the server accepted the message: the Result says so, and is returned */
		if ((lex = smtp_client_take_logger_exception(c)) != NULL) {
			smtp_result_set_logger_exception(return_value, lex);
			OBJ_RELEASE(lex);
		}
	} else {
		if (!smtp_outgoing_throw_body_error(o, st, smtp_session_error(c->conn.session))) {
			smtp_throw_status(st, c->conn.session, &res, &o->env);
		}
		smtp_client_after_error(c);
	}
	smtp_send_result_free(&res);
	smtp_client_op_end(c);
}

