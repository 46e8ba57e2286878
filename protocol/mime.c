/*
 * mime.c - writes an smtp_message as RFC 5322 / MIME bytes into a sink.
 *
 * Everything the user gave is checked first, so an input error leaves the sink untouched. Then the
 * header goes out, then the body tree:
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
#include "smtp_mime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LINE_LIMIT   78      /* RFC 5322 2.1.1: SHOULD */
#define LINE_LIMIT          998     /* RFC 5322 2.1.1: MUST (SMTP_MAX_TEXT_LINE) */
#define MAX_CHARSET_NAME    40      /* RFC 2978 */
#define MAX_HEADER_NAME     76
#define MAX_CONTENT_TYPE    200
#define MAX_CONTENT_ID      250
#define MAX_PLAIN_PIECE     900     /* a longer unfoldable run in a header value gets encoded instead */

#define BASE64_LINE_BYTES   57      /* 57 bytes make one 76-character line */
#define BASE64_CHUNK_LINES  864     /* so attachments are read 49248 bytes (about 48 KB) at a time */
#define BASE64_CHUNK        (BASE64_LINE_BYTES * BASE64_CHUNK_LINES)
#define TEXT_SLICE          65536   /* text bodies are encoded and pushed about this much at a time */

#define BOUNDARY_RANDOM     24      /* random characters in a boundary */
#define BOUNDARY_LEN        (2 + BOUNDARY_RANDOM + 2)
#define BOUNDARY_ATTEMPTS   8

/* ---- small helpers ----------------------------------------------------------------------------------- */

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Whether s[0..len) equals the NUL-terminated word, ignoring ASCII case. */
static int equals_nocase(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (word[i] == '\0' || ascii_lower(s[i]) != ascii_lower(word[i])) {
			return 0;
		}
	}
	return word[len] == '\0';
}

/* Whether needle occurs in hay (memmem is not portable). */
static int contains_bytes(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
	size_t i;

	if (needle_len == 0 || needle_len > hay_len) {
		return needle_len == 0;
	}
	for (i = 0; i + needle_len <= hay_len; i++) {
		if (hay[i] == needle[0] && memcmp(hay + i, needle, needle_len) == 0) {
			return 1;
		}
	}
	return 0;
}

/* Whether s has a NUL (memchr() must not be given the NULL of an empty string). */
static int has_nul(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0') {
			return 1;
		}
	}
	return 0;
}

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* atext (RFC 5322 3.2.3). */
static int is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Printable ASCII and space only. */
static int is_printable_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E) {
			return 0;
		}
	}
	return 1;
}

static int is_utf8_charset(const char *charset)
{
	return equals_nocase(charset, strlen(charset), "UTF-8") || equals_nocase(charset, strlen(charset), "UTF8");
}

/* A charset name (RFC 2978 mime-charset): also what keeps '?' and quotes out of encoded-words. */
static int charset_name_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > MAX_CHARSET_NAME) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			|| strchr("!#$%&'+-^_`{}~", c) != NULL) || c == 0) {
			return 0;
		}
	}
	return 1;
}

/* Whether header text may go out in the charset: single line, and valid when the charset is UTF-8. */
static int header_text_valid(const char *s, size_t len, const char *charset)
{
	if (smtp_has_line_break(s, len)) {
		return 0;
	}
	return smtp_is_ascii(s, len) || !is_utf8_charset(charset) || smtp_utf8_valid(s, len);
}

/* ---- folding ----------------------------------------------------------------------------------------- */

/* The longest piece fold_append() may have to put on a line: a run of white space and the word after it. */
static size_t longest_piece(const char *s, size_t len)
{
	size_t i = 0, longest = 0;

	while (i < len) {
		size_t start = i;
		while (i < len && is_wsp(s[i])) {
			i++;
		}
		while (i < len && !is_wsp(s[i])) {
			i++;
		}
		if (i - start > longest) {
			longest = i - start;
		}
	}
	return longest;
}

/*
 * Append header text, folding (CRLF before white space) where a line would pass 78 columns. A fold goes
 * only before a piece that has a word, so no line is white space alone.
 */
static smtp_status fold_append(smtp_buf *out, size_t *column, const char *s, size_t len)
{
	size_t i = 0;
	smtp_status st;

	while (i < len) {
		size_t start = i;
		int has_word;
		while (i < len && is_wsp(s[i])) {
			i++;
		}
		has_word = i < len;
		while (i < len && !is_wsp(s[i])) {
			i++;
		}
		if (is_wsp(s[start]) && has_word && *column + (i - start) > HEADER_LINE_LIMIT) {
			if ((st = smtp_buf_append(out, "\r\n", 2)) != SMTP_OK) {
				return st;
			}
			*column = 0;
		}
		if ((st = smtp_buf_append(out, s + start, i - start)) != SMTP_OK) {
			return st;
		}
		*column += i - start;
	}
	return SMTP_OK;
}

/* Plain header text needs no encoded-words: printable ASCII (and tabs), with no run too long to fold. */
static int header_text_plain(const char *s, size_t len, size_t column)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c > 0x7E) {
			return 0;
		}
		if (c == '=' && i + 1 < len && s[i + 1] == '?') {
			return 0; /* it would read as an encoded word: encode it so it reads as written */
		}
	}
	return column + 1 + longest_piece(s, len) <= MAX_PLAIN_PIECE;
}

/* ---- header helpers (smtp_mime.h) --------------------------------------------------------------------- */

smtp_status smtp_mime_header_unstructured(smtp_buf *out, const char *name, const char *value, size_t len,
	const char *charset)
{
	size_t column = strlen(name) + 1;
	smtp_status st;

	if (charset == NULL) {
		charset = "UTF-8";
	}
	if (!charset_name_valid(charset, strlen(charset)) || !header_text_valid(value, len, charset)) {
		return SMTP_ERR_INPUT;
	}
	if ((st = smtp_buf_append_str(out, name)) != SMTP_OK || (st = smtp_buf_append(out, ":", 1)) != SMTP_OK) {
		return st;
	}
	if (header_text_plain(value, len, column)) {
		if ((st = smtp_buf_append(out, " ", 1)) != SMTP_OK) {
			return st;
		}
		column++;
		st = fold_append(out, &column, value, len);
	} else {
		st = smtp_mime_encoded_words(out, &column, value, len, charset);
	}
	if (st != SMTP_OK) {
		return st;
	}
	return smtp_buf_append(out, "\r\n", 2);
}

/*
 * A display name as a phrase: atoms when it is only atext and single spaces, else a quoted string (also
 * when it holds "=?", which readers would take for an encoded-word outside quotes).
 */
static smtp_status render_phrase(smtp_buf *phrase, const char *name, size_t len)
{
	int atoms = !is_wsp(name[0]) && !is_wsp(name[len - 1]) && !contains_bytes(name, len, "=?", 2);
	size_t i;
	smtp_status st;

	for (i = 0; i < len && atoms; i++) {
		int single_space = name[i] == ' ' && i + 1 < len && name[i + 1] != ' ';
		if (!is_atext((unsigned char)name[i]) && !single_space) {
			atoms = 0;
		}
	}
	if (atoms) {
		return smtp_buf_append(phrase, name, len);
	}
	if ((st = smtp_buf_append(phrase, "\"", 1)) != SMTP_OK) {
		return st;
	}
	for (i = 0; i < len; i++) {
		if ((name[i] == '"' || name[i] == '\\') && (st = smtp_buf_append(phrase, "\\", 1)) != SMTP_OK) {
			return st;
		}
		if ((st = smtp_buf_append(phrase, name + i, 1)) != SMTP_OK) {
			return st;
		}
	}
	return smtp_buf_append(phrase, "\"", 1);
}

/* Append one mailbox ("name <addr>" or "addr") at *column; room is kept for a ',' after it. */
static smtp_status append_mailbox(smtp_buf *out, size_t *column, const smtp_mailbox *mb, const char *charset,
	smtp_buf *scratch)
{
	size_t piece = mb->address.len + 1 + (mb->name.len > 0 ? 2 : 0);
	smtp_status st;

	if (mb->name.len > 0) {
		int plain = is_printable_ascii(mb->name.s, mb->name.len);
		if (plain) {
			smtp_buf_reset(scratch);
			if ((st = smtp_buf_append(scratch, " ", 1)) != SMTP_OK
				|| (st = render_phrase(scratch, mb->name.s, mb->name.len)) != SMTP_OK) {
				return st;
			}
			plain = longest_piece(scratch->data, scratch->len) <= MAX_PLAIN_PIECE;
		}
		if (plain) {
			st = fold_append(out, column, scratch->data, scratch->len);
		} else {
			st = smtp_mime_encoded_words(out, column, mb->name.s, mb->name.len, charset);
		}
		if (st != SMTP_OK) {
			return st;
		}
	}
	/* The address itself cannot be folded: it goes on the next line when it does not fit. */
	if (*column > 1 && *column + piece + 1 > HEADER_LINE_LIMIT) {
		if ((st = smtp_buf_append(out, "\r\n", 2)) != SMTP_OK) {
			return st;
		}
		*column = 0;
	}
	if ((st = smtp_buf_append(out, mb->name.len > 0 ? " <" : " ", mb->name.len > 0 ? 2 : 1)) != SMTP_OK
		|| (st = smtp_buf_append(out, mb->address.s, mb->address.len)) != SMTP_OK
		|| (mb->name.len > 0 && (st = smtp_buf_append(out, ">", 1)) != SMTP_OK)) {
		return st;
	}
	*column += piece;
	return SMTP_OK;
}

smtp_status smtp_mime_header_addresses(smtp_buf *out, const char *name, const smtp_mailbox *list, size_t count,
	const char *charset)
{
	size_t column = strlen(name) + 1, i;
	smtp_buf scratch;
	smtp_status st;

	if (charset == NULL) {
		charset = "UTF-8";
	}
	if (!charset_name_valid(charset, strlen(charset))) {
		return SMTP_ERR_INPUT;
	}
	for (i = 0; i < count; i++) {
		if (!smtp_address_valid(list[i].address.s, list[i].address.len, 1, NULL)
			|| !header_text_valid(list[i].name.s, list[i].name.len, charset)) {
			return SMTP_ERR_INPUT;
		}
	}
	if ((st = smtp_buf_append_str(out, name)) != SMTP_OK || (st = smtp_buf_append(out, ":", 1)) != SMTP_OK) {
		return st;
	}
	smtp_buf_init(&scratch);
	for (i = 0; i < count && st == SMTP_OK; i++) {
		if (i > 0) {
			st = smtp_buf_append(out, ",", 1);
			column++;
		}
		if (st == SMTP_OK) {
			st = append_mailbox(out, &column, &list[i], charset, &scratch);
		}
	}
	smtp_buf_free(&scratch);
	if (st != SMTP_OK) {
		return st;
	}
	return smtp_buf_append(out, "\r\n", 2);
}

/* ---- the writer --------------------------------------------------------------------------------------- */

typedef enum entity_kind {
	ENTITY_NONE,
	ENTITY_MIXED,
	ENTITY_RELATED,
	ENTITY_ALTERNATIVE,
	ENTITY_TEXT,
	ENTITY_HTML,
	ENTITY_PART
} entity_kind;

/* Index of each multipart level's boundary. */
enum { LEVEL_MIXED, LEVEL_RELATED, LEVEL_ALTERNATIVE, LEVEL_COUNT };

typedef enum text_encoding {
	ENCODING_7BIT,
	ENCODING_QUOTED_PRINTABLE
} text_encoding;

typedef struct mime_writer {
	const smtp_message *m;
	smtp_sink *out;
	smtp_buf buf;                  /* header text and encoded bodies on their way to out */
	char charset[MAX_CHARSET_NAME + 1];
	text_encoding text_encoding;
	text_encoding html_encoding;
	size_t attachment_count;
	size_t inline_count;
	char boundary[LEVEL_COUNT][BOUNDARY_LEN + 1];
	smtp_random_fn random;
	void *random_ctx;
	unsigned long fallback_random; /* state of the generator used when no random function is given */
	unsigned char *chunk;          /* attachment bytes, BASE64_CHUNK of them */
	char *encoded;                 /* their base64 lines */
	char last_byte;                /* last byte pushed: the message must end with CRLF */
	int measure;                   /* smtp_mime_measure(): count attachment bytes instead of encoding them */
	uint64_t counted;              /* bytes counted but not pushed (measure) */
	char *err;
	size_t errlen;
} mime_writer;

static void set_error(mime_writer *w, const char *format, ...)
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

/* ---- checks ------------------------------------------------------------------------------------------ */

static int header_name_valid(const smtp_str *name)
{
	size_t i;

	if (name->len == 0 || name->len > MAX_HEADER_NAME) {
		return 0;
	}
	for (i = 0; i < name->len; i++) {
		unsigned char c = (unsigned char)name->s[i];
		if (c < 33 || c > 126 || c == ':') {
			return 0;
		}
	}
	return 1;
}

/* Fields the writer makes itself (and Bcc, which must never be written): an extra one would clash. */
static int header_name_reserved(const smtp_str *name)
{
	static const char *const reserved[] = {"Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject",
		"Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
		"Content-ID", NULL};
	size_t i;

	for (i = 0; reserved[i] != NULL; i++) {
		if (equals_nocase(name->s, name->len, reserved[i])) {
			return 1;
		}
	}
	return 0;
}

static int is_token_char(unsigned char c)
{
	return c > 32 && c < 127 && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* "type/subtype", optionally followed by "; parameters" in printable ASCII. */
static int content_type_valid(const smtp_str *ct)
{
	size_t i = 0, start;

	if (ct->len > MAX_CONTENT_TYPE || !is_printable_ascii(ct->s, ct->len)) {
		return 0;
	}
	for (start = i; i < ct->len && is_token_char((unsigned char)ct->s[i]); i++) {
	}
	if (i == start || i >= ct->len || ct->s[i] != '/') {
		return 0;
	}
	for (start = ++i; i < ct->len && is_token_char((unsigned char)ct->s[i]); i++) {
	}
	if (i == start) {
		return 0;
	}
	while (i < ct->len && ct->s[i] == ' ') {
		i++;
	}
	return i == ct->len || ct->s[i] == ';';
}

/* The id inside Content-ID's angle brackets: dot-atom-text, '@' allowed. */
static int content_id_valid(const smtp_str *cid)
{
	size_t i;

	if (cid->len > MAX_CONTENT_ID) {
		return 0;
	}
	for (i = 0; i < cid->len; i++) {
		unsigned char c = (unsigned char)cid->s[i];
		if (!is_atext(c) && c != '.' && c != '@') {
			return 0;
		}
	}
	return 1;
}

static smtp_status check_mailboxes(mime_writer *w, const char *what, const smtp_mailbox *list, size_t count)
{
	size_t i;
	const char *why = NULL;

	for (i = 0; i < count; i++) {
		if (!smtp_address_valid(list[i].address.s, list[i].address.len, 1, &why)) {
			set_error(w, "the %s address is invalid: %s", what, why);
			return SMTP_ERR_INPUT;
		}
		if (smtp_has_line_break(list[i].name.s, list[i].name.len)) {
			set_error(w, "the %s name contains CR, LF or NUL", what);
			return SMTP_ERR_INPUT;
		}
		if (!header_text_valid(list[i].name.s, list[i].name.len, w->charset)) {
			set_error(w, "the %s name is not valid UTF-8", what);
			return SMTP_ERR_INPUT;
		}
	}
	return SMTP_OK;
}

static smtp_status check_body(mime_writer *w, const char *what, const smtp_str *body)
{
	if (has_nul(body->s, body->len)) {
		set_error(w, "the %s body contains NUL", what);
		return SMTP_ERR_INPUT;
	}
	if (is_utf8_charset(w->charset) && !smtp_utf8_valid(body->s, body->len)) {
		set_error(w, "the %s body is not valid UTF-8", what);
		return SMTP_ERR_INPUT;
	}
	return SMTP_OK;
}

static smtp_status check_part(mime_writer *w, const smtp_part *p, size_t index)
{
	if (has_nul(p->filename.s, p->filename.len) || !smtp_utf8_valid(p->filename.s, p->filename.len)) {
		set_error(w, "the name of attachment %lu contains NUL or is not valid UTF-8", (unsigned long)index);
		return SMTP_ERR_INPUT;
	}
	if (p->content_type.len > 0 && !content_type_valid(&p->content_type)) {
		set_error(w, "the content type of attachment %lu is invalid", (unsigned long)index);
		return SMTP_ERR_INPUT;
	}
	if (!content_id_valid(&p->content_id)) {
		set_error(w, "the content ID of attachment %lu is invalid", (unsigned long)index);
		return SMTP_ERR_INPUT;
	}
	return SMTP_OK;
}

/* Everything is checked before the first byte goes out, so bad input never leaves half a message. */
static smtp_status check_message(mime_writer *w)
{
	const smtp_message *m = w->m;
	size_t i;
	smtp_status st;

	if ((m->has_from && (st = check_mailboxes(w, "From", &m->from, 1)) != SMTP_OK)
		|| (m->has_sender && (st = check_mailboxes(w, "Sender", &m->sender, 1)) != SMTP_OK)
		|| (st = check_mailboxes(w, "Reply-To", m->reply_to, m->reply_to_count)) != SMTP_OK
		|| (st = check_mailboxes(w, "To", m->to, m->to_count)) != SMTP_OK
		|| (st = check_mailboxes(w, "Cc", m->cc, m->cc_count)) != SMTP_OK) {
		return st;
	}
	if (smtp_has_line_break(m->subject.s, m->subject.len)) {
		set_error(w, "the subject contains CR, LF or NUL");
		return SMTP_ERR_INPUT;
	}
	if (!header_text_valid(m->subject.s, m->subject.len, w->charset)) {
		set_error(w, "the subject is not valid UTF-8");
		return SMTP_ERR_INPUT;
	}
	if ((m->has_text && (st = check_body(w, "text", &m->text)) != SMTP_OK)
		|| (m->has_html && (st = check_body(w, "HTML", &m->html)) != SMTP_OK)) {
		return st;
	}
	if (!is_printable_ascii(m->date.s, m->date.len) || m->date.len > MAX_PLAIN_PIECE) {
		set_error(w, "the date is not a single line of printable ASCII");
		return SMTP_ERR_INPUT;
	}
	if (m->message_id.len > 0 && (!is_printable_ascii(m->message_id.s, m->message_id.len)
		|| m->message_id.len > MAX_PLAIN_PIECE || m->message_id.len < 3 || m->message_id.s[0] != '<'
		|| m->message_id.s[m->message_id.len - 1] != '>' || memchr(m->message_id.s, ' ', m->message_id.len))) {
		set_error(w, "the Message-ID is not of the form <id@domain>");
		return SMTP_ERR_INPUT;
	}
	for (i = 0; i < m->header_count; i++) {
		const smtp_header_field *h = &m->headers[i];
		char name[MAX_HEADER_NAME + 1];
		if (!header_name_valid(&h->name)) {
			set_error(w, "a header name is empty, too long, or not printable ASCII without ':'");
			return SMTP_ERR_INPUT;
		}
		memcpy(name, h->name.s, h->name.len);
		name[h->name.len] = '\0';
		if (header_name_reserved(&h->name)) {
			set_error(w, "the header %s is made by the message itself and cannot be added", name);
			return SMTP_ERR_INPUT;
		}
		if (smtp_has_line_break(h->value.s, h->value.len)) {
			set_error(w, "the value of header %s contains CR, LF or NUL", name);
			return SMTP_ERR_INPUT;
		}
		if (!header_text_valid(h->value.s, h->value.len, w->charset)) {
			set_error(w, "the value of header %s is not valid UTF-8", name);
			return SMTP_ERR_INPUT;
		}
	}
	for (i = 0; i < m->part_count; i++) {
		if ((st = check_part(w, &m->parts[i], i + 1)) != SMTP_OK) {
			return st;
		}
	}
	return SMTP_OK;
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
		if (used[level] && contains_bytes(body->s, body->len, w->boundary[level], BOUNDARY_LEN)) {
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
			set_error(w, "the size of attachment %lu is not known", (unsigned long)index);
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
			set_error(w, "cannot open attachment %lu: %s", (unsigned long)index,
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
			set_error(w, "cannot read attachment %lu", (unsigned long)index);
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
	} else if (charset_name_valid(m->charset.s, m->charset.len)) {
		memcpy(w.charset, m->charset.s, m->charset.len);
		w.charset[m->charset.len] = '\0';
	} else {
		set_error(&w, "the charset is not a valid charset name");
		return SMTP_ERR_INPUT;
	}
	if ((st = check_message(&w)) != SMTP_OK) {
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
		set_error(&w, "out of memory");
	} else if (st != SMTP_OK && (err == NULL || errlen == 0 || err[0] == '\0')) {
		set_error(&w, "the message could not be written");
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
