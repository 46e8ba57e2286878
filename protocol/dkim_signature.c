/*
 * dkim_signature.c - the DKIM-Signature field (RFC 6376 3.5): the header fields h= names, picked from
 * the bottom up with over-signing, the tags folded at 78 columns, and the signature set by the caller.
 */
#include "dkim_internal.h"

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
		if (dkim_is_wsp(head->data[i]) && n > 0) {
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
			while (k > i && dkim_is_wsp(head->data[k - 1])) {
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
		if (dkim_equal_nocase(head->data + f[i].start, f[i].name_len, name, nlen)) {
			c++;
		}
	}
	return c;
}

/* "name:" n times */
static smtp_status append_names(smtp_buf *h, const char *name, size_t len, size_t n)
{
	while (n--) {
		if ((h->len && smtp_buf_append(h, ":", 1) != SMTP_OK) || smtp_buf_append(h, name, len) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
	}
	return SMTP_OK;
}

/* How many times the first list_len octets of a ':'-separated list name name (any case). */
static size_t count_named(const char *list, size_t list_len, const char *name, size_t nlen)
{
	size_t c = 0, i = 0;
	while (i < list_len) {
		const char *e = memchr(list + i, ':', list_len - i);
		size_t l = e ? (size_t)(e - (list + i)) : list_len - i;
		if (dkim_equal_nocase(list + i, l, name, nlen)) {
			c++;
		}
		i += l + 1;
	}
	return c;
}

/*
 * h= for this message, over-signed: every field the list names is signed once more than the message has
 * it (the extra names select a field that is not there, RFC 6376 5.4.2), so a receiver that finds one
 * more of them (an added Reply-To, Cc, List-Id...) fails the signature. The default list: each field as
 * many times as present plus one. A list given by the caller: as given, then each field it names as many
 * more times as it takes to reach present plus one.
 */
static smtp_status signed_h(smtp_buf *h, const smtp_buf *head, const field_ref *f, size_t n, const char *given)
{
	size_t i;
	if (!given) {
		for (i = 0; smtp_dkim_default_headers[i]; i++) {
			const char *name = smtp_dkim_default_headers[i];
			size_t len = strlen(name);
			if (append_names(h, name, len, count_fields(head, f, n, name, len) + 1) != SMTP_OK) {
				return SMTP_ERR_NOMEM;
			}
		}
		return smtp_buf_terminate(h);
	}
	if (smtp_buf_append_str(h, given) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	for (i = 0; given[i];) {
		const char *name = given + i, *e = strchr(name, ':');
		size_t len = e ? (size_t)(e - name) : strlen(name), named, want;
		/* each name once, at its first place in the list */
		int first = count_named(given, i, name, len) == 0;
		named = count_named(given, strlen(given), name, len);
		want = count_fields(head, f, n, name, len) + 1;
		if (first && want > named && append_names(h, name, len, want - named) != SMTP_OK) {
			return SMTP_ERR_NOMEM;
		}
		i += len + (e ? 1 : 0);
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
			/* both are at most INT64_MAX here: their sum fits 64 unsigned bits, never a signed overflow */
			snprintf(tmp, sizeof(tmp), " x=%llu;", (unsigned long long)s->p.timestamp + (unsigned long long)s->p.expire);
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
		if (!dkim_equal_nocase(head->data + f[i].start, f[i].name_len, "From", 4)) {
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
		while (q < end && !dkim_is_wsp(*q) && *q != '\r' && *q != '\n' && *q != '>' && *q != ',' && *q != ')') {
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
		st = signed_h(&h, &d->head, f, n, s->p.headers);
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
				if (!f[k].used && dkim_equal_nocase(d->head.data + f[k].start, f[k].name_len, p, nl)) {
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
		ok = dkim_within(dom, flen, d->signers[i].p.domain, dlen) || dkim_within(d->signers[i].p.domain, dlen, dom, flen);
	}
	free(f);
	return ok;
}
