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

#include "smtp_client.h"
#include "smtp_options.h"
#include "smtp_ini.h"
#include "smtp_transport.h"
#include "smtp_exceptions.h"
#include "smtp_dkim_binding.h"

/* ---- mail()'s own argument rules ------------------------------------------------------------------ */

/*
 * To and Subject as mail() writes them: trailing white space dropped, control characters made spaces,
 * a fold (CRLF followed by white space) kept. Returned unfolded: the header writer folds again.
 */
static zend_string *clean_line(zend_string *in)
{
	const char *s = ZSTR_VAL(in);
	size_t len = ZSTR_LEN(in), i;
	smart_str out = {0};
	while (len && isspace((unsigned char)s[len - 1])) {
		len--;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\r' && i + 2 < len && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\t')) {
			i++;
			continue;
		}
		smart_str_appendc(&out, iscntrl(ch) ? ' ' : (char)ch);
	}
	return out.s ? smart_str_extract(&out) : ZSTR_EMPTY_ALLOC();
}

/* mail()'s check of the additional headers: a line break must be followed by a header (or a fold). */
static bool headers_newlines_malformed(const char *h)
{
	if (!*h) {
		return false;
	}
	if ((unsigned char)*h < 33 || (unsigned char)*h > 126 || *h == ':') {
		return true;
	}
	while (*h) {
		if (*h == '\r') {
			if (h[1] == '\0' || h[1] == '\r' || (h[1] == '\n' && (h[2] == '\0' || h[2] == '\n' || h[2] == '\r'))) {
				return true;
			}
			h += 2;
		} else if (*h == '\n') {
			if (h[1] == '\0' || h[1] == '\r' || h[1] == '\n') {
				return true;
			}
			h += 2;
		} else {
			h++;
		}
	}
	return false;
}

typedef struct mail_header {
	zend_string *name;
	zend_string *value;   /* unfolded, single line */
} mail_header;

typedef struct mail_headers {
	mail_header *items;
	uint32_t count, cap;
} mail_headers;

static void headers_free(mail_headers *h)
{
	uint32_t i;
	for (i = 0; i < h->count; i++) {
		zend_string_release(h->items[i].name);
		zend_string_release(h->items[i].value);
	}
	if (h->items) {
		efree(h->items);
	}
}

static void headers_push(mail_headers *h, const char *name, size_t nl, const char *value, size_t vl)
{
	if (h->count == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->items = safe_erealloc(h->items, h->cap, sizeof(*h->items), 0);
	}
	h->items[h->count].name = zend_string_init(name, nl, 0);
	h->items[h->count].value = zend_string_init(value, vl, 0);
	h->count++;
}

/* Whether a line starts a header field: a name (printable ASCII, no colon), white space at most, a colon. */
static bool starts_field(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && (unsigned char)s[i] > 32 && (unsigned char)s[i] < 127 && s[i] != ':') {
		i++;
	}
	if (i == 0) {
		return false;
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t')) {
		i++;
	}
	return i < len && s[i] == ':';
}

/* One unfolded "Name: value" field of the header block (starts_field() said it is one). */
static void flush_field(mail_headers *h, smart_str *field)
{
	const char *f, *colon, *v;
	size_t fl, nl, vl;
	if (!field->s) {
		return;
	}
	f = ZSTR_VAL(field->s);
	fl = ZSTR_LEN(field->s);
	colon = memchr(f, ':', fl);
	nl = (size_t)(colon - f);
	while (nl && (f[nl - 1] == ' ' || f[nl - 1] == '\t')) {
		nl--;
	}
	v = colon + 1;
	vl = fl - (size_t)(v - f);
	while (vl && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) {
		vl--;
	}
	headers_push(h, f, nl, v, vl);
	smart_str_free(field);
}

/*
 * The header block mail() was given (already checked by headers_newlines_malformed()): fields split at
 * CRLF, LF or CR, folded lines unfolded. A line that is not a field ends the header there, as it does for
 * sendmail: *body_at is where the rest starts (the caller puts it at the top of the body), else len.
 */
static void parse_header_block(mail_headers *h, const char *s, size_t len, size_t *body_at)
{
	size_t i = 0;
	smart_str field = {0};
	*body_at = len;
	while (i < len) {
		size_t start = i, end;
		while (i < len && s[i] != '\r' && s[i] != '\n') {
			i++;
		}
		end = i;
		if (i < len) {
			i += s[i] == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
		}
		if (end > start && (s[start] == ' ' || s[start] == '\t') && field.s) {
			smart_str_appendl(&field, s + start, end - start);
			continue;
		}
		flush_field(h, &field);
		if (!starts_field(s + start, end - start)) {
			*body_at = start;
			return;
		}
		smart_str_appendl(&field, s + start, end - start);
	}
	flush_field(h, &field);
}

static bool is(const zend_string *name, const char *lit)
{
	return zend_binary_strcasecmp(ZSTR_VAL(name), ZSTR_LEN(name), lit, strlen(lit)) == 0;
}

/*
 * The mailboxes of an address field as sendmail -t reads them: comma-separated, group syntax
 * ("team: a@example.com, b@example.com;" or "undisclosed-recipients:;") gives its members, empty items
 * are skipped. A bad address is a warning naming the field.
 */
static bool collect_addresses(const char *field, const char *s, size_t len, smtp_php_mailbox_list *out)
{
	size_t i, start = 0;
	int depth = 0;
	bool quoted = false, angle = false, at = false;
	for (i = 0; i <= len; i++) {
		char ch = i < len ? s[i] : ',';
		if (quoted) {
			if (ch == '\\' && i + 1 < len) {
				i++;
			} else if (ch == '"') {
				quoted = false;
			}
			continue;
		}
		if (depth) {
			if (ch == '\\' && i + 1 < len) {
				i++;
			} else if (ch == '(') {
				depth++;
			} else if (ch == ')') {
				depth--;
			}
			continue;
		}
		if (ch == '"') {
			quoted = true;
		} else if (ch == '(') {
			depth = 1;
		} else if (ch == '<') {
			angle = true;
		} else if (ch == '>') {
			angle = false;
		} else if (ch == '@' && !angle) {
			at = true;
		} else if (ch == ':' && !angle) {
			if (at) {
				/* not a group's display name: "a@example.com Bcc: b@example.com" is one bad item */
				php_error_docref(NULL, E_WARNING, "%s: \"%.*s\" is not a valid address", field,
					(int)MIN(len - start, 200), s + start);
				return false;
			}
			start = i + 1; /* a group's display name */
		} else if ((ch == ',' || ch == ';') && !angle) {
			at = false;
			const char *item = s + start;
			size_t il = i - start;
			while (il && (*item == ' ' || *item == '\t')) {
				item++;
				il--;
			}
			while (il && (item[il - 1] == ' ' || item[il - 1] == '\t')) {
				il--;
			}
			if (il) {
				if (smtp_parse_address_list(item, il, out, 1) != SUCCESS) {
					zend_clear_exception();
					php_error_docref(NULL, E_WARNING, "%s: \"%.*s\" is not a valid address", field,
						(int)MIN(il, 200), item);
					return false;
				}
			}
			start = i + 1;
		}
	}
	if (quoted || depth) {
		php_error_docref(NULL, E_WARNING, "%s: unbalanced quote or parenthesis", field);
		return false;
	}
	return true;
}

/* ---- writing the message ------------------------------------------------------------------------- */

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
	return is(name, "To") || is(name, "Cc") || is(name, "Bcc") || is(name, "From") || is(name, "Reply-To")
		|| is(name, "Sender");
}

/* Fields whose value is free text, which RFC 2047 words may carry when a word is too long to fold. */
static bool is_unstructured(const zend_string *name)
{
	return is(name, "Subject") || is(name, "Comments") || is(name, "Keywords")
		|| (ZSTR_LEN(name) > 2 && (ZSTR_VAL(name)[0] == 'X' || ZSTR_VAL(name)[0] == 'x') && ZSTR_VAL(name)[1] == '-');
}

/* One header field, folded; a word too long for a line is encoded in an unstructured field, else refused. */
static bool write_field(smart_str *out, zend_string *name, zend_string *value)
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

static size_t longest_line(const char *p, size_t len)
{
	size_t i, line = 0, longest = 0;
	for (i = 0; i < len; i++) {
		if (p[i] == '\r' || p[i] == '\n') {
			line = 0;
		} else if (++line > longest) {
			longest = line;
		}
	}
	return longest;
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
				if (longest_line(body, i) > SMTP_MAX_TEXT_LINE) {
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
		if (longest_line(body + part_start, bl - part_start) > SMTP_MAX_TEXT_LINE) {
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
	if (longest_line(body, bl) <= SMTP_MAX_TEXT_LINE) {
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
static zend_string *encode_long_lines(zend_string *body, mail_headers *h, bool *add_cte)
{
	uint32_t i;
	zend_string *cte = NULL, *ctype = NULL, *out;
	for (i = 0; i < h->count; i++) {
		if (is(h->items[i].name, "Content-Transfer-Encoding")) {
			cte = h->items[i].value;
		} else if (is(h->items[i].name, "Content-Type")) {
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

/* "-f addr" / "-faddr" in mail()'s additional_params: the envelope sender. */
static zend_string *envelope_from_params(zend_string *params)
{
	const char *p = params ? ZSTR_VAL(params) : "", *start;
	while (*p) {
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if (p[0] == '-' && p[1] == 'f') {
			p += 2;
			while (*p == ' ' || *p == '\t') {
				p++;
			}
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				start = p;
				while (*p && *p != q) {
					p++;
				}
				return zend_string_init(start, (size_t)(p - start), 0);
			}
			start = p;
			while (*p && *p != ' ' && *p != '\t') {
				p++;
			}
			return zend_string_init(start, (size_t)(p - start), 0);
		}
		while (*p && *p != ' ' && *p != '\t') {
			p++;
		}
	}
	return NULL;
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

/* One mail() call: what its arguments become, step by step (smtp_mail_impl()). */
typedef struct mail_job {
	mail_headers h;                   /* the caller's header fields */
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
	headers_free(&j->h);
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
	if (j->hdr && ZSTR_LEN(j->hdr) && headers_newlines_malformed(ZSTR_VAL(j->hdr))) {
		php_error_docref(NULL, E_WARNING, "Multiple or malformed newlines found in additional_header");
		return false;
	}
	j->to_line = clean_line(to);
	j->subject_line = clean_line(subject);
	if (j->hdr) {
		parse_header_block(&j->h, ZSTR_VAL(j->hdr), ZSTR_LEN(j->hdr), &body_at);
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
	if (!collect_addresses("To", ZSTR_VAL(j->to_line), ZSTR_LEN(j->to_line), &j->rcpt_list)) {
		return false;
	}
	if (ZSTR_LEN(j->to_line)) {
		smart_str_append(&j->to_value, j->to_line);
	}
	for (i = 0; i < j->h.count; i++) {
		mail_header *f = &j->h.items[i];
		if (is(f->name, "To") || is(f->name, "Cc") || is(f->name, "Bcc")) {
			if (!collect_addresses(ZSTR_VAL(f->name), ZSTR_VAL(f->value), ZSTR_LEN(f->value), &j->rcpt_list)) {
				return false;
			}
			if (is(f->name, "To") && ZSTR_LEN(f->value)) {
				if (j->to_value.s) {
					smart_str_appends(&j->to_value, ", ");
				}
				smart_str_append(&j->to_value, f->value);
			}
		} else if (is(f->name, "From")) {
			if (!j->have_from && !collect_addresses("From", ZSTR_VAL(f->value), ZSTR_LEN(f->value), &j->from_list)) {
				return false;
			}
			j->have_from = true;
		} else if (is(f->name, "Date")) {
			j->have_date = true;
		} else if (is(f->name, "Message-ID")) {
			j->have_msgid = true;
		} else if (is(f->name, "MIME-Version")) {
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
		if (!collect_addresses(SMTP_G(from) && SMTP_G(from)[0] ? "smtp.from" : "sendmail_from", j->from_setting,
			strlen(j->from_setting), &j->from_list)) {
			return false;
		}
	}
	if (j->from_list.count == 0) {
		php_error_docref(NULL, E_WARNING, "No sender: the From header names no address");
		return false;
	}
	j->from_addr = zend_string_copy(j->from_list.items[0].address);
	j->env_from = envelope_from_params(params);
	if (j->env_from && ZSTR_LEN(j->env_from)
		&& !smtp_address_valid(ZSTR_VAL(j->env_from), ZSTR_LEN(j->env_from), 1, NULL)) {
		php_error_docref(NULL, E_WARNING, "additional_params: -f \"%s\" is not a valid address", ZSTR_VAL(j->env_from));
		return false;
	}
	if (!j->env_from) {
		j->env_from = zend_string_copy(j->from_addr);
	}
	/* the body: long lines transfer-encoded rather than refused */
	if (longest_line(ZSTR_VAL(j->message), ZSTR_LEN(j->message)) > SMTP_MAX_TEXT_LINE) {
		j->body = encode_long_lines(j->message, &j->h, &j->add_cte);
		return j->body != NULL;
	}
	j->body = zend_string_copy(j->message);
	return true;
}

/* Date, Message-ID and From when the caller gave none. */
static bool write_missing_fields(mail_job *j, smart_str *raw)
{
	if (!j->have_date) {
		zend_string *date = php_format_date("D, d M Y H:i:s O", sizeof("D, d M Y H:i:s O") - 1, time(NULL), 1);
		smart_str_appends(raw, "Date: ");
		smart_str_append(raw, date);
		smart_str_appends(raw, "\r\n");
		zend_string_release(date);
	}
	if (!j->have_msgid) {
		unsigned char rnd[16];
		const char *at = zend_memrchr(ZSTR_VAL(j->from_addr), '@', ZSTR_LEN(j->from_addr));
		static const char hex[] = "0123456789abcdef";
		size_t i, dl = at ? ZSTR_LEN(j->from_addr) - (size_t)(at + 1 - ZSTR_VAL(j->from_addr)) : 0;
		smtp_php_random(NULL, rnd, sizeof(rnd));
		smart_str_appends(raw, "Message-ID: <");
		for (i = 0; i < sizeof(rnd); i++) {
			smart_str_appendc(raw, hex[rnd[i] >> 4]);
			smart_str_appendc(raw, hex[rnd[i] & 15]);
		}
		smart_str_appendc(raw, '@');
		if (at && smtp_is_ascii(at + 1, dl)) {
			smart_str_appendl(raw, at + 1, dl);
		} else {
			smart_str_append(raw, smtp_default_helo());
		}
		smart_str_appends(raw, ">\r\n");
	}
	if (!j->have_from) {
		/* the setting as written, display name included */
		zend_string *name = zend_string_init("From", 4, 0), *v = zend_string_init(j->from_setting, strlen(j->from_setting), 0);
		bool wrote = write_field(raw, name, v);
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
		wrote = write_field(raw, name, j->to_value.s);
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
		wrote = write_field(raw, name, j->subject_line);
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
		if (is(j->h.items[i].name, "Bcc") || is(j->h.items[i].name, "To")
			|| (j->add_cte && is(j->h.items[i].name, "Content-Transfer-Encoding"))) {
			continue;
		}
		if (!write_field(&raw, j->h.items[i].name, j->h.items[i].value)) {
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

/* The send: a client configured by the smtp.* settings through the option table's checks (see README);
 * whatever stops it is a warning, as with mail(). */
static bool job_send(mail_job *j)
{
	zval client_zv, result;
	smtp_client_obj *c;
	zend_string **rcpts;
	bool ok = false;
	uint32_t i;

	object_init_ex(&client_zv, smtp_ce_Smtp);
	c = smtp_client_from_obj(Z_OBJ(client_zv));
	if (smtp_options_from_ini(c) != SUCCESS) {
		exception_to_warning();
		zval_ptr_dtor(&client_zv);
		return false;
	}
	if (!smtp_dkim_ini_attach(c)) {
		zval_ptr_dtor(&client_zv);
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
	smtp_client_quit(c);
	zval_ptr_dtor(&client_zv);
	return ok;
}

bool smtp_mail_impl(zend_string *to, zend_string *subject, zend_string *message, HashTable *headers_ht,
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

void smtp_mail_override_install(void)
{
	zend_function *fn = zend_hash_str_find_ptr(CG(function_table), "mail", sizeof("mail") - 1);
	if (fn && fn->type == ZEND_INTERNAL_FUNCTION) {
		/* same signature as smtp_mail(); its arginfo stays mail()'s */
		fn->internal_function.handler = ZEND_FN(smtp_mail);
	}
}
