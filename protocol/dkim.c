/*
 * dkim.c - DKIM canonicalization and hashing (RFC 6376 3.4, 3.5, 3.7; RFC 8463): everything of a
 * signature but the private-key operation, which the caller does on smtp_dkim_digest() (see smtp_dkim.h).
 *
 * The body is hashed as it streams through the sink, so a large attachment is never held; the header
 * section alone is kept (it is needed whole: h= picks fields from the bottom up).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_dkim.h"
#include "smtp_mime.h"

const char *const smtp_dkim_oversigned_headers[] = {
	"From", "To", "Subject", "Date", "Message-ID", NULL
};

const char *const smtp_dkim_default_headers[] = {
	"From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding", "List-Id", "List-Unsubscribe",
	"List-Unsubscribe-Post", NULL
};

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int equal_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;
	if (alen != blen) {
		return 0;
	}
	for (i = 0; i < alen; i++) {
		if (lower(a[i]) != lower(b[i])) {
			return 0;
		}
	}
	return 1;
}

/* ---- parameters --------------------------------------------------------------------------------- */

/* A domain name or selector: dot-separated labels of letters, digits, '-' and '_' (RFC 6376 3.1). */
static int name_ok(const char *s)
{
	size_t i, label = 0, len = s ? strlen(s) : 0;
	if (len == 0 || len > 253) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (label == 0) {
				return 0;
			}
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			return 0;
		}
		if (++label > 63) {
			return 0;
		}
	}
	return label > 0;
}

/* host is domain or one of its subdomains */
static int within(const char *host, size_t hlen, const char *domain, size_t dlen)
{
	if (hlen == dlen) {
		return equal_nocase(host, hlen, domain, dlen);
	}
	return hlen > dlen && host[hlen - dlen - 1] == '.' && equal_nocase(host + hlen - dlen, dlen, domain, dlen);
}

int smtp_dkim_check_params(const smtp_dkim_params *p, char *why, size_t whylen)
{
	const char *at;
	size_t i;

	if (p->algorithm != SMTP_DKIM_RSA_SHA256 && p->algorithm != SMTP_DKIM_ED25519_SHA256) {
		snprintf(why, whylen, "algorithm must be \"rsa-sha256\" or \"ed25519-sha256\"");
		return -1;
	}
	if (!name_ok(p->domain)) {
		snprintf(why, whylen, "domain must be an ASCII domain name (A-labels)");
		return -1;
	}
	if (!name_ok(p->selector)) {
		snprintf(why, whylen, "selector must be dot-separated labels of letters, digits, '-' and '_'");
		return -1;
	}
	if (p->identity) {
		/* i= is [local-part] "@" domain, within d= (RFC 6376 3.5); kept to printable ASCII without ';' and
		 * white space, so it needs no quoted-printable */
		for (i = 0; p->identity[i]; i++) {
			unsigned char c = (unsigned char)p->identity[i];
			if (c <= ' ' || c >= 127 || c == ';') {
				snprintf(why, whylen, "identity must be printable ASCII without ';' or white space");
				return -1;
			}
		}
		at = strrchr(p->identity, '@');
		if (!at || !within(at + 1, strlen(at + 1), p->domain, strlen(p->domain))) {
			snprintf(why, whylen, "identity must be \"@domain\" or \"user@domain\" with the signing domain or one "
				"of its subdomains");
			return -1;
		}
	}
	if (p->headers) {
		const char *s = p->headers;
		int from = 0;
		while (*s) {
			const char *e = strchr(s, ':');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			if (n == 0) {
				snprintf(why, whylen, "headers must not contain an empty name");
				return -1;
			}
			for (i = 0; i < n; i++) {
				unsigned char c = (unsigned char)s[i];
				if (c <= ' ' || c >= 127) {
					snprintf(why, whylen, "headers must be field names (printable ASCII)");
					return -1;
				}
			}
			if (equal_nocase(s, n, "From", 4)) {
				from = 1;
			}
			s += n;
			if (*s == ':') {
				s++;
				if (!*s) {
					snprintf(why, whylen, "headers must not contain an empty name");
					return -1;
				}
			}
		}
		if (!from) {
			snprintf(why, whylen, "headers must include From (RFC 6376 5.4)");
			return -1;
		}
	}
	return 0;
}

/* ---- body canonicalization (RFC 6376 3.4.3, 3.4.4), streamed ------------------------------------- */

void smtp_dkim_body_init(smtp_dkim_body *b, smtp_dkim_canon canon)
{
	memset(b, 0, sizeof(*b));
	smtp_sha256_init(&b->hash);
	b->canon = canon;
}

smtp_status smtp_dkim_body_init_ex(smtp_dkim_body *b, smtp_dkim_canon canon, const smtp_hash_ops *ops)
{
	smtp_dkim_body_init(b, canon);
	if (ops) {
		b->ext = ops->create();
		if (!b->ext) {
			return SMTP_ERR_NOMEM;
		}
		b->ops = ops;
	}
	return SMTP_OK;
}

void smtp_dkim_body_discard(smtp_dkim_body *b)
{
	if (b->ops && b->ext) {
		b->ops->discard(b->ext);
	}
	b->ext = NULL;
	b->ops = NULL;
}

static void body_hash(smtp_dkim_body *b, const void *data, size_t len)
{
	if (b->ops) {
		b->ops->update(b->ext, data, len);
	} else {
		smtp_sha256_update(&b->hash, data, len);
	}
}

static void body_out(smtp_dkim_body *b, const char *s, size_t n)
{
	if (b->out_len + n > sizeof(b->out)) {
		body_hash(b, b->out, b->out_len);
		b->out_len = 0;
	}
	if (n > sizeof(b->out)) {
		body_hash(b, s, n);
		return;
	}
	memcpy(b->out + b->out_len, s, n);
	b->out_len += n;
}

/* The next content byte of a line: the empty lines before it were not trailing after all. */
static void body_content(smtp_dkim_body *b, const char *s, size_t n)
{
	while (b->empty_lines) {
		body_out(b, "\r\n", 2);
		b->empty_lines--;
	}
	if (b->in_wsp) {
		body_out(b, " ", 1);
		b->in_wsp = 0;
	}
	body_out(b, s, n);
	b->line_has_content = 1;
	b->any = 1;
}

static void body_line_end(smtp_dkim_body *b)
{
	b->in_wsp = 0; /* relaxed: white space at the end of a line goes */
	if (b->line_has_content) {
		body_out(b, "\r\n", 2);
		b->line_has_content = 0;
	} else {
		b->empty_lines++;
	}
}

void smtp_dkim_body_update(smtp_dkim_body *b, const char *data, size_t len)
{
	size_t i = 0;

	while (i < len) {
		char c = data[i];
		size_t j;

		if (b->pending_cr) {
			b->pending_cr = 0;
			if (c == '\n') {
				body_line_end(b);
				i++;
				continue;
			}
			body_content(b, "\r", 1); /* not produced by the DATA encoder, but kept as content */
		}
		if (c == '\r') {
			b->pending_cr = 1;
			i++;
			continue;
		}
		if (b->canon == SMTP_DKIM_RELAXED && is_wsp(c)) {
			b->in_wsp = 1;
			i++;
			continue;
		}
		/* a run of plain bytes in one piece */
		j = i + 1;
		while (j < len && data[j] != '\r' && !(b->canon == SMTP_DKIM_RELAXED && is_wsp(data[j]))) {
			j++;
		}
		body_content(b, data + i, j - i);
		i = j;
	}
}

void smtp_dkim_body_final(smtp_dkim_body *b, unsigned char out[SMTP_SHA256_LEN])
{
	if (b->pending_cr) {
		b->pending_cr = 0;
		body_content(b, "\r", 1);
	}
	if (b->line_has_content) {
		body_out(b, "\r\n", 2); /* an unterminated last line gets its CRLF */
		b->line_has_content = 0;
	}
	if (!b->any && b->canon == SMTP_DKIM_SIMPLE) {
		body_out(b, "\r\n", 2); /* simple: an empty body is one CRLF; relaxed: nothing (RFC 6376 errata 3192) */
	}
	body_hash(b, b->out, b->out_len);
	b->out_len = 0;
	if (b->ops) {
		b->ops->finish(b->ext, out);
		b->ext = NULL;
		b->ops = NULL;
	} else {
		smtp_sha256_final(&b->hash, out);
	}
}

/* ---- header canonicalization (RFC 6376 3.4.1, 3.4.2) ------------------------------------------- */

smtp_status smtp_dkim_canon_header(smtp_buf *out, smtp_dkim_canon canon, const char *field, size_t len)
{
	size_t i, colon, end;
	int wsp = 0, started = 0;

	if (canon == SMTP_DKIM_SIMPLE) {
		return smtp_buf_append(out, field, len);
	}
	for (colon = 0; colon < len && field[colon] != ':'; colon++) {
	}
	end = colon;
	while (end > 0 && is_wsp(field[end - 1])) {
		end--;
	}
	for (i = 0; i < end; i++) {
		char c = lower(field[i]);
		if (smtp_buf_append(out, &c, 1) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
	}
	if (smtp_buf_append(out, ":", 1) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	for (i = colon + 1; i < len; i++) {
		char c = field[i];
		if (c == '\r' || c == '\n') {
			continue; /* unfold */
		}
		if (is_wsp(c)) {
			wsp = 1;
			continue;
		}
		if (wsp && started && smtp_buf_append(out, " ", 1) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
		wsp = 0;
		started = 1;
		if (smtp_buf_append(out, &c, 1) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
	}
	return smtp_buf_append(out, "\r\n", 2);
}

/* ---- the sink of the first pass ----------------------------------------------------------------- */

/* Each body canonicalization is hashed once, whatever the number of signers using it. */
static void body_all(smtp_dkim *d, const char *data, size_t len)
{
	size_t i;
	for (i = 0; i < d->count; i++) {
		if (d->signers[i].body_of == i) {
			smtp_dkim_body_update(&d->signers[i].body, data, len);
		}
	}
}

static smtp_status dkim_sink_write(smtp_sink *sink, const char *data, size_t len)
{
	smtp_dkim *d = (smtp_dkim *)sink;
	size_t from, k;

	if (d->error != SMTP_OK) {
		return d->error;
	}
	if (d->in_body) {
		body_all(d, data, len);
		return SMTP_OK;
	}
	from = d->head.len >= 3 ? d->head.len - 3 : 0;
	if (d->head.len + len > SMTP_DKIM_MAX_HEADER + 4) {
		/* only the part that can still hold the end of the header section */
		size_t room = SMTP_DKIM_MAX_HEADER + 4 - d->head.len;
		len = len < room ? len : room;
	}
	if (smtp_buf_append(&d->head, data, len) != SMTP_OK) {
		return d->error = SMTP_ERR_NOMEM;
	}
	if (d->head.len >= 2 && d->head.data[0] == '\r' && d->head.data[1] == '\n') {
		/* no header field at all: everything is body */
		d->in_body = 1;
		body_all(d, d->head.data + 2, d->head.len - 2);
		d->head.len = 0;
		return SMTP_OK;
	}
	for (k = from; k + 4 <= d->head.len; k++) {
		if (memcmp(d->head.data + k, "\r\n\r\n", 4) == 0) {
			size_t body_at = k + 4;
			d->in_body = 1;
			body_all(d, d->head.data + body_at, d->head.len - body_at);
			d->head.len = k + 2;
			return SMTP_OK;
		}
	}
	if (d->head.len > SMTP_DKIM_MAX_HEADER) {
		snprintf(d->reason, sizeof(d->reason), "the header section is over %d octets: not signed",
			SMTP_DKIM_MAX_HEADER);
		return d->error = SMTP_ERR_INPUT;
	}
	return SMTP_OK;
}

smtp_status smtp_dkim_init(smtp_dkim *d, const smtp_dkim_params *params, size_t count)
{
	return smtp_dkim_init_ex(d, params, count, NULL);
}

smtp_status smtp_dkim_init_ex(smtp_dkim *d, const smtp_dkim_params *params, size_t count, const smtp_hash_ops *ops)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->sink.write = dkim_sink_write;
	smtp_buf_init(&d->head);
	d->error = SMTP_OK;
	d->signers = calloc(count ? count : 1, sizeof(*d->signers));
	if (!d->signers) {
		return SMTP_ERR_NOMEM;
	}
	d->count = count;
	for (i = 0; i < count; i++) {
		size_t k;
		d->signers[i].p = params[i];
		d->signers[i].body_of = i;
		for (k = 0; k < i; k++) {
			if (params[k].body_canon == params[i].body_canon) {
				d->signers[i].body_of = k;
				break;
			}
		}
		smtp_buf_init(&d->signers[i].field);
		if (d->signers[i].body_of == i) {
			if (smtp_dkim_body_init_ex(&d->signers[i].body, params[i].body_canon, ops) != SMTP_OK) {
				d->count = i + 1;
				return SMTP_ERR_NOMEM; /* smtp_dkim_free() cleans up */
			}
		} else {
			smtp_dkim_body_init(&d->signers[i].body, params[i].body_canon);
		}
	}
	return SMTP_OK;
}

void smtp_dkim_free(smtp_dkim *d)
{
	size_t i;
	for (i = 0; i < d->count; i++) {
		smtp_buf_free(&d->signers[i].field);
		smtp_dkim_body_discard(&d->signers[i].body);
	}
	free(d->signers);
	smtp_buf_free(&d->head);
	memset(d, 0, sizeof(*d));
	smtp_buf_init(&d->head);
}

/* ---- the header section ------------------------------------------------------------------------- */

typedef struct field_ref {
	size_t start, len, name_len;
	int used;
} field_ref;

/* Split the header section into fields (a line starting with white space continues the previous one). */
static field_ref *split_fields(const smtp_buf *head, size_t *count)
{
	size_t i = 0, n = 0, cap = 32;
	field_ref *f = malloc(cap * sizeof(*f));

	if (!f) {
		return NULL;
	}
	while (i < head->len) {
		size_t eol = i;
		while (eol + 1 < head->len && !(head->data[eol] == '\r' && head->data[eol + 1] == '\n')) {
			eol++;
		}
		eol = eol + 1 < head->len ? eol + 2 : head->len;
		if (is_wsp(head->data[i]) && n > 0) {
			f[n - 1].len = eol - f[n - 1].start;
		} else {
			size_t k;
			if (n == cap) {
				field_ref *grown = realloc(f, cap * 2 * sizeof(*f));
				if (!grown) {
					free(f);
					return NULL;
				}
				f = grown;
				cap *= 2;
			}
			f[n].start = i;
			f[n].len = eol - i;
			for (k = i; k < eol && head->data[k] != ':'; k++) {
			}
			while (k > i && is_wsp(head->data[k - 1])) {
				k--;
			}
			f[n].name_len = k - i;
			f[n].used = 0;
			n++;
		}
		i = eol;
	}
	*count = n;
	return f;
}

static size_t count_fields(const smtp_buf *head, const field_ref *f, size_t n, const char *name, size_t nlen)
{
	size_t i, c = 0;
	for (i = 0; i < n; i++) {
		if (equal_nocase(head->data + f[i].start, f[i].name_len, name, nlen)) {
			c++;
		}
	}
	return c;
}

static int is_oversigned(const char *name)
{
	size_t i;
	for (i = 0; smtp_dkim_oversigned_headers[i]; i++) {
		if (equal_nocase(name, strlen(name), smtp_dkim_oversigned_headers[i], strlen(smtp_dkim_oversigned_headers[i]))) {
			return 1;
		}
	}
	return 0;
}

/* h= of the default list for this message */
static smtp_status default_h(smtp_buf *h, const smtp_buf *head, const field_ref *f, size_t n)
{
	size_t i, k;
	for (i = 0; smtp_dkim_default_headers[i]; i++) {
		const char *name = smtp_dkim_default_headers[i];
		size_t times = count_fields(head, f, n, name, strlen(name)) + (is_oversigned(name) ? 1 : 0);
		for (k = 0; k < times; k++) {
			if ((h->len && smtp_buf_append(h, ":", 1) != SMTP_OK) || smtp_buf_append_str(h, name) != SMTP_OK) {
				return SMTP_ERR_NOMEM;
			}
		}
	}
	return smtp_buf_terminate(h);
}

/* Append text to the field, folding (CRLF TAB) before it when the line would pass 78 columns. */
static smtp_status fold_append(smtp_buf *out, size_t *column, const char *s, size_t len)
{
	if (*column + len > 78 && *column > 1) {
		if (smtp_buf_append(out, "\r\n\t", 3) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
		*column = 1;
		if (len > 1 && s[0] == ' ') { /* the fold is the separator */
			s++;
			len--;
		}
	}
	*column += len;
	return smtp_buf_append(out, s, len);
}

/* " tag=value;" folded as one piece */
static smtp_status tag_append(smtp_buf *out, size_t *column, const char *tag, const char *value)
{
	smtp_buf piece;
	smtp_status st;
	smtp_buf_init(&piece);
	st = smtp_buf_append_str(&piece, tag);
	if (st == SMTP_OK) st = smtp_buf_append_str(&piece, value);
	if (st == SMTP_OK) st = smtp_buf_append(&piece, ";", 1);
	if (st == SMTP_OK) st = fold_append(out, column, piece.data, piece.len);
	smtp_buf_free(&piece);
	return st;
}

static smtp_status build_field(smtp_dkim_signer *s, const char *h)
{
	char tmp[128];
	char bh[48];
	size_t column = 0, len;
	smtp_buf *out = &s->field;
	const char *p;

	smtp_buf_reset(out);
	len = smtp_base64_encode(s->body_hash, SMTP_SHA256_LEN, bh);
	bh[len] = '\0';
	snprintf(tmp, sizeof(tmp), "DKIM-Signature: v=1; a=%s; c=%s/%s;",
		s->p.algorithm == SMTP_DKIM_ED25519_SHA256 ? "ed25519-sha256" : "rsa-sha256",
		s->p.header_canon == SMTP_DKIM_RELAXED ? "relaxed" : "simple",
		s->p.body_canon == SMTP_DKIM_RELAXED ? "relaxed" : "simple");
	if (fold_append(out, &column, tmp, strlen(tmp)) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	if (tag_append(out, &column, " d=", s->p.domain) != SMTP_OK
		|| tag_append(out, &column, " s=", s->p.selector) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	if (s->p.timestamp >= 0) {
		snprintf(tmp, sizeof(tmp), " t=%lld;", (long long)s->p.timestamp);
		if (fold_append(out, &column, tmp, strlen(tmp)) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
		if (s->p.expire > 0) {
			snprintf(tmp, sizeof(tmp), " x=%lld;", (long long)(s->p.timestamp + s->p.expire));
			if (fold_append(out, &column, tmp, strlen(tmp)) != SMTP_OK) {
				return SMTP_ERR_NOMEM;
			}
		}
	}
	if (s->p.identity && tag_append(out, &column, " i=", s->p.identity) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	/* h= folded after a colon when long */
	if (fold_append(out, &column, " h=", 3) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	p = h;
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
		if (fold_append(out, &column, p, n) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
		p += n;
	}
	if (smtp_buf_append(out, ";", 1) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	column++;
	snprintf(tmp, sizeof(tmp), " bh=%s;", bh);
	if (fold_append(out, &column, tmp, strlen(tmp)) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	/* b= starts a line of its own: the signature follows it, folded, after signing */
	if (smtp_buf_append(out, "\r\n\tb=", 5) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	return smtp_buf_terminate(out);
}

/* Fold's domain: the addr-spec in <> when there is one, else the value; after its last '@'. */
static int from_domain(const smtp_buf *head, const field_ref *f, size_t n, const char **dom, size_t *dlen)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const char *v, *end, *lt, *at = NULL, *q;
		if (!equal_nocase(head->data + f[i].start, f[i].name_len, "From", 4)) {
			continue;
		}
		v = memchr(head->data + f[i].start, ':', f[i].len);
		end = head->data + f[i].start + f[i].len;
		if (!v) {
			return 0;
		}
		lt = NULL;
		for (q = v; q < end; q++) {
			if (*q == '<') {
				lt = q;
			}
		}
		if (lt) {
			v = lt + 1;
			for (q = v; q < end && *q != '>'; q++) {
			}
			end = q;
		}
		for (q = v; q < end; q++) {
			if (*q == '@') {
				at = q;
			}
		}
		if (!at) {
			return 0;
		}
		q = at + 1;
		while (q < end && !is_wsp(*q) && *q != '\r' && *q != '\n' && *q != '>' && *q != ',' && *q != ')') {
			q++;
		}
		*dom = at + 1;
		*dlen = (size_t)(q - (at + 1));
		return *dlen > 0;
	}
	return 0;
}

smtp_status smtp_dkim_finish(smtp_dkim *d)
{
	size_t n = 0, i;
	field_ref *f;

	if (d->error != SMTP_OK) {
		return d->error;
	}
	f = split_fields(&d->head, &n);
	if (!f) {
		return d->error = SMTP_ERR_NOMEM;
	}
	if (count_fields(&d->head, f, n, "From", 4) == 0) {
		free(f);
		snprintf(d->reason, sizeof(d->reason), "the message has no From field: it cannot be DKIM-signed");
		return d->error = SMTP_ERR_INPUT;
	}
	for (i = 0; i < d->count; i++) {
		smtp_dkim_signer *s = &d->signers[i];
		smtp_buf h, canon;
		smtp_sha256 hash;
		const char *p;
		size_t k;
		smtp_status st;

		if (s->body_of == i) {
			smtp_dkim_body_final(&s->body, s->body_hash);
		} else { /* an earlier signer (lower index) already finished it */
			memcpy(s->body_hash, d->signers[s->body_of].body_hash, SMTP_SHA256_LEN);
		}
		smtp_buf_init(&h);
		smtp_buf_init(&canon);
		st = s->p.headers ? smtp_buf_append_str(&h, s->p.headers) : default_h(&h, &d->head, f, n);
		if (st == SMTP_OK) {
			st = smtp_buf_terminate(&h);
		}
		if (st == SMTP_OK) {
			st = build_field(s, h.data);
		}
		/* the header hash: the fields h= names, each from the bottom up, then this field without b='s value
		 * and without its final CRLF (RFC 6376 3.7) */
		for (k = 0; k < n; k++) {
			f[k].used = 0;
		}
		smtp_sha256_init(&hash);
		p = h.data;
		while (st == SMTP_OK && p && *p) {
			const char *e = strchr(p, ':');
			size_t nl = e ? (size_t)(e - p) : strlen(p);
			for (k = n; k-- > 0;) {
				if (!f[k].used && equal_nocase(d->head.data + f[k].start, f[k].name_len, p, nl)) {
					f[k].used = 1;
					smtp_buf_reset(&canon);
					st = smtp_dkim_canon_header(&canon, s->p.header_canon, d->head.data + f[k].start, f[k].len);
					if (st == SMTP_OK) {
						smtp_sha256_update(&hash, canon.data, canon.len);
					}
					break;
				}
			}
			p += nl + (e ? 1 : 0);
		}
		if (st == SMTP_OK) {
			smtp_buf_reset(&canon);
			st = smtp_dkim_canon_header(&canon, s->p.header_canon, s->field.data, s->field.len);
			if (st == SMTP_OK) {
				size_t l = canon.len;
				if (s->p.header_canon == SMTP_DKIM_RELAXED) {
					l -= 2; /* the CRLF canon_header added */
				}
				smtp_sha256_update(&hash, canon.data, l);
			}
		}
		smtp_sha256_final(&hash, s->digest);
		smtp_buf_free(&h);
		smtp_buf_free(&canon);
		if (st != SMTP_OK) {
			free(f);
			return d->error = st;
		}
	}
	free(f);
	return SMTP_OK;
}

const unsigned char *smtp_dkim_digest(const smtp_dkim *d, size_t i)
{
	return d->signers[i].digest;
}

smtp_status smtp_dkim_set_signature(smtp_dkim *d, size_t i, const unsigned char *sig, size_t len)
{
	smtp_dkim_signer *s = &d->signers[i];
	size_t b64len = 4 * ((len + 2) / 3), k;
	char *b64 = malloc(b64len + 1);
	smtp_status st = SMTP_OK;

	if (!b64) {
		return SMTP_ERR_NOMEM;
	}
	smtp_base64_encode(sig, len, b64);
	/* "\tb=" is 3 columns; then lines of 72 characters at most */
	for (k = 0; k < b64len && st == SMTP_OK; k += 72) {
		size_t n = b64len - k < 72 ? b64len - k : 72;
		if (k > 0) {
			st = smtp_buf_append(&s->field, "\r\n\t ", 4);
		}
		if (st == SMTP_OK) {
			st = smtp_buf_append(&s->field, b64 + k, n);
		}
	}
	free(b64);
	if (st == SMTP_OK) {
		st = smtp_buf_append(&s->field, "\r\n", 2);
	}
	return st == SMTP_OK ? smtp_buf_terminate(&s->field) : st;
}

const char *smtp_dkim_field(const smtp_dkim *d, size_t i, size_t *len)
{
	*len = d->signers[i].field.len;
	return d->signers[i].field.data;
}

size_t smtp_dkim_field_size(const smtp_dkim *d, size_t i, size_t sig_len)
{
	size_t b64len = 4 * ((sig_len + 2) / 3);
	size_t lines = b64len ? (b64len + 71) / 72 : 1;
	return d->signers[i].field.len + b64len + (lines - 1) * 4 + 2;
}

int smtp_dkim_aligned(const smtp_dkim *d, size_t i)
{
	size_t n = 0, dlen = strlen(d->signers[i].p.domain), flen = 0;
	const char *dom = NULL;
	field_ref *f = split_fields(&d->head, &n);
	int ok = 0;

	if (f && from_domain(&d->head, f, n, &dom, &flen)) {
		ok = within(dom, flen, d->signers[i].p.domain, dlen) || within(d->signers[i].p.domain, dlen, dom, flen);
	}
	free(f);
	return ok;
}
