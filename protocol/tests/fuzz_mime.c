/*
 * fuzz_mime.c - libFuzzer target for the MIME writer (smtp_mime_write).
 *
 * Input layout:
 *   byte 0      flags: bit 0 text body, bit 1 HTML body, bit 2 an attachment, bit 3 the attachment is
 *               inline (embedded, with a Content-ID), bits 4-5 charset (default, "utf-8", "ISO-8859-1",
 *               "Shift_JIS"), bit 6 no random function (the writer's fallback), bit 7 two Cc mailboxes
 *   byte 1      bits 0-6: the random function's byte: it returns this byte every time (a hostile, fixed
 *               source); bit 7: raw mode (below)
 *   the rest    fields separated by NUL: subject, From name, To name, text body, HTML body, extra header
 *               name, its value, attachment file name, From address; everything after the ninth NUL is
 *               the attachment data (NULs and all)
 *
 * Only what the binding would accept goes in: single-line fields have CR and LF replaced by spaces,
 * text is made valid UTF-8 (invalid bytes become '?') when the charset is UTF-8, a header name is printable
 * ASCII without ':' and not one the writer makes, an address that smtp_address_valid() refuses is
 * replaced. The writer must then succeed. In raw mode the fields go in as they are (only the From
 * address is still replaced when empty) and the writer may refuse them: then with SMTP_ERR_INPUT, an
 * error message within the (sometimes short) buffer, and nothing written. Whenever it succeeds, in
 * either mode, its output must have:
 *   - no NUL, CR only before LF, LF only after CR, a CRLF at the end, no line over 998 octets;
 *   - a header block up to the first empty line whose every line is a field start "Name:" (followed by
 *     white space or the end of the line) or a folded continuation (SP/HTAB, not white space alone),
 *     the first line a field start; Date, From, To, Subject, Message-ID, MIME-Version, Content-Type
 *     exactly once, Cc when given, the extra header when given, no Bcc;
 *   - a Subject that decodes (RFC 5322 unfolding, RFC 2047 B/Q decoding by the small decoder below)
 *     to the subject given, in encoded-words of at most 75 characters, in the message charset, each a
 *     whole number of UTF-8 characters under UTF-8, on lines of at most 78 characters when encoded;
 *     the same for the From display name (atoms, quoted string or encoded-words);
 *   - a MIME structure (parsed below) with a text/plain leaf when there is a text body (or nothing at
 *     all), a text/html leaf when there is an HTML body, one base64 leaf for the attachment; no line in a
 *     multipart body starting with "--boundary" unless it is a delimiter; the text and HTML bodies
 *     decoding (7bit / quoted-printable, lines <= 76) to the given ones with CRLF line ends; the attachment
 *     decoding (base64, lines <= 76) to its data; its file name decoding (quoted string or RFC 2231) to
 *     the given one less CR and LF (which the writer drops), in both Content-Type name= and
 *     Content-Disposition filename=, and absent when that is empty;
 *   - the same bytes when written twice; the DATA encoder (dot_stuff 1) accepting them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_mime.h"

#define FAIL(...) \
	do { \
		fprintf(stderr, "fuzz_mime: property failed at %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} while (0)

#define NFIELDS    9
#define MAX_FIELDS 64
#define MAX_LEAVES 16

typedef struct span {
	const char *s;
	size_t len;
} span;

/* ---- small helpers ----------------------------------------------------------------------------------- */

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int span_ieq(span a, const char *b)
{
	size_t i;
	for (i = 0; i < a.len; i++) {
		if (b[i] == '\0' || lower(a.s[i]) != lower(b[i])) {
			return 0;
		}
	}
	return b[a.len] == '\0';
}

static int span_istarts(span a, const char *b)
{
	size_t n = strlen(b), i;
	if (a.len < n) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (lower(a.s[i]) != lower(b[i])) {
			return 0;
		}
	}
	return 1;
}

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Append; inline while there is room, so the harness's byte-by-byte appends stay out of the core's
 * (instrumented) code. */
static void put(smtp_buf *b, const char *s, size_t n)
{
	if (b->data != NULL && b->len + n < b->cap) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	if (smtp_buf_append(b, s, n) != SMTP_OK) {
		abort();
	}
}

static void buf_ready(smtp_buf *b)
{
	if (b->sink.write == NULL) {
		smtp_buf_init(b);
	}
	smtp_buf_reset(b);
}

static int equal(const smtp_buf *b, const char *s, size_t n)
{
	return b->len == n && (n == 0 || memcmp(b->data, s, n) == 0);
}

/* ---- making the input acceptable ---------------------------------------------------------------------- */

/* Append s to out with invalid UTF-8 replaced by '?' (when utf8), CR and LF by ' ' (when single_line). */
static void sanitize(smtp_buf *out, const char *s, size_t n, int utf8, int single_line)
{
	size_t i = 0;
	while (i < n) {
		size_t k = 1;
		if (single_line && (s[i] == '\r' || s[i] == '\n')) {
			put(out, " ", 1);
			i++;
			continue;
		}
		if (utf8 && (unsigned char)s[i] >= 0x80) {
			for (k = 2; k <= 4 && i + k <= n; k++) {
				if (smtp_utf8_valid(s + i, k)) {
					break;
				}
			}
			if (k > 4 || i + k > n) {
				put(out, "?", 1);
				i++;
				continue;
			}
		}
		put(out, s + i, k);
		i += k;
	}
}

static const char *const reserved_headers[] = {"Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject",
	"Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
	NULL};

static void sanitize_header_name(smtp_buf *out, const char *s, size_t n)
{
	size_t i, k;
	for (i = 0; i < n && out->len < 70; i++) {
		unsigned char c = (unsigned char)s[i];
		put(out, (c < 33 || c > 126 || c == ':') ? "X" : (const char *)&s[i], 1);
	}
	for (k = 0; reserved_headers[k]; k++) {
		span name;
		name.s = out->data;
		name.len = out->len;
		if (span_ieq(name, reserved_headers[k])) {
			break;
		}
	}
	if (out->len == 0 || reserved_headers[k] != NULL) {
		smtp_buf_reset(out);
		put(out, "X-Fuzz", 6);
	}
}

/* ---- output checks: lines and header fields ------------------------------------------------------------- */

static void check_lines(const char *o, size_t n)
{
	size_t i, line = 0;

	if (n < 2 || o[n - 2] != '\r' || o[n - 1] != '\n') {
		FAIL("the message does not end with CRLF");
	}
	for (i = 0; i < n; i++) {
		if (o[i] == '\0') {
			FAIL("NUL at %zu", i);
		}
		if (o[i] == '\r' && (i + 1 >= n || o[i + 1] != '\n')) {
			FAIL("bare CR at %zu", i);
		}
		if (o[i] == '\n') {
			if (i == 0 || o[i - 1] != '\r') {
				FAIL("bare LF at %zu", i);
			}
			if (line - 1 > SMTP_MAX_TEXT_LINE) {
				FAIL("a line of %zu octets ends at %zu", line - 1, i);
			}
			line = 0;
		} else {
			line++;
		}
	}
}

typedef struct field {
	span name;
	span raw;     /* after the colon up to the final CRLF, folds included */
	size_t first_line_len;
} field;

/*
 * Split a header block (lines with their CRLF, without the empty line) into fields, checking that every
 * line is a field start or a continuation. Returns the number of fields.
 */
static size_t parse_fields(const char *h, size_t hl, field *f, size_t max, const char *what)
{
	size_t pos = 0, count = 0;

	while (pos < hl) {
		const char *l = h + pos;
		const char *crlf = NULL;
		size_t ll, k;
		for (k = 0; pos + k + 1 < hl; k++) {
			if (l[k] == '\r' && l[k + 1] == '\n') {
				crlf = l + k;
				break;
			}
		}
		if (crlf == NULL) {
			FAIL("%s header line without CRLF", what);
		}
		ll = (size_t)(crlf - l);
		if (ll == 0) {
			FAIL("%s header has an empty line", what);
		}
		if (is_wsp(l[0])) {
			int only_wsp = 1;
			if (count == 0) {
				FAIL("%s header starts with a continuation line", what);
			}
			for (k = 0; k < ll; k++) {
				if (!is_wsp(l[k])) {
					only_wsp = 0;
				}
			}
			if (only_wsp) {
				FAIL("%s header has a continuation line of white space alone", what);
			}
			f[count - 1].raw.len = (size_t)(crlf - f[count - 1].raw.s);
		} else {
			for (k = 0; k < ll && l[k] != ':'; k++) {
				if ((unsigned char)l[k] < 33 || (unsigned char)l[k] > 126) {
					FAIL("%s header line \"%.*s\" is neither a field nor a continuation", what, (int)ll, l);
				}
			}
			if (k == 0 || k == ll) {
				FAIL("%s header line \"%.*s\" has no field name and colon", what, (int)ll, l);
			}
			if (k + 1 < ll && !is_wsp(l[k + 1])) {
				FAIL("%s header field \"%.*s\" has no space after the colon", what, (int)ll, l);
			}
			if (count >= max) {
				FAIL("%s header has too many fields", what);
			}
			f[count].name.s = l;
			f[count].name.len = k;
			f[count].raw.s = l + k + 1;
			f[count].raw.len = ll - k - 1;
			f[count].first_line_len = ll;
			count++;
		}
		pos += ll + 2;
	}
	return count;
}

static const field *find_field(const field *f, size_t n, const char *name, size_t *times)
{
	const field *found = NULL;
	size_t i;
	*times = 0;
	for (i = 0; i < n; i++) {
		if (span_ieq(f[i].name, name)) {
			if (!found) {
				found = &f[i];
			}
			(*times)++;
		}
	}
	return found;
}

/* RFC 5322 unfolding: CRLF followed by WSP is removed. */
static void unfold(span raw, smtp_buf *out)
{
	size_t i;
	for (i = 0; i < raw.len; i++) {
		if (raw.s[i] == '\r') {
			/* inside a field's value the only line breaks are folds */
			if (i + 2 >= raw.len || raw.s[i + 1] != '\n' || !is_wsp(raw.s[i + 2])) {
				FAIL("a line break in a field that is not a fold");
			}
			i++;
			continue;
		}
		put(out, raw.s + i, 1);
	}
}

/* ---- RFC 2047 decoding -------------------------------------------------------------------------------- */

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Strict base64 (padding required); 0 when invalid. */
static int b64_decode(const char *s, size_t n, smtp_buf *out)
{
	size_t i;
	if (n % 4 != 0) {
		return 0;
	}
	for (i = 0; i < n; i += 4) {
		int v[4], k, pad = 0;
		char bytes[3];
		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else {
				if (pad) {
					return 0;
				}
				v[k] = b64_value(s[i + k]);
				if (v[k] < 0) {
					return 0;
				}
			}
		}
		bytes[0] = (char)((v[0] << 2) | (v[1] >> 4));
		bytes[1] = (char)(((v[1] & 15) << 4) | (v[2] >> 2));
		bytes[2] = (char)(((v[2] & 3) << 6) | v[3]);
		put(out, bytes, (size_t)(3 - pad));
	}
	return 1;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/* RFC 2047 4.2 Q: '_' is a space, =XX a byte. 0 when invalid. */
static int q_decode(const char *s, size_t n, smtp_buf *out)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (s[i] == '_') {
			put(out, " ", 1);
		} else if (s[i] == '=') {
			int hi, lo;
			char c;
			if (i + 2 >= n) {
				return 0;
			}
			hi = hex_value(s[i + 1]);
			lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0) {
				return 0;
			}
			c = (char)(hi * 16 + lo);
			put(out, &c, 1);
			i += 2;
		} else {
			put(out, s + i, 1);
		}
	}
	return 1;
}

typedef struct word_rules {
	const char *charset;   /* the charset words must have */
	int utf8;              /* each word must hold whole UTF-8 characters */
	size_t words;          /* counts encoded-words decoded */
} word_rules;

/*
 * When token is an RFC 2047 encoded-word ("=?" charset "?" B|Q "?" text "?="), decode it into out and
 * return 1 (checking the rules); else return 0 and leave out alone.
 */
static int decode_word(const char *t, size_t n, smtp_buf *out, word_rules *rules)
{
	size_t i, cs_end, enc_pos, text_start, before = out->len;
	char enc;
	int ok;

	if (n < 8 || t[0] != '=' || t[1] != '?' || t[n - 2] != '?' || t[n - 1] != '=') {
		return 0;
	}
	for (i = 2; i < n && t[i] != '?'; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c <= 32 || c >= 127 || strchr("()<>@,;:\"/[]?.=", c)) {
			return 0;
		}
	}
	cs_end = i;
	if (cs_end == 2 || cs_end + 3 > n - 2) {
		return 0;
	}
	enc_pos = cs_end + 1;
	enc = t[enc_pos];
	if (t[enc_pos + 1] != '?' || (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q')) {
		return 0;
	}
	text_start = enc_pos + 2;
	for (i = text_start; i < n - 2; i++) {
		if ((unsigned char)t[i] <= 32 || (unsigned char)t[i] >= 127 || t[i] == '?') {
			return 0;
		}
	}
	ok = (enc == 'B' || enc == 'b') ? b64_decode(t + text_start, n - 2 - text_start, out)
		: q_decode(t + text_start, n - 2 - text_start, out);
	if (!ok) {
		out->len = before;
		return 0;
	}
	/* one of ours: check it */
	rules->words++;
	if (n > 75) {
		FAIL("an encoded-word of %zu characters", n);
	}
	if (strlen(rules->charset) != cs_end - 2 || memcmp(t + 2, rules->charset, cs_end - 2) != 0) {
		FAIL("an encoded-word %.*s in charset \"%.*s\", the message's is \"%s\" (a literal encoded-word in the "
			"input went out unencoded?)", (int)n, t, (int)(cs_end - 2), t + 2, rules->charset);
	}
	if (rules->utf8 && !smtp_utf8_valid(out->data + before, out->len - before)) {
		FAIL("an encoded-word splits a UTF-8 character: %.*s", (int)n, t);
	}
	return 1;
}

/*
 * Decode unfolded text: unstructured (phrase 0), or a display-name phrase (phrase 1: quoted strings are
 * unquoted, encoded-words are not looked for inside them). White space between two encoded-words goes.
 */
static void decode_text(const char *s, size_t n, smtp_buf *out, word_rules *rules, int phrase)
{
	size_t i = 0;
	int last_was_word = 0;

	while (i < n) {
		size_t ws = i, tok;
		while (i < n && is_wsp(s[i])) {
			i++;
		}
		if (i == n) {
			put(out, s + ws, i - ws);
			break;
		}
		tok = i;
		if (phrase && s[i] == '"') {
			put(out, s + ws, tok - ws);
			for (i++; i < n && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < n) {
					i++;
				}
				put(out, s + i, 1);
			}
			if (i >= n) {
				FAIL("an unterminated quoted string");
			}
			i++;
			last_was_word = 0;
			continue;
		}
		while (i < n && !is_wsp(s[i])) {
			i++;
		}
		/* white space between two encoded-words is dropped (RFC 2047 6.2) */
		if (last_was_word && decode_word(s + tok, i - tok, out, rules)) {
			continue;
		}
		put(out, s + ws, tok - ws);
		last_was_word = decode_word(s + tok, i - tok, out, rules);
		if (!last_was_word) {
			put(out, s + tok, i - tok);
		}
	}
}

/* ---- MIME structure ------------------------------------------------------------------------------------ */

typedef struct leaf {
	span headers;   /* header lines with their CRLF */
	span body;
} leaf;

typedef struct tree {
	leaf leaves[MAX_LEAVES];
	size_t count;
	size_t multiparts;
} tree;

/* The value of param (e.g. "boundary") in an unfolded header value, when it is a quoted string. */
static int quoted_param(const smtp_buf *v, const char *param, span *out)
{
	size_t pl = strlen(param), i;
	for (i = 0; i + pl + 2 <= v->len; i++) {
		if ((i == 0 || v->data[i - 1] == ' ' || v->data[i - 1] == ';') && memcmp(v->data + i, param, pl) == 0
			&& v->data[i + pl] == '=' && v->data[i + pl + 1] == '"') {
			const char *start = v->data + i + pl + 2;
			const char *end = memchr(start, '"', v->len - (size_t)(start - v->data));
			if (!end) {
				FAIL("unterminated %s parameter", param);
			}
			out->s = start;
			out->len = (size_t)(end - start);
			return 1;
		}
	}
	return 0;
}

static void walk(const char *e, size_t n, tree *t, int depth)
{
	field f[MAX_FIELDS];
	size_t hl, nf, times, i;
	const field *ct;
	static smtp_buf ctv[4];
	smtp_buf *v;

	if (depth >= 4) {
		FAIL("multipart nested too deep");
	}
	/* headers up to the empty line */
	for (hl = 0; hl + 1 < n; hl++) {
		if (e[hl] == '\r' && e[hl + 1] == '\n' && (hl == 0 || (hl >= 2 && e[hl - 2] == '\r' && e[hl - 1] == '\n'))) {
			break;
		}
	}
	if (hl + 1 >= n) {
		FAIL("an entity without an empty line after its header");
	}
	nf = parse_fields(e, hl, f, MAX_FIELDS, depth == 0 ? "message" : "part");
	ct = find_field(f, nf, "Content-Type", &times);
	if (ct == NULL || times != 1) {
		FAIL("an entity with %zu Content-Type fields", times);
	}
	v = &ctv[depth];
	buf_ready(v);
	unfold(ct->raw, v);
	if (v->len > 12 && memcmp(v->data, " multipart/", 11) == 0) {
		span b;
		const char *body = e + hl + 2;
		size_t bl = n - hl - 2, pos = 0, part_start = 0;
		int parts = 0, closed = 0;
		char delim[128];
		size_t dl;

		t->multiparts++;
		if (!quoted_param(v, "boundary", &b) || b.len == 0 || b.len > 70) {
			FAIL("a multipart without a usable boundary");
		}
		dl = 2 + b.len;
		memcpy(delim, "--", 2);
		memcpy(delim + 2, b.s, b.len);
		/* every line starting with the delimiter is exactly a delimiter or the close delimiter */
		while (pos < bl) {
			const char *l = body + pos;
			size_t ll = 0;
			while (pos + ll + 1 < bl && !(l[ll] == '\r' && l[ll + 1] == '\n')) {
				ll++;
			}
			if (pos + ll + 1 >= bl) {
				FAIL("a multipart body line without CRLF");
			}
			if (closed) {
				FAIL("bytes after the close delimiter");
			}
			if (ll >= dl && memcmp(l, delim, dl) == 0) {
				if (ll == dl || (ll == dl + 2 && l[dl] == '-' && l[dl + 1] == '-')) {
					if (pos == 0) {
						if (ll != dl) {
							FAIL("a multipart that is closed at once");
						}
					} else {
						/* the part ends before the CRLF that belongs to this delimiter */
						if (pos < part_start + 2) {
							FAIL("a delimiter right after a delimiter");
						}
						if (parts == 0) {
							FAIL("a preamble in a multipart body");
						}
						walk(body + part_start, pos - 2 - part_start, t, depth + 1);
					}
					parts++;
					closed = ll != dl;
					part_start = pos + ll + 2;
				} else {
					FAIL("a body line \"%.*s\" starts with the boundary", (int)(ll < 100 ? ll : 100), l);
				}
			}
			pos += ll + 2;
		}
		if (!closed) {
			FAIL("a multipart without a close delimiter");
		}
		if (parts < 2) {
			FAIL("a multipart without a part");
		}
		return;
	}
	if (t->count >= MAX_LEAVES) {
		FAIL("too many leaves");
	}
	for (i = 0; i < nf; i++) {
		if (f[i].first_line_len > SMTP_MAX_TEXT_LINE) {
			FAIL("a long header line");
		}
	}
	t->leaves[t->count].headers.s = e;
	t->leaves[t->count].headers.len = hl;
	t->leaves[t->count].body.s = e + hl + 2;
	t->leaves[t->count].body.len = n - hl - 2;
	t->count++;
}

/* The unfolded value of a field of a leaf, into out; 0 when absent. */
static int leaf_field(const leaf *lf, const char *name, smtp_buf *out)
{
	field f[MAX_FIELDS];
	size_t nf = parse_fields(lf->headers.s, lf->headers.len, f, MAX_FIELDS, "part"), times;
	const field *x = find_field(f, nf, name, &times);
	buf_ready(out);
	if (!x) {
		return 0;
	}
	if (times != 1) {
		FAIL("a part with %zu %s fields", times, name);
	}
	unfold(x->raw, out);
	return 1;
}

/* Line ends (CRLF, CR, LF) made CRLF. */
static void normalize(const char *s, size_t n, smtp_buf *out)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			put(out, "\r\n", 2);
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
				i++;
			}
		} else {
			put(out, s + i, 1);
		}
	}
}

static void check_line_width(span body, size_t max, const char *what)
{
	size_t i, line = 0;
	for (i = 0; i < body.len; i++) {
		if (body.s[i] == '\r') {
			line = 0;
			i++;
		} else if (++line > max) {
			FAIL("a %s line over %zu characters", what, max);
		}
	}
}

static void decode_qp(span body, smtp_buf *out)
{
	size_t i;
	check_line_width(body, 76, "quoted-printable");
	for (i = 0; i < body.len; i++) {
		char c = body.s[i];
		if (c == '=') {
			if (i + 2 < body.len && body.s[i + 1] == '\r' && body.s[i + 2] == '\n') {
				i += 2;
				continue;
			}
			if (i + 2 >= body.len || hex_value(body.s[i + 1]) < 0 || hex_value(body.s[i + 2]) < 0) {
				FAIL("bad quoted-printable escape at %zu", i);
			}
			c = (char)(hex_value(body.s[i + 1]) * 16 + hex_value(body.s[i + 2]));
			i += 2;
		} else if ((unsigned char)c >= 127 || ((unsigned char)c < 32 && c != '\t' && c != '\r' && c != '\n')) {
			FAIL("a raw byte 0x%02x in quoted-printable", (unsigned char)c);
		} else if ((c == ' ' || c == '\t') && i + 1 < body.len && body.s[i + 1] == '\r') {
			FAIL("white space before a quoted-printable line end");
		}
		put(out, &c, 1);
	}
}

/* The text body as the receiver decodes it must be the given one with CRLF line ends. */
static void check_text_leaf(const leaf *lf, const char *subtype, span given, int single_part, const char *charset)
{
	static smtp_buf v, dec, want;
	span body = lf->body;

	if (!leaf_field(lf, "Content-Type", &v)) {
		FAIL("no Content-Type");
	}
	{
		char expect[128];
		snprintf(expect, sizeof expect, " text/%s; charset=%s", subtype, charset);
		if (!equal(&v, expect, strlen(expect))) {
			FAIL("Content-Type \"%.*s\", expected \"%s\"", (int)v.len, v.data, expect);
		}
	}
	if (!leaf_field(lf, "Content-Transfer-Encoding", &v)) {
		FAIL("no Content-Transfer-Encoding");
	}
	buf_ready(&dec);
	if (equal(&v, " 7bit", 5)) {
		size_t i;
		for (i = 0; i < body.len; i++) {
			if ((unsigned char)body.s[i] >= 0x80) {
				FAIL("an 8-bit byte in a 7bit body");
			}
		}
		put(&dec, body.s, body.len);
	} else if (equal(&v, " quoted-printable", 17)) {
		decode_qp(body, &dec);
	} else {
		FAIL("text encoded as \"%.*s\"", (int)v.len, v.data);
	}
	buf_ready(&want);
	normalize(given.s, given.len, &want);
	if (single_part && want.len > 0 && !(want.len >= 2 && want.data[want.len - 1] == '\n')) {
		put(&want, "\r\n", 2); /* the message ends with a line end */
	}
	if (!equal(&dec, want.data, want.len)) {
		FAIL("the text/%s body decodes to %zu bytes, %zu given", subtype, dec.len, want.len);
	}
}

static void decode_percent(const char *s, size_t n, smtp_buf *out)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			char c;
			if (i + 2 >= n || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) {
				FAIL("a bad %%XX in an RFC 2231 value");
			}
			c = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			put(out, &c, 1);
			i += 2;
		} else {
			put(out, s + i, 1);
		}
	}
}

/*
 * The file name parameter (param "name" or "filename") of an unfolded header value, decoded: a quoted
 * string, or RFC 2231 param*= / param*0*= param*1*= ... with UTF-8''. Returns 0 when absent.
 */
static int filename_param(const smtp_buf *v, const char *param, smtp_buf *out)
{
	size_t pos, pl = strlen(param);
	int found = 0, next_section = 0, single = 0;

	buf_ready(out);
	/* parameters after the first ';' */
	pos = 0;
	while (pos < v->len && v->data[pos] != ';') {
		pos++;
	}
	while (pos < v->len) {
		size_t start, end, eq;
		pos++; /* the ';' */
		while (pos < v->len && is_wsp(v->data[pos])) {
			pos++;
		}
		start = pos;
		if (pos < v->len && v->data[pos] != '"') {
			while (pos < v->len && v->data[pos] != ';' && v->data[pos] != '"') {
				pos++;
			}
		}
		if (pos < v->len && v->data[pos] == '"') {
			/* quoted value: up to the closing quote (our names have no '"' or '\' inside) */
			const char *q = memchr(v->data + pos + 1, '"', v->len - pos - 1);
			if (!q) {
				FAIL("an unterminated quoted parameter");
			}
			pos = (size_t)(q - v->data) + 1;
		}
		end = pos;
		for (eq = start; eq < end && v->data[eq] != '='; eq++) {
		}
		if (eq < end && eq - start >= pl && memcmp(v->data + start, param, pl) == 0) {
			const char *attr = v->data + start + pl, *val = v->data + eq + 1;
			size_t al = eq - start - pl, vl = end - eq - 1;
			if (al == 0) {
				if (vl < 2 || val[0] != '"' || val[vl - 1] != '"' || found) {
					FAIL("a bad %s= parameter", param);
				}
				put(out, val + 1, vl - 2);
				found = single = 1;
			} else if (al == 1 && attr[0] == '*') {
				if (vl < 7 || memcmp(val, "UTF-8''", 7) != 0 || found) {
					FAIL("a bad %s*= parameter", param);
				}
				decode_percent(val + 7, vl - 7, out);
				found = single = 1;
			} else if (attr[0] == '*') {
				/* *N* : a section */
				int nsec = 0;
				size_t k = 1;
				while (k < al && attr[k] >= '0' && attr[k] <= '9') {
					nsec = nsec * 10 + (attr[k] - '0');
					k++;
				}
				if (k == 1 || k + 1 != al || attr[k] != '*' || nsec != next_section || single) {
					FAIL("a bad or out-of-order %s section", param);
				}
				if (nsec == 0) {
					if (vl < 7 || memcmp(val, "UTF-8''", 7) != 0) {
						FAIL("the first %s section has no UTF-8''", param);
					}
					val += 7;
					vl -= 7;
				}
				decode_percent(val, vl, out);
				next_section++;
				found = 1;
			}
		}
		while (pos < v->len && v->data[pos] != ';') {
			pos++;
		}
	}
	return found;
}

static void check_attachment_leaf(const leaf *lf, span data, span filename, int is_inline)
{
	static smtp_buf v, dec, name;
	size_t i, start = 0;

	if (!leaf_field(lf, "Content-Transfer-Encoding", &v) || !equal(&v, " base64", 7)) {
		FAIL("the attachment is not base64");
	}
	/* the body: 76-character lines of base64 */
	check_line_width(lf->body, 76, "base64");
	buf_ready(&dec);
	for (i = 0; i <= lf->body.len; i++) {
		if (i == lf->body.len || lf->body.s[i] == '\r') {
			if (!b64_decode(lf->body.s + start, i - start, &dec)) {
				FAIL("invalid base64 in the attachment");
			}
			if (i < lf->body.len && i - start != 76) {
				FAIL("a base64 line of %zu characters before the last", i - start);
			}
			start = i + 2;
			i++;
		}
	}
	if (!equal(&dec, data.s, data.len)) {
		FAIL("the attachment decodes to %zu bytes, %zu given", dec.len, data.len);
	}
	if (!leaf_field(lf, "Content-Disposition", &v)) {
		FAIL("no Content-Disposition");
	}
	if (!span_istarts((span){v.data, v.len}, is_inline ? " inline" : " attachment")) {
		FAIL("Content-Disposition \"%.*s\"", (int)v.len, v.data);
	}
	if (filename_param(&v, "filename", &name) != (filename.len > 0)
		|| (filename.len > 0 && !equal(&name, filename.s, filename.len))) {
		FAIL("the file name in Content-Disposition decodes to \"%.*s\"", (int)name.len, name.data);
	}
	if (!leaf_field(lf, "Content-Type", &v)) {
		FAIL("no Content-Type");
	}
	if (filename_param(&v, "name", &name) != (filename.len > 0)
		|| (filename.len > 0 && !equal(&name, filename.s, filename.len))) {
		FAIL("the name in Content-Type decodes to \"%.*s\"", (int)name.len, name.data);
	}
	if (is_inline && (!leaf_field(lf, "Content-ID", &v) || !equal(&v, " <img1@example.com>", 19))) {
		FAIL("the inline part has no Content-ID");
	}
}

/* ---- the target ---------------------------------------------------------------------------------------- */

static void fixed_random(void *ctx, unsigned char *buf, size_t len)
{
	memset(buf, *(const unsigned char *)ctx, len);
}

static smtp_status run_data_encoder(const smtp_buf *msg, int dot_stuff, char *reason, size_t rl)
{
	static smtp_buf wire;
	smtp_data_encoder enc;
	smtp_status st;

	buf_ready(&wire);
	smtp_data_encoder_init(&enc, &wire.sink, dot_stuff);
	st = smtp_data_encode(&enc, msg->data, msg->len);
	if (st == SMTP_OK) {
		st = smtp_data_finish(&enc);
	}
	snprintf(reason, rl, "%s", enc.reason);
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static smtp_buf fields[NFIELDS], out, again, v, dec;
	static const char *const charsets[] = {"", "utf-8", "ISO-8859-1", "Shift_JIS"};
	span raw[NFIELDS + 1];
	smtp_message m;
	smtp_mailbox from, to, cc[2];
	smtp_header_field header;
	smtp_part part;
	const char *charset;
	int utf8, flags, use_random;
	unsigned char random_byte;
	int raw_mode;
	size_t errlen;
	size_t i, pos, nraw;
	char err[256];
	smtp_status st;

	if (size < 2) {
		return 0;
	}
	flags = data[0];
	random_byte = data[1] & 0x7F;
	raw_mode = data[1] & 0x80;
	use_random = !(flags & 0x40);
	charset = charsets[(flags >> 4) & 3];
	utf8 = charset[0] == '\0' || !strcmp(charset, "utf-8");

	/* split the rest on NUL: NFIELDS fields, then the attachment data */
	pos = 2;
	for (nraw = 0; nraw < NFIELDS; nraw++) {
		const char *s = (const char *)data + pos;
		const char *nul = pos < size ? memchr(s, '\0', size - pos) : NULL;
		raw[nraw].s = s;
		raw[nraw].len = nul ? (size_t)(nul - s) : size - pos;
		pos = nul ? pos + raw[nraw].len + 1 : size;
	}
	raw[NFIELDS].s = (const char *)data + pos;
	raw[NFIELDS].len = size - pos;

	for (i = 0; i < NFIELDS; i++) {
		buf_ready(&fields[i]);
	}
	if (raw_mode) {
		/* the fields as they are: the writer must refuse what it cannot write, cleanly */
		for (i = 0; i < 8; i++) {
			put(&fields[i], raw[i].s, raw[i].len);
		}
	} else {
		sanitize(&fields[0], raw[0].s, raw[0].len, utf8, 1);   /* subject */
		sanitize(&fields[1], raw[1].s, raw[1].len, utf8, 1);   /* From name */
		sanitize(&fields[2], raw[2].s, raw[2].len, utf8, 1);   /* To name */
		sanitize(&fields[3], raw[3].s, raw[3].len, utf8, 0);   /* text */
		sanitize(&fields[4], raw[4].s, raw[4].len, utf8, 0);   /* HTML */
		sanitize_header_name(&fields[5], raw[5].s, raw[5].len);
		sanitize(&fields[6], raw[6].s, raw[6].len, utf8, 1);   /* header value */
		sanitize(&fields[7], raw[7].s, raw[7].len, 1, 0);      /* file name: UTF-8, line breaks allowed */
	}
	if (raw[8].len > 0 && (raw_mode || smtp_address_valid(raw[8].s, raw[8].len, 1, NULL))) {
		put(&fields[8], raw[8].s, raw[8].len);
	} else {
		put(&fields[8], "from@example.com", 16);
	}
	for (i = 0; i < NFIELDS; i++) {
		smtp_buf_terminate(&fields[i]);
		if (fields[i].data == NULL) {
			put(&fields[i], "", 0);
		}
	}

	memset(&m, 0, sizeof m);
	from.address.s = fields[8].data;
	from.address.len = fields[8].len;
	from.name.s = fields[1].data;
	from.name.len = fields[1].len;
	m.from = from;
	m.has_from = 1;
	to.address.s = "to@example.com";
	to.address.len = 14;
	to.name.s = fields[2].data;
	to.name.len = fields[2].len;
	m.to = &to;
	m.to_count = 1;
	if (flags & 0x80) {
		cc[0].address.s = "cc1@example.com";
		cc[0].address.len = 15;
		cc[0].name = to.name;
		cc[1].address.s = "\"quoted, local\"@[192.0.2.1]";
		cc[1].address.len = strlen(cc[1].address.s);
		cc[1].name = from.name;
		m.cc = cc;
		m.cc_count = 2;
	}
	m.subject.s = fields[0].data;
	m.subject.len = fields[0].len;
	m.has_text = flags & 1;
	m.text.s = fields[3].data;
	m.text.len = fields[3].len;
	m.has_html = (flags >> 1) & 1;
	m.html.s = fields[4].data;
	m.html.len = fields[4].len;
	m.charset.s = charset;
	m.charset.len = strlen(charset);
	header.name.s = fields[5].data;
	header.name.len = fields[5].len;
	header.value.s = fields[6].data;
	header.value.len = fields[6].len;
	m.headers = &header;
	m.header_count = raw[5].len > 0 ? 1 : 0;
	memset(&part, 0, sizeof part);
	part.disposition = (flags & 8) ? SMTP_PART_INLINE : SMTP_PART_ATTACHMENT;
	part.filename.s = fields[7].data;
	part.filename.len = fields[7].len;
	part.content_type.s = (raw[8].len & 1) ? "image/png" : "";
	part.content_type.len = strlen(part.content_type.s);
	if (flags & 8) {
		part.content_id.s = "img1@example.com";
		part.content_id.len = 16;
	}
	part.data.s = raw[NFIELDS].s;
	part.data.len = raw[NFIELDS].len;
	m.parts = &part;
	m.part_count = (flags & 4) ? 1 : 0;
	m.date.s = "Mon, 01 Jan 2024 00:00:00 +0000";
	m.date.len = strlen(m.date.s);
	m.message_id.s = "<fuzz.1@example.com>";
	m.message_id.len = strlen(m.message_id.s);

	buf_ready(&out);
	/* in raw mode also a short error buffer: the message is cut, never overflows */
	errlen = raw_mode ? 1 + size % sizeof err : sizeof err;
	memset(err, 'E', sizeof err);
	st = smtp_mime_write(&m, &out.sink, use_random ? fixed_random : NULL, &random_byte, err, errlen);
	if (raw_mode && st == SMTP_ERR_INPUT) {
		if (memchr(err, '\0', errlen) == NULL || (errlen > 1 && err[0] == '\0')) {
			FAIL("refused with no error message, or one not terminated within errlen %zu", errlen);
		}
		if (errlen < sizeof err && err[errlen] != 'E') {
			FAIL("the error message went past errlen %zu", errlen);
		}
		if (out.len != 0) {
			FAIL("refused after writing %zu bytes (the input is checked before the first byte)", out.len);
		}
		return 0;
	}
	if (st != SMTP_OK) {
		FAIL("smtp_mime_write: %d (%s): %s", (int)st, smtp_status_name(st), err);
	}
	if (out.failed) {
		abort();
	}
	if (smtp_mime_needs_smtputf8(&m) != !smtp_is_ascii(from.address.s, from.address.len)) {
		FAIL("smtp_mime_needs_smtputf8 is wrong");
	}
	{
		/* SIZE: the measure is exact when both runs make the same boundaries (no random function) */
		uint64_t measured = 0;
		if (smtp_mime_measure(&m, &measured) != SMTP_OK) {
			FAIL("smtp_mime_measure failed on a message smtp_mime_write wrote");
		}
		if (!use_random && measured != out.len) {
			FAIL("smtp_mime_measure: %llu, written %zu", (unsigned long long)measured, out.len);
		}
	}

	/* ---- lines and header ---- */
	check_lines(out.data, out.len);
	{
		const char *o = out.data;
		size_t hl, nf, times;
		field f[MAX_FIELDS];
		const field *x;
		word_rules rules;
		static const char *const once[] = {"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
			"Content-Type", NULL};

		for (hl = 0; hl + 3 < out.len; hl++) {
			if (memcmp(o + hl, "\r\n\r\n", 4) == 0) {
				break;
			}
		}
		if (hl + 3 >= out.len) {
			FAIL("no empty line after the header");
		}
		nf = parse_fields(o, hl + 2, f, MAX_FIELDS, "message");
		for (i = 0; once[i]; i++) {
			if (!find_field(f, nf, once[i], &times) || times != 1) {
				FAIL("%zu %s fields in the message header", times, once[i]);
			}
		}
		if (find_field(f, nf, "Bcc", &times)) {
			FAIL("a Bcc field");
		}
		if ((find_field(f, nf, "Cc", &times) != NULL) != (m.cc_count > 0)) {
			FAIL("Cc field presence is wrong");
		}
		if (m.header_count) {
			span hn = {header.name.s, header.name.len};
			field const *h = NULL;
			for (i = 0; i < nf; i++) {
				if (f[i].name.len == hn.len && memcmp(f[i].name.s, hn.s, hn.len) == 0) {
					h = &f[i];
				}
			}
			if (h == NULL) {
				FAIL("the extra header %s is missing", header.name.s);
			}
			/* its value decodes to the given one */
			rules.charset = charset[0] ? charset : "UTF-8";
			rules.utf8 = utf8;
			rules.words = 0;
			buf_ready(&v);
			unfold(h->raw, &v);
			buf_ready(&dec);
			if (v.len == 0 || v.data[0] != ' ') {
				if (!(v.len == 0 && header.value.len == 0)) {
					FAIL("the extra header's value does not start with a space");
				}
			} else {
				decode_text(v.data + 1, v.len - 1, &dec, &rules, 0);
			}
			if (!equal(&dec, header.value.s, header.value.len)) {
				FAIL("the extra header decodes to \"%.*s\", given \"%s\"", (int)dec.len, dec.data, header.value.s);
			}
		}

		/* Subject */
		x = find_field(f, nf, "Subject", &times);
		rules.charset = charset[0] ? charset : "UTF-8";
		rules.utf8 = utf8;
		rules.words = 0;
		buf_ready(&v);
		unfold(x->raw, &v);
		if (v.len == 0 || v.data[0] != ' ') {
			FAIL("the Subject value does not start with a space");
		}
		buf_ready(&dec);
		decode_text(v.data + 1, v.len - 1, &dec, &rules, 0);
		if (!equal(&dec, m.subject.s, m.subject.len)) {
			FAIL("the Subject decodes to \"%.*s\" (%zu bytes), given \"%s\" (%zu bytes)", (int)dec.len, dec.data,
				dec.len, m.subject.s, m.subject.len);
		}
		if (rules.words > 0) {
			/* encoded: every physical line within 78 characters */
			const char *p = x->name.s, *end = x->raw.s + x->raw.len;
			while (p < end) {
				const char *q = p;
				while (q < end && *q != '\r') {
					q++;
				}
				if (q - p > 78) {
					FAIL("an encoded Subject line of %d characters", (int)(q - p));
				}
				p = q + 2;
			}
		}

		/* From display name */
		x = find_field(f, nf, "From", &times);
		buf_ready(&v);
		unfold(x->raw, &v);
		{
			size_t al = from.address.len;
			rules.words = 0;
			buf_ready(&dec);
			if (from.name.len == 0) {
				if (v.len != al + 1 || v.data[0] != ' ' || memcmp(v.data + 1, from.address.s, al) != 0) {
					FAIL("From is \"%.*s\"", (int)v.len, v.data);
				}
			} else {
				if (v.len < al + 4 || v.data[0] != ' ' || memcmp(v.data + v.len - al - 3, " <", 2) != 0
					|| memcmp(v.data + v.len - al - 1, from.address.s, al) != 0 || v.data[v.len - 1] != '>') {
					FAIL("From is \"%.*s\"", (int)v.len, v.data);
				}
				decode_text(v.data + 1, v.len - al - 4, &dec, &rules, 1);
				if (!equal(&dec, from.name.s, from.name.len)) {
					FAIL("the From name decodes to \"%.*s\", given \"%s\"", (int)dec.len, dec.data, from.name.s);
				}
			}
		}
	}

	/* ---- MIME structure and bodies ---- */
	{
		tree t;
		size_t text_leaves = 0, html_leaves = 0, other = 0;
		int want_text = m.has_text || (!m.has_html && m.part_count == 0);
		int single = 0;

		t.count = 0;
		t.multiparts = 0;
		walk(out.data, out.len, &t, 0);
		single = t.multiparts == 0;
		for (i = 0; i < t.count; i++) {
			const leaf *lf = &t.leaves[i];
			static smtp_buf ct;
			leaf_field(lf, "Content-Type", &ct);
			if (span_istarts((span){ct.data, ct.len}, " text/plain;")) {
				span given = {m.text.s, m.has_text ? m.text.len : 0};
				text_leaves++;
				check_text_leaf(lf, "plain", given, single, charset[0] ? charset : "UTF-8");
			} else if (span_istarts((span){ct.data, ct.len}, " text/html;")) {
				span given = {m.html.s, m.html.len};
				html_leaves++;
				check_text_leaf(lf, "html", given, single, charset[0] ? charset : "UTF-8");
			} else {
				/* the writer drops CR and LF from file names (no line break reaches the receiver) */
				static smtp_buf stripped;
				span d = {part.data.s, part.data.len}, fn;
				size_t k;
				buf_ready(&stripped);
				for (k = 0; k < part.filename.len; k++) {
					if (part.filename.s[k] != '\r' && part.filename.s[k] != '\n') {
						put(&stripped, part.filename.s + k, 1);
					}
				}
				fn.s = stripped.data ? stripped.data : "";
				fn.len = stripped.len;
				other++;
				check_attachment_leaf(lf, d, fn, part.disposition == SMTP_PART_INLINE);
			}
		}
		if (text_leaves != (size_t)want_text || html_leaves != (size_t)m.has_html || other != m.part_count) {
			FAIL("leaves: %zu text, %zu html, %zu parts; expected %d, %d, %zu", text_leaves, html_leaves, other,
				want_text, m.has_html, m.part_count);
		}
		{
			size_t expect_multiparts = (m.has_text && m.has_html) + (m.part_count > 0);
			if (t.multiparts != expect_multiparts) {
				FAIL("%zu multipart levels, expected %zu", t.multiparts, expect_multiparts);
			}
		}
	}

	/* ---- the same bytes again (on a quarter of the inputs: it doubles the cost) ---- */
	if ((size & 3) == 0) {
		buf_ready(&again);
		st = smtp_mime_write(&m, &again.sink, use_random ? fixed_random : NULL, &random_byte, err, errlen);
		if (st != SMTP_OK || !equal(&again, out.data, out.len)) {
			FAIL("a second write gives other bytes");
		}
	}
	/* ---- the DATA encoder takes them (dot_stuff 0 refuses nothing that 1 accepts) ---- */
	{
		char reason[128];
		st = run_data_encoder(&out, 1, reason, sizeof reason);
		if (st != SMTP_OK) {
			FAIL("the DATA encoder refuses the message: %s", reason);
		}
	}
	return 0;
}
