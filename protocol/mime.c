/*
 * mime.c - writes an smtp_message as RFC 5322 / MIME bytes into a sink.
 *
 * Everything the user gave is checked first (mime_check.c), so an input error leaves the sink untouched.
 * Then the header goes out, then the body tree:
 *
 *   multipart/mixed                    only when there are attachments
 *     multipart/related                only when there are inline parts
 *       multipart/alternative          only when there are both a text and an HTML body
 *         text/plain
 *         text/html
 *       inline parts (Content-ID)
 *     attachments
 *
 * so a message with one body and nothing else is a single part. Attachments are base64, read from their
 * source in chunks while writing, so a large file is never held in memory.
 */
#include "mime_internal.h"

/* ---- the writer --------------------------------------------------------------------------------------- */

void mime_set_error(mime_writer *w, const char *format, ...)
{
	if (w->err != NULL && w->errlen > 0) {
		va_list ap;
		va_start(ap, format);
		vsnprintf(w->err, w->errlen, format, ap);
		va_end(ap);
	}
}

/* Push bytes to the sink. */
static smtp_status emit(mime_writer *w, const char *data, size_t len)
{
	if (len == 0) {
		return SMTP_OK;
	}
	w->last_byte = data[len - 1];
	return smtp_sink_write(w->out, data, len);
}

/* Push what is staged in w->buf. */
static smtp_status flush_buf(mime_writer *w)
{
	smtp_status st;

	if (w->buf.failed) {
		return SMTP_ERR_NOMEM;
	}
	st = emit(w, w->buf.data, w->buf.len);
	smtp_buf_reset(&w->buf);
	return st;
}

static smtp_status stage(mime_writer *w, const char *s)
{
	return smtp_buf_append_str(&w->buf, s);
}


/* ---- structure and boundaries -------------------------------------------------------------------------- */

/* What carries the text: one body, both as alternatives, or nothing. */
static entity_kind text_entity(const mime_writer *w)
{
	if (w->m->has_text && w->m->has_html) {
		return ENTITY_ALTERNATIVE;
	}
	return w->m->has_html ? ENTITY_HTML : w->m->has_text ? ENTITY_TEXT : ENTITY_NONE;
}

/* The text with the inline parts it refers to. */
static entity_kind related_entity(const mime_writer *w)
{
	return w->inline_count > 0 ? ENTITY_RELATED : text_entity(w);
}

static entity_kind root_entity(const mime_writer *w)
{
	entity_kind kind = w->attachment_count > 0 ? ENTITY_MIXED : related_entity(w);

	return kind == ENTITY_NONE ? ENTITY_TEXT : kind; /* nothing at all: an empty text/plain */
}

/* 7-bit when every line is ASCII and short enough; quoted-printable otherwise. */
static text_encoding choose_encoding(const smtp_str *body)
{
	size_t i, line = 0, limit = LINE_LIMIT;

	for (i = 0; i < body->len; i++) {
		unsigned char c = (unsigned char)body->s[i];
		if (c == '\r' || c == '\n') {
			line = 0;
			limit = LINE_LIMIT;
			continue;
		}
		if (line == 0 && c == '.') {
			limit = LINE_LIMIT - 1; /* dot-stuffing will add one more: keep the wire line within 1000 */
		}
		if (c >= 0x80 || ++line > limit) {
			return ENCODING_QUOTED_PRINTABLE;
		}
	}
	return ENCODING_7BIT;
}

static void fill_random(mime_writer *w, unsigned char *bytes, size_t len)
{
	size_t i;

	if (w->random != NULL) {
		w->random(w->random_ctx, bytes, len);
		return;
	}
	/* No random source: a fixed xorshift. Still safe, since boundaries are checked against the content. */
	for (i = 0; i < len; i++) {
		w->fallback_random ^= (w->fallback_random << 13) & 0xFFFFFFFFUL;
		w->fallback_random ^= w->fallback_random >> 17;
		w->fallback_random ^= (w->fallback_random << 5) & 0xFFFFFFFFUL;
		bytes[i] = (unsigned char)(w->fallback_random >> 8);
	}
}

/*
 * "=_", random letters and digits, "_" and a letter naming the level. "=_" never occurs in quoted-printable
 * or base64 output, the level letter keeps the boundaries distinct, and as all have the same length none
 * is the start of another.
 */
static void make_boundary(mime_writer *w, int level, char *boundary)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char bytes[BOUNDARY_RANDOM];
	size_t i;

	fill_random(w, bytes, sizeof bytes);
	boundary[0] = '=';
	boundary[1] = '_';
	for (i = 0; i < BOUNDARY_RANDOM; i++) {
		boundary[2 + i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
	}
	boundary[2 + BOUNDARY_RANDOM] = '_';
	boundary[3 + BOUNDARY_RANDOM] = "mra"[level];
	boundary[BOUNDARY_LEN] = '\0';
}

/* Whether a 7-bit body contains one of the boundaries in use. */
static int body_collides(const mime_writer *w, const smtp_str *body, const int *used)
{
	int level;

	for (level = 0; level < LEVEL_COUNT; level++) {
		if (used[level] && mime_contains_bytes(body->s, body->len, w->boundary[level], BOUNDARY_LEN)) {
			return 1;
		}
	}
	return 0;
}

static void choose_boundaries(mime_writer *w)
{
	const smtp_message *m = w->m;
	int used[LEVEL_COUNT], level, attempt;
	int text_7bit = m->has_text && w->text_encoding == ENCODING_7BIT;
	int html_7bit = m->has_html && w->html_encoding == ENCODING_7BIT;

	used[LEVEL_MIXED] = w->attachment_count > 0;
	used[LEVEL_RELATED] = w->inline_count > 0;
	used[LEVEL_ALTERNATIVE] = m->has_text && m->has_html;
	for (attempt = 0; attempt < BOUNDARY_ATTEMPTS; attempt++) {
		int collides;
		for (level = 0; level < LEVEL_COUNT; level++) {
			if (used[level]) {
				make_boundary(w, level, w->boundary[level]);
			}
		}
		collides = (text_7bit && body_collides(w, &m->text, used)) || (html_7bit && body_collides(w, &m->html, used));
		if (!collides) {
			return;
		}
	}
	/* A fixed or hostile random source: encode the colliding bodies instead, QP cannot contain "=_". */
	if (text_7bit && body_collides(w, &m->text, used)) {
		w->text_encoding = ENCODING_QUOTED_PRINTABLE;
	}
	if (html_7bit && body_collides(w, &m->html, used)) {
		w->html_encoding = ENCODING_QUOTED_PRINTABLE;
	}
}

/* ---- bodies -------------------------------------------------------------------------------------------- */

/* A 7-bit body with every line end made CRLF. */
static smtp_status write_7bit(mime_writer *w, const smtp_str *body)
{
	const char *s = body->s;
	size_t i = 0, len = body->len;
	smtp_status st = SMTP_OK;

	while (i < len && st == SMTP_OK) {
		size_t start = i;
		while (i < len && s[i] != '\r' && s[i] != '\n') {
			i++;
		}
		st = smtp_buf_append(&w->buf, s + start, i - start);
		if (i < len && st == SMTP_OK) {
			i += (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
			st = smtp_buf_append(&w->buf, "\r\n", 2);
		}
		if (w->buf.len >= TEXT_SLICE && st == SMTP_OK) {
			st = flush_buf(w);
		}
	}
	return st == SMTP_OK ? flush_buf(w) : st;
}

/* A quoted-printable body, encoded in slices that end at line ends (where the encoder's state is fresh). */
static smtp_status write_quoted_printable(mime_writer *w, const smtp_str *body)
{
	const char *s = body->s;
	size_t start = 0, len = body->len;
	smtp_status st = SMTP_OK;

	while (start < len && st == SMTP_OK) {
		size_t end = len - start > TEXT_SLICE ? start + TEXT_SLICE : len;
		while (end < len && s[end - 1] != '\n' && !(s[end - 1] == '\r' && s[end] != '\n')) {
			end++;
		}
		st = smtp_qp_encode(&w->buf, s + start, end - start);
		if (st == SMTP_OK) {
			st = flush_buf(w);
		}
		start = end;
	}
	return st;
}

static smtp_status write_text_entity(mime_writer *w, const char *subtype, const smtp_str *body, text_encoding enc)
{
	smtp_status st;

	if ((st = stage(w, "Content-Type: text/")) != SMTP_OK || (st = stage(w, subtype)) != SMTP_OK
		|| (st = stage(w, "; charset=")) != SMTP_OK || (st = stage(w, w->charset)) != SMTP_OK
		|| (st = stage(w, "\r\nContent-Transfer-Encoding: ")) != SMTP_OK
		|| (st = stage(w, enc == ENCODING_7BIT ? "7bit\r\n\r\n" : "quoted-printable\r\n\r\n")) != SMTP_OK
		|| (st = flush_buf(w)) != SMTP_OK) {
		return st;
	}
	return enc == ENCODING_7BIT ? write_7bit(w, body) : write_quoted_printable(w, body);
}

/* Base64 lines of len bytes (a multiple of 57 unless it is the last block); CRLF goes between lines. */
static smtp_status write_base64_block(mime_writer *w, const unsigned char *data, size_t len, int *first_line)
{
	size_t i, o = 0;

	for (i = 0; i < len; i += BASE64_LINE_BYTES) {
		size_t n = len - i < BASE64_LINE_BYTES ? len - i : BASE64_LINE_BYTES;
		if (!*first_line) {
			w->encoded[o++] = '\r';
			w->encoded[o++] = '\n';
		}
		*first_line = 0;
		o += smtp_base64_encode(data + i, n, w->encoded + o);
	}
	return emit(w, w->encoded, o);
}

/* Read a whole chunk (sources may return less than asked): its length, 0 at the end, -1 on error. */
static long read_chunk(const smtp_source *src, unsigned char *chunk)
{
	size_t filled = 0;

	while (filled < BASE64_CHUNK) {
		long n = src->read(src->ctx, (char *)chunk + filled, BASE64_CHUNK - filled);
		if (n < 0) {
			return -1;
		}
		if (n == 0) {
			break;
		}
		filled += (size_t)n;
	}
	return (long)filled;
}

static smtp_status write_part_data(mime_writer *w, const smtp_part *p, size_t index)
{
	int first_line = 1;
	smtp_status st = SMTP_OK;

	if (w->measure) {
		/* 57 bytes make a 76-character line; CRLF between lines */
		int64_t n = p->source == NULL ? (int64_t)p->data.len : p->source->size ? p->source->size(p->source->ctx) : -1;
		uint64_t lines;
		if (n < 0) {
			mime_set_error(w, "the size of attachment %lu is not known", (unsigned long)index);
			return SMTP_ERR_SOURCE;
		}
		lines = ((uint64_t)n + BASE64_LINE_BYTES - 1) / BASE64_LINE_BYTES;
		if (n > 0) {
			w->counted += ((uint64_t)n + 2) / 3 * 4 + 2 * (lines - 1);
			w->last_byte = 'A';
		}
		return SMTP_OK;
	}
	if (w->chunk == NULL) {
		w->chunk = malloc(BASE64_CHUNK);
		w->encoded = malloc(BASE64_CHUNK_LINES * 78);
		if (w->chunk == NULL || w->encoded == NULL) {
			return SMTP_ERR_NOMEM;
		}
	}
	if (p->source == NULL) {
		size_t i;
		for (i = 0; i < p->data.len && st == SMTP_OK; i += BASE64_CHUNK) {
			size_t n = p->data.len - i < BASE64_CHUNK ? p->data.len - i : BASE64_CHUNK;
			st = write_base64_block(w, (const unsigned char *)p->data.s + i, n, &first_line);
		}
		return st;
	} else {
		const smtp_source *src = p->source;
		char reason[256];
		long n;

		reason[0] = '\0';
		if (src->open(src->ctx, reason, sizeof reason) != 0) {
			reason[sizeof reason - 1] = '\0';
			mime_set_error(w, "cannot open attachment %lu: %s", (unsigned long)index,
				reason[0] != '\0' ? reason : "unknown error");
			return SMTP_ERR_SOURCE;
		}
		while ((n = read_chunk(src, w->chunk)) > 0) {
			if ((st = write_base64_block(w, w->chunk, (size_t)n, &first_line)) != SMTP_OK) {
				break;
			}
		}
		src->close(src->ctx);
		if (n < 0) {
			mime_set_error(w, "cannot read attachment %lu", (unsigned long)index);
			return SMTP_ERR_SOURCE;
		}
		return st;
	}
}

static smtp_status write_part(mime_writer *w, size_t index)
{
	const smtp_part *p = &w->m->parts[index];
	int is_inline = p->disposition == SMTP_PART_INLINE;
	size_t column;
	smtp_status st;

	/* Content-Type: type; name=... (name for old clients, filename is the standard one) */
	if ((st = stage(w, "Content-Type: ")) != SMTP_OK) {
		return st;
	}
	if (p->content_type.len > 0) {
		st = smtp_buf_append(&w->buf, p->content_type.s, p->content_type.len);
		column = 14 + p->content_type.len;
	} else {
		st = stage(w, "application/octet-stream");
		column = 14 + 24;
	}
	if (st != SMTP_OK
		|| (st = smtp_mime_filename_param(&w->buf, &column, "name", p->filename.s, p->filename.len)) != SMTP_OK
		|| (st = stage(w, "\r\nContent-Transfer-Encoding: base64\r\n")) != SMTP_OK) {
		return st;
	}
	if (p->content_id.len > 0) {
		if ((st = stage(w, "Content-ID: <")) != SMTP_OK
			|| (st = smtp_buf_append(&w->buf, p->content_id.s, p->content_id.len)) != SMTP_OK
			|| (st = stage(w, ">\r\n")) != SMTP_OK) {
			return st;
		}
	}
	column = is_inline ? 27 : 31;
	if ((st = stage(w, is_inline ? "Content-Disposition: inline" : "Content-Disposition: attachment")) != SMTP_OK
		|| (st = smtp_mime_filename_param(&w->buf, &column, "filename", p->filename.s, p->filename.len)) != SMTP_OK
		|| (st = stage(w, "\r\n\r\n")) != SMTP_OK || (st = flush_buf(w)) != SMTP_OK) {
		return st;
	}
	return write_part_data(w, p, index + 1);
}

static smtp_status write_entity(mime_writer *w, entity_kind kind, size_t part_index);

/* Write a delimiter and one child entity: the first delimiter starts the body, later ones a new line. */
static smtp_status write_child(mime_writer *w, const char *boundary, int *first, entity_kind kind, size_t part_index)
{
	smtp_status st;

	if ((st = stage(w, *first ? "--" : "\r\n--")) != SMTP_OK || (st = stage(w, boundary)) != SMTP_OK
		|| (st = stage(w, "\r\n")) != SMTP_OK) {
		return st;
	}
	*first = 0;
	return write_entity(w, kind, part_index);
}

static smtp_status write_multipart(mime_writer *w, entity_kind kind)
{
	static const char *const subtypes[LEVEL_COUNT] = {"mixed", "related", "alternative"};
	int level = kind == ENTITY_MIXED ? LEVEL_MIXED : kind == ENTITY_RELATED ? LEVEL_RELATED : LEVEL_ALTERNATIVE;
	const char *boundary = w->boundary[level];
	const smtp_message *m = w->m;
	int first = 1;
	size_t i;
	smtp_status st;

	if ((st = stage(w, "Content-Type: multipart/")) != SMTP_OK || (st = stage(w, subtypes[level])) != SMTP_OK
		|| (st = stage(w, ";\r\n")) != SMTP_OK) {
		return st;
	}
	if (kind == ENTITY_RELATED) {
		/* RFC 2387: the type of the root, the first part. */
		entity_kind root = text_entity(w);
		const char *type = root == ENTITY_ALTERNATIVE ? "multipart/alternative"
			: root == ENTITY_HTML ? "text/html" : root == ENTITY_TEXT ? "text/plain" : NULL;
		if (type != NULL && ((st = stage(w, " type=\"")) != SMTP_OK || (st = stage(w, type)) != SMTP_OK
			|| (st = stage(w, "\";\r\n")) != SMTP_OK)) {
			return st;
		}
	}
	if ((st = stage(w, " boundary=\"")) != SMTP_OK || (st = stage(w, boundary)) != SMTP_OK
		|| (st = stage(w, "\"\r\n\r\n")) != SMTP_OK) {
		return st;
	}

	if (kind == ENTITY_ALTERNATIVE) {
		/* Plainest first (RFC 2046 5.1.4). */
		if ((st = write_child(w, boundary, &first, ENTITY_TEXT, 0)) != SMTP_OK
			|| (st = write_child(w, boundary, &first, ENTITY_HTML, 0)) != SMTP_OK) {
			return st;
		}
	} else {
		smtp_part_disposition wanted = kind == ENTITY_MIXED ? SMTP_PART_ATTACHMENT : SMTP_PART_INLINE;
		entity_kind main_entity = kind == ENTITY_MIXED ? related_entity(w) : text_entity(w);
		if (main_entity != ENTITY_NONE && (st = write_child(w, boundary, &first, main_entity, 0)) != SMTP_OK) {
			return st;
		}
		for (i = 0; i < m->part_count; i++) {
			int is_inline = m->parts[i].disposition == SMTP_PART_INLINE;
			if (is_inline == (wanted == SMTP_PART_INLINE)
				&& (st = write_child(w, boundary, &first, ENTITY_PART, i)) != SMTP_OK) {
				return st;
			}
		}
	}
	if ((st = stage(w, "\r\n--")) != SMTP_OK || (st = stage(w, boundary)) != SMTP_OK
		|| (st = stage(w, "--\r\n")) != SMTP_OK) {
		return st;
	}
	return flush_buf(w);
}

static smtp_status write_entity(mime_writer *w, entity_kind kind, size_t part_index)
{
	static const smtp_str empty = {"", 0};

	switch (kind) {
	case ENTITY_MIXED:
	case ENTITY_RELATED:
	case ENTITY_ALTERNATIVE:
		return write_multipart(w, kind);
	case ENTITY_TEXT:
		return write_text_entity(w, "plain", w->m->has_text ? &w->m->text : &empty, w->text_encoding);
	case ENTITY_HTML:
		return write_text_entity(w, "html", &w->m->html, w->html_encoding);
	case ENTITY_PART:
		return write_part(w, part_index);
	case ENTITY_NONE:
		break;
	}
	return SMTP_OK;
}

/* ---- the message header --------------------------------------------------------------------------------- */

static smtp_status stage_field(mime_writer *w, const char *name, const smtp_str *value)
{
	smtp_status st;

	if ((st = stage(w, name)) != SMTP_OK || (st = stage(w, ": ")) != SMTP_OK
		|| (st = smtp_buf_append(&w->buf, value->s, value->len)) != SMTP_OK) {
		return st;
	}
	return stage(w, "\r\n");
}

static smtp_status write_message_header(mime_writer *w)
{
	const smtp_message *m = w->m;
	const char *cs = w->charset;
	size_t i;
	smtp_status st = SMTP_OK;

	if (m->date.len > 0) {
		st = stage_field(w, "Date", &m->date);
	}
	if (st == SMTP_OK && m->has_from) {
		st = smtp_mime_header_addresses(&w->buf, "From", &m->from, 1, cs);
	}
	if (st == SMTP_OK && m->has_sender) {
		st = smtp_mime_header_addresses(&w->buf, "Sender", &m->sender, 1, cs);
	}
	if (st == SMTP_OK && m->reply_to_count > 0) {
		st = smtp_mime_header_addresses(&w->buf, "Reply-To", m->reply_to, m->reply_to_count, cs);
	}
	if (st == SMTP_OK && m->to_count > 0) {
		st = smtp_mime_header_addresses(&w->buf, "To", m->to, m->to_count, cs);
	}
	if (st == SMTP_OK && m->cc_count > 0) {
		st = smtp_mime_header_addresses(&w->buf, "Cc", m->cc, m->cc_count, cs);
	}
	if (st == SMTP_OK) {
		st = smtp_mime_header_unstructured(&w->buf, "Subject", m->subject.s, m->subject.len, cs);
	}
	if (st == SMTP_OK && m->message_id.len > 0) {
		st = stage_field(w, "Message-ID", &m->message_id);
	}
	if (st == SMTP_OK) {
		st = stage(w, "MIME-Version: 1.0\r\n");
	}
	for (i = 0; i < m->header_count && st == SMTP_OK; i++) {
		char name[MAX_HEADER_NAME + 1];
		memcpy(name, m->headers[i].name.s, m->headers[i].name.len);
		name[m->headers[i].name.len] = '\0';
		st = smtp_mime_header_unstructured(&w->buf, name, m->headers[i].value.s, m->headers[i].value.len, cs);
	}
	return st;
}

/* ---- entry points ----------------------------------------------------------------------------------------- */

static smtp_status write_message(const smtp_message *m, smtp_sink *out, smtp_random_fn random, void *random_ctx,
	char *err, size_t errlen, int measure, uint64_t *counted)
{
	mime_writer w;
	size_t i;
	smtp_status st;

	memset(&w, 0, sizeof w);
	w.measure = measure;
	w.m = m;
	w.out = out;
	w.random = random;
	w.random_ctx = random_ctx;
	w.fallback_random = 2463534242UL;
	w.err = err;
	w.errlen = errlen;
	if (err != NULL && errlen > 0) {
		err[0] = '\0';
	}
	smtp_buf_init(&w.buf);

	if (m->charset.len == 0) {
		memcpy(w.charset, "UTF-8", sizeof "UTF-8");
	} else if (mime_charset_name_valid(m->charset.s, m->charset.len)) {
		memcpy(w.charset, m->charset.s, m->charset.len);
		w.charset[m->charset.len] = '\0';
	} else {
		mime_set_error(&w, "the charset is not a valid charset name");
		return SMTP_ERR_INPUT;
	}
	if ((st = mime_check_message(&w)) != SMTP_OK) {
		return st;
	}

	for (i = 0; i < m->part_count; i++) {
		if (m->parts[i].disposition == SMTP_PART_INLINE) {
			w.inline_count++;
		} else {
			w.attachment_count++;
		}
	}
	w.text_encoding = m->has_text ? choose_encoding(&m->text) : ENCODING_7BIT;
	w.html_encoding = m->has_html ? choose_encoding(&m->html) : ENCODING_7BIT;
	choose_boundaries(&w);

	st = write_message_header(&w);
	if (st == SMTP_OK) {
		st = write_entity(&w, root_entity(&w), 0);
	}
	/* The message ends with a line end, as every line does. */
	if (st == SMTP_OK && w.last_byte != '\n') {
		st = emit(&w, "\r\n", 2);
	}
	if (st == SMTP_ERR_NOMEM) {
		mime_set_error(&w, "out of memory");
	} else if (st != SMTP_OK && (err == NULL || errlen == 0 || err[0] == '\0')) {
		mime_set_error(&w, "the message could not be written");
	}
	smtp_buf_free(&w.buf);
	free(w.chunk);
	free(w.encoded);
	if (counted != NULL) {
		*counted = w.counted;
	}
	return st;
}

smtp_status smtp_mime_write(const smtp_message *m, smtp_sink *out, smtp_random_fn random, void *random_ctx,
	char *err, size_t errlen)
{
	return write_message(m, out, random, random_ctx, err, errlen, 0, NULL);
}

typedef struct counting_sink {
	smtp_sink sink;
	uint64_t count;
} counting_sink;

static smtp_status counting_sink_write(smtp_sink *sink, const char *data, size_t len)
{
	(void)data;
	((counting_sink *)sink)->count += len;
	return SMTP_OK;
}

smtp_status smtp_mime_measure(const smtp_message *m, uint64_t *size)
{
	counting_sink counter;
	uint64_t counted = 0;
	smtp_status st;

	counter.sink.write = counting_sink_write;
	counter.count = 0;
	st = write_message(m, &counter.sink, NULL, NULL, NULL, 0, 1, &counted);
	*size = st == SMTP_OK ? counter.count + counted : 0;
	return st;
}

static int mailboxes_need_utf8(const smtp_mailbox *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (!smtp_is_ascii(list[i].address.s, list[i].address.len)) {
			return 1;
		}
	}
	return 0;
}

int smtp_mime_needs_smtputf8(const smtp_message *m)
{
	return (m->has_from && mailboxes_need_utf8(&m->from, 1)) || (m->has_sender && mailboxes_need_utf8(&m->sender, 1))
		|| mailboxes_need_utf8(m->to, m->to_count) || mailboxes_need_utf8(m->cc, m->cc_count)
		|| mailboxes_need_utf8(m->reply_to, m->reply_to_count);
}
