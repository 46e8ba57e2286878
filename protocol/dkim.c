/*
 * dkim.c - DKIM canonicalization and hashing (RFC 6376 3.4, 3.5, 3.7; RFC 8463): everything of a
 * signature but the private-key operation, which the caller does on smtp_dkim_digest() (see smtp_dkim.h).
 *
 * The body is hashed as it streams through the sink, so a large attachment is never held; the header
 * section alone is kept (it is needed whole: h= picks fields from the bottom up). The fields of the
 * signature itself are chosen and written in dkim_signature.c.
 */
#include "dkim_internal.h"

const char *const smtp_dkim_default_headers[] = {
	"From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding", "List-Id", "List-Unsubscribe",
	"List-Unsubscribe-Post", NULL
};

int dkim_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int dkim_equal_nocase(const char *a, size_t alen, const char *b, size_t blen)
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
int dkim_within(const char *host, size_t hlen, const char *domain, size_t dlen)
{
	if (hlen == dlen) {
		return dkim_equal_nocase(host, hlen, domain, dlen);
	}
	return hlen > dlen && host[hlen - dlen - 1] == '.' && dkim_equal_nocase(host + hlen - dlen, dlen, domain, dlen);
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
		if (!at || !dkim_within(at + 1, strlen(at + 1), p->domain, strlen(p->domain))) {
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
			if (dkim_equal_nocase(s, n, "From", 4)) {
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
		if (b->canon == SMTP_DKIM_RELAXED && dkim_is_wsp(c)) {
			b->in_wsp = 1;
			i++;
			continue;
		}
		/* a run of plain bytes in one piece */
		j = i + 1;
		while (j < len && data[j] != '\r' && !(b->canon == SMTP_DKIM_RELAXED && dkim_is_wsp(data[j]))) {
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
	while (end > 0 && dkim_is_wsp(field[end - 1])) {
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
		if (dkim_is_wsp(c)) {
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
	size_t from, k, kept;

	if (d->error != SMTP_OK) {
		return d->error;
	}
	if (d->in_body) {
		body_all(d, data, len);
		return SMTP_OK;
	}
	from = d->head.len >= 3 ? d->head.len - 3 : 0;
	kept = len;
	if (d->head.len + len > SMTP_DKIM_MAX_HEADER + 4) {
		/* only the part that can still hold the end of the header section */
		size_t room = SMTP_DKIM_MAX_HEADER + 4 - d->head.len;
		kept = len < room ? len : room;
	}
	if (smtp_buf_append(&d->head, data, kept) != SMTP_OK) {
		return d->error = SMTP_ERR_NOMEM;
	}
	if (d->head.len >= 2 && d->head.data[0] == '\r' && d->head.data[1] == '\n') {
		/* no header field at all: everything is body */
		d->in_body = 1;
		body_all(d, d->head.data + 2, d->head.len - 2);
		body_all(d, data + kept, len - kept);
		d->head.len = 0;
		return SMTP_OK;
	}
	for (k = from; k + 4 <= d->head.len; k++) {
		if (memcmp(d->head.data + k, "\r\n\r\n", 4) == 0) {
			size_t body_at = k + 4;
			d->in_body = 1;
			body_all(d, d->head.data + body_at, d->head.len - body_at);
			body_all(d, data + kept, len - kept); /* what the cap kept out of the header buffer is body too */
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
