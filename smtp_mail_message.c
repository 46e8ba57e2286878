/*
 * smtp_mail_message.c - the message smtp_mail() sends, rewritten the way sendmail -t would pass it on: header
 * fields folded at 78 columns (a word too long for a line RFC 2047-encoded where the field is free text),
 * and a body with lines too long for SMTP transfer-encoded as its Content-Transfer-Encoding allows,
 * multipart bodies part by part, rather than refused.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_smart_str.h"

#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"
#include "smtp_mail_message.h"
#include "smtp_headers.h"
#include "smtp_mail_args.h"

#define FOLD_AT 78

/* "Name: value", folded before white space where a line would pass 78 columns. Returns the longest line. */
static size_t write_folded(smart_str *out, const char *name, size_t nl, const char *v, size_t vl)
{
	size_t column = nl + 2, longest = 0, i = 0;
	smart_str_appendl(out, name, nl);
	smart_str_appends(out, ": ");
	while (i < vl) {
		size_t start = i;
		while (i < vl && (v[i] == ' ' || v[i] == '\t')) {
			i++;
		}
		while (i < vl && v[i] != ' ' && v[i] != '\t') {
			i++;
		}
		if (start > 0 && (v[start] == ' ' || v[start] == '\t') && column + (i - start) > FOLD_AT) {
			smart_str_appends(out, "\r\n");
			longest = MAX(longest, column);
			column = 0;
		}
		smart_str_appendl(out, v + start, i - start);
		column += i - start;
	}
	smart_str_appends(out, "\r\n");
	return MAX(longest, column);
}

/* An address list with a space after each separating comma, so it can be folded there. */
static zend_string *space_after_commas(zend_string *v)
{
	smart_str out = {0};
	size_t i;
	bool quoted = false;
	const char *s = ZSTR_VAL(v);
	for (i = 0; i < ZSTR_LEN(v); i++) {
		smart_str_appendc(&out, s[i]);
		if (quoted) {
			if (s[i] == '\\' && i + 1 < ZSTR_LEN(v)) {
				smart_str_appendc(&out, s[++i]);
			} else if (s[i] == '"') {
				quoted = false;
			}
		} else if (s[i] == '"') {
			quoted = true;
		} else if (s[i] == ',' && i + 1 < ZSTR_LEN(v) && s[i + 1] != ' ' && s[i + 1] != '\t') {
			smart_str_appendc(&out, ' ');
		}
	}
	return out.s ? smart_str_extract(&out) : ZSTR_EMPTY_ALLOC();
}

static bool is_address_field(const zend_string *name)
{
	return smtp_header_is(name, "To") || smtp_header_is(name, "Cc") || smtp_header_is(name, "Bcc")
		|| smtp_header_is(name, "From") || smtp_header_is(name, "Reply-To")
		|| smtp_header_is(name, "Sender");
}

/* Fields whose value is free text, which RFC 2047 words may carry when a word is too long to fold. */
static bool is_unstructured(const zend_string *name)
{
	return smtp_header_is(name, "Subject") || smtp_header_is(name, "Comments") || smtp_header_is(name, "Keywords")
		|| (ZSTR_LEN(name) > 2 && (ZSTR_VAL(name)[0] == 'X' || ZSTR_VAL(name)[0] == 'x') && ZSTR_VAL(name)[1] == '-');
}

/* One header field, folded; a word too long for a line is encoded in an unstructured field, else refused. */
bool smtp_mail_write_field(smart_str *out, zend_string *name, zend_string *value)
{
	zend_string *v = is_address_field(name) ? space_after_commas(value) : zend_string_copy(value);
	size_t mark = out->s ? ZSTR_LEN(out->s) : 0;
	bool ok = true;
	if (write_folded(out, ZSTR_VAL(name), ZSTR_LEN(name), ZSTR_VAL(v), ZSTR_LEN(v)) > SMTP_MAX_TEXT_LINE) {
		smtp_buf b;
		smtp_buf_init(&b);
		ZSTR_LEN(out->s) = mark;
		if (is_unstructured(name) && smtp_mime_header_unstructured(&b, ZSTR_VAL(name), ZSTR_VAL(v), ZSTR_LEN(v),
			"UTF-8") == SMTP_OK) {
			smart_str_appendl(out, b.data, b.len);
		} else {
			php_error_docref(NULL, E_WARNING, "Header %s has a word longer than %d octets that cannot be folded",
				ZSTR_VAL(name), SMTP_MAX_TEXT_LINE);
			ok = false;
		}
		smtp_buf_free(&b);
	}
	zend_string_release(v);
	return ok;
}

/* Soft line breaks in quoted-printable text whose lines are too long, never inside an =XX. */
static zend_string *qp_rewrap(const char *p, size_t len)
{
	smart_str out = {0};
	size_t i, column = 0;
	for (i = 0; i < len; i++) {
		size_t width = p[i] == '=' && i + 2 < len && p[i + 1] != '\r' && p[i + 1] != '\n' ? 3 : 1;
		if (p[i] == '\r' || p[i] == '\n') {
			smart_str_appendc(&out, p[i]);
			column = 0;
			continue;
		}
		if (column + width > 75 && !(i + width < len ? p[i + width] == '\r' || p[i + width] == '\n' : true)) {
			smart_str_appends(&out, "=\r\n");
			column = 0;
		}
		smart_str_appendl(&out, p + i, width);
		column += width;
		i += width - 1;
	}
	return out.s ? smart_str_extract(&out) : ZSTR_EMPTY_ALLOC();
}

/* Base64 lines too long: cut at 76 characters (decoders ignore line breaks). */
static zend_string *base64_rewrap(const char *p, size_t len)
{
	smart_str out = {0};
	size_t i, column = 0;
	for (i = 0; i < len; i++) {
		if (p[i] == '\r' || p[i] == '\n') {
			column = 0;
		} else if (column == 76) {
			smart_str_appends(&out, "\r\n");
			column = 0;
		}
		if (p[i] != '\r' && p[i] != '\n') {
			column++;
		}
		smart_str_appendc(&out, p[i]);
	}
	return out.s ? smart_str_extract(&out) : ZSTR_EMPTY_ALLOC();
}

static bool starts_ci(const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	return len >= pl && zend_binary_strncasecmp(s, pl, prefix, pl, pl) == 0;
}

/* The boundary parameter of a multipart Content-Type value, or NULL. */
static zend_string *boundary_param(const char *ct, size_t len)
{
	size_t i;
	for (i = 0; i + 9 <= len; i++) {
		if ((i == 0 || ct[i - 1] == ';' || ct[i - 1] == ' ' || ct[i - 1] == '\t')
			&& zend_binary_strncasecmp(ct + i, 9, "boundary=", 9, 9) == 0) {
			const char *v = ct + i + 9, *end = ct + len, *e;
			if (v < end && *v == '"') {
				v++;
				e = memchr(v, '"', (size_t)(end - v));
				return e && e > v ? zend_string_init(v, (size_t)(e - v), 0) : NULL;
			}
			for (e = v; e < end && *e != ';' && *e != ' ' && *e != '\t'; e++) {
			}
			return e > v ? zend_string_init(v, (size_t)(e - v), 0) : NULL;
		}
	}
	return NULL;
}

static zend_string *fix_body(const char *ct, size_t ctl, const char *cte, size_t cl, const char *body, size_t bl,
	bool *qp_set, int depth);

/* The value of a field in a part's header text (unfolded enough to read a type or an encoding), or len 0. */
static void part_field(const char *h, size_t hl, const char *name, const char **v, size_t *vl)
{
	size_t i = 0, nl = strlen(name);
	*v = NULL;
	*vl = 0;
	while (i < hl) {
		const char *line = h + i, *eol = memchr(line, '\n', hl - i);
		size_t ll = eol ? (size_t)(eol - line) : hl - i;
		if (ll > nl && line[nl] == ':' && zend_binary_strncasecmp(line, nl, name, nl, nl) == 0) {
			const char *p = line + nl + 1, *e = line + ll;
			/* the value runs over the continuation lines */
			while (e < h + hl && e + 1 < h + hl && (e[1] == ' ' || e[1] == '\t')) {
				const char *next = memchr(e + 1, '\n', (size_t)(h + hl - e - 1));
				e = next ? next : h + hl;
			}
			while (p < e && (*p == ' ' || *p == '\t')) {
				p++;
			}
			while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) {
				e--;
			}
			*v = p;
			*vl = (size_t)(e - p);
			return;
		}
		i += ll + 1;
	}
}

/* One part of a multipart body (its header, the empty line, its body), its long lines re-encoded. */
static bool fix_part(smart_str *out, const char *p, size_t len, int depth)
{
	const char *sep = NULL, *ct, *cte;
	size_t i, hl, ctl, cl;
	bool qp = false;
	zend_string *body;
	/* the header ends at the first empty line; a part may start with it (no header) */
	if (len && (p[0] == '\n' || (p[0] == '\r' && len > 1 && p[1] == '\n'))) {
		sep = p;
	}
	for (i = 0; !sep && i + 1 < len; i++) {
		if (p[i] == '\n' && (p[i + 1] == '\n' || (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n'))) {
			sep = p + i + 1;
		}
	}
	if (!sep) {
		return false;
	}
	hl = (size_t)(sep - p);
	part_field(p, hl, "Content-Type", &ct, &ctl);
	part_field(p, hl, "Content-Transfer-Encoding", &cte, &cl);
	{
		const char *b = sep + (*sep == '\r' ? 2 : 1);
		body = fix_body(ct ? ct : "text/plain", ct ? ctl : 10, cte, cl, b, (size_t)(p + len - b), &qp, depth + 1);
	}
	if (!body) {
		return false;
	}
	if (!qp) {
		smart_str_appendl(out, p, (size_t)(sep - p));
	} else {
		/* the header without its Content-Transfer-Encoding field, then the new one */
		size_t j = 0;
		bool skipping = false;
		while (j < hl) {
			const char *line = p + j, *eol = memchr(line, '\n', hl - j);
			size_t ll = eol ? (size_t)(eol - line) + 1 : hl - j;
			if (*line != ' ' && *line != '\t') {
				skipping = starts_ci(line, ll, "Content-Transfer-Encoding:");
			}
			if (!skipping) {
				smart_str_appendl(out, line, ll);
			}
			j += ll;
		}
		smart_str_appends(out, "Content-Transfer-Encoding: quoted-printable\r\n");
	}
	smart_str_appendl(out, sep, *sep == '\r' ? 2 : 1);
	smart_str_append(out, body);
	zend_string_release(body);
	return true;
}

/* A multipart body: each part between the boundary lines fixed; preamble and epilogue kept. */
static zend_string *fix_multipart(zend_string *boundary, const char *body, size_t bl, int depth)
{
	smart_str out = {0};
	size_t i = 0, part_start = 0;
	bool in_part = false, closed = false;
	while (i < bl) {
		const char *line = body + i, *eol = memchr(line, '\n', bl - i);
		size_t ll = eol ? (size_t)(eol - line) : bl - i, content = ll;
		if (content && line[content - 1] == '\r') {
			content--;
		}
		if (!closed && content >= 2 + ZSTR_LEN(boundary) && line[0] == '-' && line[1] == '-'
			&& memcmp(line + 2, ZSTR_VAL(boundary), ZSTR_LEN(boundary)) == 0) {
			size_t rest = 2 + ZSTR_LEN(boundary);
			bool last = content >= rest + 2 && line[rest] == '-' && line[rest + 1] == '-';
			if (in_part) {
				/* the line break before the delimiter belongs to the delimiter */
				size_t end = i;
				if (end > part_start && body[end - 1] == '\n') {
					end--;
					if (end > part_start && body[end - 1] == '\r') {
						end--;
					}
				}
				if (!fix_part(&out, body + part_start, end - part_start, depth)) {
					smart_str_free(&out);
					return NULL;
				}
				smart_str_appendl(&out, body + end, i - end);
			} else {
				if (smtp_longest_line(body, i) > SMTP_MAX_TEXT_LINE) {
					smart_str_free(&out);
					return NULL;
				}
				smart_str_appendl(&out, body, i);
			}
			smart_str_appendl(&out, line, eol ? ll + 1 : ll);
			i += eol ? ll + 1 : ll;
			part_start = i;
			in_part = !last;
			closed = last;
			continue;
		}
		i += eol ? ll + 1 : ll;
	}
	if (!closed && !in_part) {
		smart_str_free(&out);
		return NULL; /* no delimiter at all */
	}
	if (in_part) {
		if (!fix_part(&out, body + part_start, bl - part_start, depth)) {
			smart_str_free(&out);
			return NULL;
		}
	} else {
		/* the epilogue */
		if (smtp_longest_line(body + part_start, bl - part_start) > SMTP_MAX_TEXT_LINE) {
			smart_str_free(&out);
			return NULL;
		}
		smart_str_appendl(&out, body + part_start, bl - part_start);
	}
	return out.s ? smart_str_extract(&out) : ZSTR_EMPTY_ALLOC();
}

/*
 * An entity's body with its lines too long for SMTP transfer-encoded as its Content-Transfer-Encoding allows
 * (none, 7bit, 8bit or binary: quoted-printable, and *qp_set tells the caller to declare it;
 * quoted-printable: soft breaks; base64: shorter lines); a multipart body part by part. NULL when it cannot
 * be done (the caller warns).
 */
static zend_string *fix_body(const char *ct, size_t ctl, const char *cte, size_t cl, const char *body, size_t bl,
	bool *qp_set, int depth)
{
	*qp_set = false;
	if (smtp_longest_line(body, bl) <= SMTP_MAX_TEXT_LINE) {
		return zend_string_init(body, bl, 0);
	}
	if (depth > 20) {
		return NULL;
	}
	if (starts_ci(ct, ctl, "multipart/")) {
		zend_string *boundary = boundary_param(ct, ctl), *out;
		if (!boundary) {
			return NULL;
		}
		out = fix_multipart(boundary, body, bl, depth);
		zend_string_release(boundary);
		return out;
	}
	if (starts_ci(ct, ctl, "message/")) {
		return NULL;
	}
	if (cte && cl == 16 && starts_ci(cte, cl, "quoted-printable")) {
		return qp_rewrap(body, bl);
	}
	if (cte && cl == 6 && starts_ci(cte, cl, "base64")) {
		return base64_rewrap(body, bl);
	}
	if (!cte || cl == 0 || (cl == 4 && starts_ci(cte, cl, "7bit")) || (cl == 4 && starts_ci(cte, cl, "8bit"))
		|| (cl == 6 && starts_ci(cte, cl, "binary"))) {
		smtp_buf b;
		zend_string *out;
		smtp_buf_init(&b);
		if (smtp_qp_encode(&b, body, bl) != SMTP_OK) {
			smtp_buf_free(&b);
			return NULL;
		}
		out = zend_string_init(b.data ? b.data : "", b.len, 0);
		smtp_buf_free(&b);
		*qp_set = true;
		return out;
	}
	return NULL;
}

/* The message body with its long lines re-encoded (see fix_body()); a warning and NULL when impossible. */
zend_string *smtp_mail_encode_long_lines(zend_string *body, smtp_mail_headers *h, bool *add_cte)
{
	uint32_t i;
	zend_string *cte = NULL, *ctype = NULL, *out;
	for (i = 0; i < h->count; i++) {
		if (smtp_header_is(h->items[i].name, "Content-Transfer-Encoding")) {
			cte = h->items[i].value;
		} else if (smtp_header_is(h->items[i].name, "Content-Type")) {
			ctype = h->items[i].value;
		}
	}
	out = fix_body(ctype ? ZSTR_VAL(ctype) : "text/plain", ctype ? ZSTR_LEN(ctype) : 10, cte ? ZSTR_VAL(cte) : NULL,
		cte ? ZSTR_LEN(cte) : 0, ZSTR_VAL(body), ZSTR_LEN(body), add_cte, 0);
	if (!out) {
		php_error_docref(NULL, E_WARNING, "The message has a line longer than %d octets that cannot be "
			"transfer-encoded (Content-Type %s, Content-Transfer-Encoding %s)", SMTP_MAX_TEXT_LINE,
			ctype ? ZSTR_VAL(ctype) : "text/plain", cte ? ZSTR_VAL(cte) : "none");
	}
	return out;
}
