/*
 * smtp_mail_args.c - mail()'s own rules for its arguments, as smtp_mail() and the mail() override apply
 * them: To and Subject cleaned as mail() does, the additional headers checked as mail() checks them and
 * read with the shared reader (smtp_headers.h) the way sendmail -t reads them, the recipients of an address
 * field (group syntax included), and the envelope sender of additional_params. Problems are warnings, as
 * with mail().
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"

#include "smtp_mail_args.h"
#include "smtp_address.h"
#include "smtp_headers.h"

/*
 * To and Subject as mail() writes them: trailing white space dropped, control characters made spaces,
 * a fold (CRLF followed by white space) kept. Returned unfolded: the header writer folds again.
 */
zend_string *smtp_mail_clean_line(zend_string *in)
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
bool smtp_mail_headers_malformed(const char *h)
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

/* One field of the block: the name without the white space before the colon, the value trimmed. */
static void headers_push(smtp_mail_headers *h, zend_string *line)
{
	const char *n, *v;
	size_t nl, vl;
	smtp_header_split(ZSTR_VAL(line), ZSTR_LEN(line), &n, &nl, &v, &vl);
	while (nl && (n[nl - 1] == ' ' || n[nl - 1] == '\t')) {
		nl--;
	}
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) {
		vl--;
	}
	if (h->count == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->items = safe_erealloc(h->items, h->cap, sizeof(*h->items), 0);
	}
	h->items[h->count].name = zend_string_init(n, nl, 0);
	h->items[h->count].value = zend_string_init(v, vl, 0);
	h->count++;
}

void smtp_mail_headers_free(smtp_mail_headers *h)
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

void smtp_mail_headers_parse(smtp_mail_headers *h, const char *s, size_t len, size_t *body_at)
{
	smtp_header_reader r;
	smtp_header_event ev;
	*body_at = len;
	smtp_header_reader_init(&r, s, len);
	while ((ev = smtp_header_next(&r)) != SMTP_HEADER_END) {
		if (ev != SMTP_HEADER_FIELD) {
			/* an empty line, or a fold with nothing to continue: the body starts there (the field still
			 * pending is reported next, and a line before it that is no field moves the start up) */
			*body_at = r.at;
			continue;
		}
		if (!smtp_header_starts_field(ZSTR_VAL(r.line), r.first_len)) {
			*body_at = r.at;
			break;
		}
		headers_push(h, r.line);
	}
	smtp_header_reader_free(&r);
}

/*
 * The mailboxes of an address field as sendmail -t reads them: comma-separated, group syntax
 * ("team: a@example.com, b@example.com;" or "undisclosed-recipients:;") gives its members, empty items
 * are skipped. A bad address is a warning naming the field.
 */
bool smtp_mail_collect_addresses(const char *field, const char *s, size_t len, smtp_php_mailbox_list *out)
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

/* "-f addr" / "-faddr" in mail()'s additional_params: the envelope sender. */
zend_string *smtp_mail_envelope_from(zend_string *params)
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
