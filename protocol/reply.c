/*
 * reply.c - the reply parser (RFC 5321 4.2) and the EHLO capability parser.
 *
 * A reply is one or more lines "ddd-text" ending with "ddd text" (or a bare "ddd"), every line with the
 * same code. We are strict where leniency would let a hostile server confuse us (bare LF, mixed codes,
 * a first digit outside 2-5) and bounded where it could exhaust memory (line, line count and total size).
 */
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"

#define REPLY_MAX_TOTAL (128 * 1024)

void smtp_reply_parser_init(smtp_reply_parser *p)
{
	memset(p, 0, sizeof(*p));
	smtp_buf_init(&p->reply.text);
	smtp_buf_init(&p->line);
}

void smtp_reply_parser_free(smtp_reply_parser *p)
{
	smtp_buf_free(&p->reply.text);
	smtp_buf_free(&p->line);
}

void smtp_reply_parser_reset(smtp_reply_parser *p)
{
	smtp_buf_reset(&p->reply.text);
	smtp_buf_reset(&p->line);
	p->reply.code = 0;
	p->reply.enhanced[0] = '\0';
	p->reply.lines = 0;
	p->first_code = 0;
	p->done = 0;
	p->error[0] = '\0';
}

static smtp_status parser_fail(smtp_reply_parser *p, const char *why)
{
	size_t n = strlen(why);
	if (n >= sizeof(p->error)) {
		n = sizeof(p->error) - 1;
	}
	memcpy(p->error, why, n);
	p->error[n] = '\0';
	return SMTP_ERR_PROTOCOL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "x.y.z" at the start of text, class digit equal to the reply's first digit (RFC 3463 2). */
static void parse_enhanced(smtp_reply *r, const char *text, size_t len)
{
	size_t i = 0, n, part;

	if (len < 5 || text[0] != '0' + r->code / 100 || text[1] != '.') {
		return;
	}
	i = 2;
	for (part = 0; part < 2; part++) {
		n = 0;
		while (i < len && is_digit(text[i]) && n < 3) {
			i++;
			n++;
		}
		if (n == 0 || (i < len && is_digit(text[i]))) {
			return;
		}
		if (part == 0) {
			if (i >= len || text[i] != '.') {
				return;
			}
			i++;
		}
	}
	if (i < len && text[i] != ' ') {
		return;
	}
	if (i < sizeof(r->enhanced)) {
		memcpy(r->enhanced, text, i);
		r->enhanced[i] = '\0';
	}
}

/* One complete line (without CRLF) of the current reply. */
static smtp_status parser_take_line(smtp_reply_parser *p)
{
	const char *l = p->line.data ? p->line.data : "";
	size_t len = p->line.len;
	int code, last;

	if (len < 3 || !is_digit(l[0]) || !is_digit(l[1]) || !is_digit(l[2])) {
		return parser_fail(p, "reply line does not start with a 3-digit code");
	}
	if (l[0] < '2' || l[0] > '5' || l[1] > '5') {
		return parser_fail(p, "reply code out of range");
	}
	if (len > 3 && l[3] != ' ' && l[3] != '-') {
		return parser_fail(p, "reply code not followed by space or hyphen");
	}
	code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	last = len == 3 || l[3] == ' ';
	if (p->reply.lines == 0) {
		p->first_code = code;
	} else if (code != p->first_code) {
		return parser_fail(p, "reply lines with different codes");
	}
	if (p->reply.lines >= SMTP_MAX_REPLY_LINES) {
		return parser_fail(p, "reply has too many lines");
	}
	if (p->reply.text.len + len + 1 > REPLY_MAX_TOTAL) {
		return parser_fail(p, "reply too long");
	}
	if (p->reply.lines > 0 && smtp_buf_append(&p->reply.text, "\n", 1) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	if (smtp_buf_append(&p->reply.text, l, len) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	p->reply.lines++;
	if (last) {
		p->reply.code = code;
		p->reply.enhanced[0] = '\0';
		if (p->want_enhanced && len > 4) {
			parse_enhanced(&p->reply, l + 4, len - 4);
		}
		p->done = 1;
	}
	smtp_buf_reset(&p->line);
	return SMTP_OK;
}

smtp_status smtp_reply_parser_feed(smtp_reply_parser *p, const char *data, size_t len, size_t *used)
{
	size_t i = 0;
	smtp_status st;

	*used = 0;
	if (p->done) {
		return SMTP_OK;
	}
	while (i < len) {
		const char *lf;
		size_t chunk;
		lf = memchr(data + i, '\n', len - i);
		chunk = lf ? (size_t)(lf - (data + i)) : len - i;
		if (p->line.len + chunk > SMTP_MAX_REPLY_LINE + 1) {
			*used = i;
			return parser_fail(p, "reply line longer than 8192 bytes");
		}
		if (smtp_buf_append(&p->line, data + i, chunk) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
		i += chunk;
		if (!lf) {
			break;
		}
		i++; /* the LF */
		if (p->line.len == 0 || p->line.data[p->line.len - 1] != '\r') {
			*used = i;
			return parser_fail(p, "reply line ends with a bare LF");
		}
		p->line.len--; /* drop the CR */
		if (memchr(p->line.data, '\r', p->line.len) || memchr(p->line.data, '\0', p->line.len)) {
			*used = i;
			return parser_fail(p, "reply line contains CR or NUL");
		}
		if (p->line.len > SMTP_MAX_REPLY_LINE) {
			*used = i;
			return parser_fail(p, "reply line longer than 8192 bytes");
		}
		st = parser_take_line(p);
		if (st != SMTP_OK) {
			*used = i;
			return st;
		}
		if (p->done) {
			break;
		}
	}
	*used = i;
	return SMTP_OK;
}

/* ---- EHLO capabilities ---------------------------------------------------------------------------- */

void smtp_capabilities_free(smtp_capabilities *caps)
{
	size_t i;
	for (i = 0; i < caps->count; i++) {
		free(caps->items[i].keyword);
		free(caps->items[i].param);
	}
	free(caps->items);
	memset(caps, 0, sizeof(*caps));
}

static char ascii_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static int ascii_ieq(const char *a, const char *b)
{
	while (*a && *b) {
		if (ascii_upper(*a) != ascii_upper(*b)) {
			return 0;
		}
		a++;
		b++;
	}
	return *a == *b;
}

static char *dup_range(const char *s, size_t len)
{
	char *d = malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* Does the space-separated list contain word (any case)? */
static int list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;
	while (*p) {
		size_t n;
		while (*p == ' ') {
			p++;
		}
		n = 0;
		while (p[n] && p[n] != ' ') {
			n++;
		}
		if (n == wl) {
			size_t k;
			for (k = 0; k < n && ascii_upper(p[k]) == ascii_upper(word[k]); k++) {
			}
			if (k == n) {
				return 1;
			}
		}
		p += n;
	}
	return 0;
}

static void note_capability(smtp_capabilities *caps, const char *kw, const char *param)
{
	if (!strcmp(kw, "PIPELINING")) {
		caps->pipelining = 1;
	} else if (!strcmp(kw, "CHUNKING")) {
		caps->chunking = 1;
	} else if (!strcmp(kw, "STARTTLS")) {
		caps->starttls = 1;
	} else if (!strcmp(kw, "8BITMIME")) {
		caps->eightbitmime = 1;
	} else if (!strcmp(kw, "SMTPUTF8")) {
		caps->smtputf8 = 1;
	} else if (!strcmp(kw, "REQUIRETLS")) {
		caps->requiretls = 1;
	} else if (!strcmp(kw, "DSN")) {
		caps->dsn = 1;
	} else if (!strcmp(kw, "ENHANCEDSTATUSCODES")) {
		caps->enhanced = 1;
	} else if (!strcmp(kw, "SIZE")) {
		uint64_t v = 0;
		const char *d = param;
		caps->size_advertised = 1;
		while (*d >= '0' && *d <= '9' && v < UINT64_C(1) << 60) {
			v = v * 10 + (uint64_t)(*d - '0');
			d++;
		}
		caps->size_limit = v;
	} else if (!strcmp(kw, "AUTH")) {
		size_t i, n;
		const smtp_auth_mechanism *m = smtp_auth_mechanisms(&n);
		for (i = 0; i < n; i++) {
			if (list_has(param, m[i].name)) {
				caps->auth_offered |= 1u << m[i].mech;
			}
		}
	}
}

smtp_status smtp_capabilities_parse(smtp_capabilities *caps, const char *text, size_t len)
{
	size_t pos = 0;
	int first = 1;

	smtp_capabilities_free(caps);
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		size_t k = 4, kw_end;
		pos += ll + (nl ? 1 : 0);
		if (first) { /* "250-domain greeting" */
			first = 0;
			continue;
		}
		if (ll <= 4) {
			continue;
		}
		kw_end = k;
		while (kw_end < ll && line[kw_end] != ' ' && line[kw_end] != '=') {
			kw_end++;
		}
		if (kw_end == k) {
			continue;
		}
		{
			smtp_capability *grown;
			char *kw, *param;
			size_t i, ps = kw_end < ll ? kw_end + 1 : ll;
			kw = dup_range(line + k, kw_end - k);
			param = dup_range(line + ps, ll - ps);
			grown = realloc(caps->items, (caps->count + 1) * sizeof(*caps->items));
			if (!kw || !param || !grown) {
				free(kw);
				free(param);
				if (grown) {
					caps->items = grown;
				}
				return SMTP_ERR_NOMEM;
			}
			for (i = 0; kw[i]; i++) {
				kw[i] = ascii_upper(kw[i]);
			}
			caps->items = grown;
			caps->items[caps->count].keyword = kw;
			caps->items[caps->count].param = param;
			caps->count++;
			note_capability(caps, kw, param);
		}
	}
	return SMTP_OK;
}

const char *smtp_capability_param(const smtp_capabilities *caps, const char *keyword)
{
	size_t i;
	for (i = 0; i < caps->count; i++) {
		if (ascii_ieq(caps->items[i].keyword, keyword)) {
			return caps->items[i].param;
		}
	}
	return NULL;
}

int smtp_capabilities_offer_auth(const smtp_capabilities *caps, smtp_auth_mech mech)
{
	return mech != SMTP_AUTH_AUTO && (caps->auth_offered & (1u << mech)) != 0;
}
