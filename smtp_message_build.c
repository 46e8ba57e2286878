/*
 * smtp_message_build.c - a Smtp\Message turned into the core's smtp_message (smtp_mime.h) right before it is
 * written: a private copy of the object, its attachment files opened and read in chunks by the core, Date
 * and Message-ID generated when the message has none (the extension's only generators of both); and
 * Message::toString(), which writes it into a string.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "ext/date/php_date.h"
#include "ext/random/php_random.h"

#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"
#include "smtp_address.h"
#include "smtp_boundary.h"
#include "smtp_exceptions.h"
#include "smtp_message.h"
#include "smtp_transport.h"
#include "smtp_values.h"

/* An attachment file. The stream is reached only through its resource, which holds the reference the
 * stream was opened with: user code that runs while the message is written (the logger between BDAT
 * chunks, a user stream wrapper) can close it through get_resources(), and a closed resource is seen
 * as such (its type is -1) instead of the stream being read after it was freed. */
typedef struct smtp_file_source {
	smtp_source src;
	zend_resource *res;
	zend_string *path;
} smtp_file_source;

/* The attachment's stream, or NULL when user code has closed it since it was opened. */
static php_stream *file_source_stream(const smtp_file_source *fs)
{
	return fs->res ? (php_stream *)zend_fetch_resource2(fs->res, NULL, php_file_le_stream(), php_file_le_pstream())
		: NULL;
}

static int file_source_open(void *ctx, char *err, size_t errlen)
{
	smtp_file_source *fs = ctx;
	php_stream *stream = file_source_stream(fs);
	if (!stream) {
		snprintf(err, errlen, "%s: closed before it was read", ZSTR_VAL(fs->path));
		return -1;
	}
	/* opened before the transaction started; rewound when the message is written again */
	if (php_stream_tell(stream) != 0 && php_stream_seek(stream, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: cannot read it again", ZSTR_VAL(fs->path));
		return -1;
	}
	return 0;
}

static long file_source_read(void *ctx, char *buf, size_t cap)
{
	smtp_file_source *fs = ctx;
	/* looked up for every read: the logger, called between chunks, may have closed it */
	php_stream *stream = file_source_stream(fs);
	ssize_t n;
	if (!stream) {
		return -1;
	}
	n = php_stream_read(stream, buf, cap);
	if (n < 0) {
		return -1;
	}
	return (long)n;
}

static void file_source_close(void *ctx)
{
	(void)ctx; /* closed by smtp_message_build_free() */
}

/* The file's size, for SIZE: what reading it from the start will give. */
static int64_t file_source_size(void *ctx)
{
	return smtp_stream_file_size(file_source_stream(ctx));
}

zend_string *smtp_message_id_new(const zend_string *address, const char *default_domain)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[16];
	char id[33];
	const char *domain = NULL;
	size_t dlen = 0, i;

	if (address) {
		const char *at = zend_memrchr(ZSTR_VAL(address), '@', ZSTR_LEN(address));
		if (at) {
			domain = at + 1;
			dlen = ZSTR_LEN(address) - (size_t)(domain - ZSTR_VAL(address));
			if (dlen == 0 || !smtp_is_ascii(domain, dlen)) {
				domain = NULL;
			}
		}
	}
	if (!domain) {
		domain = default_domain && default_domain[0] ? default_domain : "localhost";
		dlen = strlen(domain);
	}
	smtp_php_random(NULL, rnd, sizeof(rnd));
	for (i = 0; i < sizeof(rnd); i++) {
		id[2 * i] = hex[rnd[i] >> 4];
		id[2 * i + 1] = hex[rnd[i] & 15];
	}
	id[32] = '\0';
	return zend_strpprintf(0, "<%s@%.*s>", id, (int)dlen, domain);
}

zend_string *smtp_date_now(void)
{
	return php_format_date("D, d M Y H:i:s O", sizeof("D, d M Y H:i:s O") - 1, time(NULL), 1);
}

static smtp_str zstr(zend_string *s)
{
	smtp_str r;
	r.s = s ? ZSTR_VAL(s) : NULL;
	r.len = s ? ZSTR_LEN(s) : 0;
	return r;
}

static void fill_mailboxes(smtp_mailbox *out, const smtp_php_mailbox_list *l)
{
	uint32_t i;
	for (i = 0; i < l->count; i++) {
		out[i].address = zstr(l->items[i].address);
		out[i].name = zstr(l->items[i].name);
	}
}

/* Open a file the way attach() promises: local files only (no URL wrappers), open_basedir applies. */
static php_stream *open_attachment(zend_string *path, char *err, size_t errlen)
{
	zend_error_handling eh;
	php_stream *stream;

	err[0] = '\0';
	zend_replace_error_handling(EH_THROW, zend_ce_error_exception, &eh);
	stream = php_stream_open_wrapper_ex(ZSTR_VAL(path), "rb", IGNORE_URL | REPORT_ERRORS, NULL, NULL);
	zend_restore_error_handling(&eh);
	if (EG(exception)) {
		zval rv, *msg = zend_read_property_ex(zend_ce_exception, EG(exception), ZSTR_KNOWN(ZEND_STR_MESSAGE), 1, &rv);
		snprintf(err, errlen, "%s", msg && Z_TYPE_P(msg) == IS_STRING ? Z_STRVAL_P(msg) : "cannot open it");
		zend_clear_exception();
		if (stream) {
			php_stream_close(stream);
			stream = NULL;
		}
	} else if (!stream) {
		snprintf(err, errlen, "cannot open it");
	}
	return stream;
}

/* The parts: in-memory data borrowed, files opened now (a failure throws and frees b). */
static zend_result build_parts(smtp_message_build *b, const smtp_message_obj *m)
{
	smtp_message *msg = &b->msg;
	uint32_t i;

	if (!m->part_count) {
		return SUCCESS;
	}
	b->parts = safe_emalloc(m->part_count, sizeof(smtp_part), 0);
	b->sources = ecalloc(m->part_count, sizeof(smtp_file_source));
	for (i = 0; i < m->part_count; i++) {
		const smtp_php_part *pp = &m->parts[i];
		smtp_part *p = &b->parts[i];
		memset(p, 0, sizeof(*p));
		p->disposition = pp->disposition;
		p->filename = zstr(pp->filename);
		p->content_id = zstr(pp->cid);
		if (pp->type) {
			p->content_type = zstr(pp->type);
		} else {
			p->content_type.s = smtp_guess_content_type(pp->filename ? pp->filename : pp->path);
			p->content_type.len = strlen(p->content_type.s);
		}
		if (pp->path) {
			smtp_file_source *fs = &b->sources[b->source_count++];
			char err[256];
			err[0] = '\0';
			php_stream *stream;
			fs->path = pp->path;
			stream = open_attachment(pp->path, err, sizeof(err));
			fs->res = stream ? stream->res : NULL;
			if (!fs->res) {
				if (stream) {
					php_stream_close(stream);
				}
				smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Cannot read attachment \"%s\": %s",
					ZSTR_VAL(pp->path), err);
				msg->parts = b->parts;
				msg->part_count = i;
				smtp_message_build_free(b);
				return FAILURE;
			}
			fs->src.ctx = fs;
			fs->src.open = file_source_open;
			fs->src.read = file_source_read;
			fs->src.close = file_source_close;
			fs->src.size = file_source_size;
			p->source = &fs->src;
		} else {
			p->data = zstr(pp->data);
		}
	}
	return SUCCESS;
}

zend_result smtp_message_build_init(smtp_message_build *b, smtp_message_obj *m, const char *default_domain)
{
	smtp_message *msg = &b->msg;
	uint32_t n_mailboxes = m->to.count + m->cc.count + m->reply_to.count, i;
	smtp_mailbox *mb;

	memset(b, 0, sizeof(*b));
	/* The core borrows the strings while it writes, and user code (the logger) runs meanwhile and may
	 * change the message: write a private copy (the strings are shared, not copied). */
	b->snapshot = smtp_message_clone(&m->std);
	m = smtp_message_from_obj(b->snapshot);
	if (m->from_address) {
		msg->from.address = zstr(m->from_address);
		msg->from.name = zstr(m->from_name);
		msg->has_from = 1;
	}
	if (m->sender_address) {
		msg->sender.address = zstr(m->sender_address);
		msg->sender.name = zstr(m->sender_name);
		msg->has_sender = 1;
	}
	if (n_mailboxes) {
		b->mailboxes = safe_emalloc(n_mailboxes, sizeof(smtp_mailbox), 0);
	}
	mb = b->mailboxes;
	fill_mailboxes(mb, &m->to);
	msg->to = mb;
	msg->to_count = m->to.count;
	mb += m->to.count;
	fill_mailboxes(mb, &m->cc);
	msg->cc = mb;
	msg->cc_count = m->cc.count;
	mb += m->cc.count;
	fill_mailboxes(mb, &m->reply_to);
	msg->reply_to = mb;
	msg->reply_to_count = m->reply_to.count;

	msg->subject = zstr(m->subject);
	msg->text = zstr(m->text);
	msg->has_text = m->text != NULL;
	msg->html = zstr(m->html);
	msg->has_html = m->html != NULL;
	msg->charset = zstr(m->charset);

	if (m->header_count) {
		b->headers = safe_emalloc(m->header_count, sizeof(smtp_header_field), 0);
		for (i = 0; i < m->header_count; i++) {
			b->headers[i].name = zstr(m->headers[i].name);
			b->headers[i].value = zstr(m->headers[i].value);
		}
	}
	msg->headers = b->headers;
	msg->header_count = m->header_count;

	if (build_parts(b, m) != SUCCESS) {
		return FAILURE;
	}
	msg->parts = b->parts;
	msg->part_count = m->part_count;

	b->date = m->date ? zend_string_copy(m->date) : smtp_date_now();
	b->message_id = m->message_id ? zend_string_copy(m->message_id)
		: smtp_message_id_new(m->from_address ? m->from_address : m->sender_address, default_domain);
	msg->date = zstr(b->date);
	msg->message_id = zstr(b->message_id);
	return SUCCESS;
}

void smtp_message_build_rewind(smtp_message_build *b)
{
	uint32_t i;
	for (i = 0; i < b->source_count; i++) {
		php_stream *stream = file_source_stream(&b->sources[i]);
		if (stream) {
			php_stream_seek(stream, 0, SEEK_SET);
		}
	}
}

void smtp_message_build_free(smtp_message_build *b)
{
	uint32_t i;
	for (i = 0; i < b->source_count; i++) {
		php_stream *stream = file_source_stream(&b->sources[i]);
		if (stream) {
			php_stream_close(stream); /* and the reference it was opened with */
		} else if (b->sources[i].res) {
			zend_list_delete(b->sources[i].res); /* closed by user code: only the reference is left */
		}
	}
	if (b->sources) {
		efree(b->sources);
	}
	if (b->parts) {
		efree(b->parts);
	}
	if (b->headers) {
		efree(b->headers);
	}
	if (b->mailboxes) {
		efree(b->mailboxes);
	}
	if (b->date) {
		zend_string_release(b->date);
	}
	if (b->message_id) {
		zend_string_release(b->message_id);
	}
	if (b->snapshot) {
		OBJ_RELEASE(b->snapshot);
	}
	memset(b, 0, sizeof(*b));
}

/* ---- Message::toString() ------------------------------------------------------------------------ */

#define THIS_MESSAGE() smtp_message_from_obj(Z_OBJ_P(ZEND_THIS))

ZEND_METHOD(Smtp_Message, toString)
{
	smtp_message_obj *m = THIS_MESSAGE();
	smtp_message_build b;
	smtp_buf out;
	smtp_status st;
	char err[256];

	ZEND_PARSE_PARAMETERS_NONE();

	if (smtp_message_build_init(&b, m, ZSTR_VAL(smtp_default_helo())) != SUCCESS) {
		RETURN_THROWS();
	}
	smtp_buf_init(&out);
	err[0] = '\0';
	st = smtp_mime_write(&b.msg, &out.sink, smtp_php_random, NULL, err, sizeof(err));
	smtp_message_build_free(&b);
	if (st != SMTP_OK || out.failed) {
		smtp_buf_free(&out);
		if (st == SMTP_ERR_INPUT) {
			zend_value_error("%s", err[0] ? err : smtp_status_name(st));
		} else {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "%s", err[0] ? err : smtp_status_name(st));
		}
		RETURN_THROWS();
	}
	RETVAL_STRINGL(out.data ? out.data : "", out.len);
	smtp_buf_free(&out);
}
