/*
 * test_mime.c - unit tests of the input checks (check.c), the encoders (encode.c) and the MIME writer
 * (mime.c). No PHP, no network.
 *
 * Messages are checked the way a receiver would see them: a small MIME reader below splits them at their
 * boundaries and decodes base64, quoted-printable and RFC 2047 words, so a test states what comes out,
 * not how the writer happens to format it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"
#include "smtp_mime.h"
#include "test.h"

/* ---- helpers -------------------------------------------------------------------------------------------- */

#define CHECK_STATUS(expr, want) \
	do { \
		smtp_status check_status_ = (expr); \
		char check_what_[64]; \
		snprintf(check_what_, sizeof check_what_, "got status %d, want %d", (int)check_status_, (int)(want)); \
		CHECK_MSG(check_status_ == (want), check_what_); \
	} while (0)

static smtp_str str(const char *s)
{
	smtp_str r;
	r.s = s;
	r.len = strlen(s);
	return r;
}

static smtp_mailbox mailbox(const char *address, const char *name)
{
	smtp_mailbox mb;
	mb.address = str(address);
	mb.name = str(name != NULL ? name : "");
	return mb;
}

/* Deterministic "random" bytes: a counter-seeded xorshift, so every run writes the same message. */
typedef struct test_random {
	unsigned long state;
	int constant; /* always the same bytes, to force boundary collisions */
} test_random;

static void random_bytes(void *ctx, unsigned char *buf, size_t len)
{
	test_random *r = ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		if (r->constant) {
			buf[i] = (unsigned char)(i * 7);
			continue;
		}
		r->state ^= (r->state << 13) & 0xFFFFFFFFUL;
		r->state ^= r->state >> 17;
		r->state ^= (r->state << 5) & 0xFFFFFFFFUL;
		buf[i] = (unsigned char)r->state;
	}
}

/* Write m into out with a fresh deterministic random source. */
static smtp_status write_message(const smtp_message *m, smtp_buf *out, char *err, size_t errlen)
{
	test_random r;
	smtp_status st;

	r.state = 12345;
	r.constant = 0;
	smtp_buf_reset(out);
	st = smtp_mime_write(m, &out->sink, random_bytes, &r, err, errlen);
	smtp_buf_terminate(out);
	return st;
}

/* Every line ends in CRLF, no bare CR or LF, no line over max octets, and the text ends with CRLF. */
static int lines_well_formed(const char *s, size_t len, size_t max)
{
	size_t i, line = 0;

	if (len < 2 || s[len - 2] != '\r' || s[len - 1] != '\n') {
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '\r') {
			if (i + 1 >= len || s[i + 1] != '\n') {
				return 0;
			}
			if (line > max) {
				return 0;
			}
			line = 0;
			i++;
		} else if (s[i] == '\n') {
			return 0;
		} else {
			line++;
		}
	}
	return 1;
}

/* Longest line (without CRLF) in s[0..len). */
static size_t longest_line(const char *s, size_t len)
{
	size_t i, line = 0, longest = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			line = 0;
		} else if (++line > longest) {
			longest = line;
		}
	}
	return longest;
}

static const char *find_bytes(const char *hay, size_t hay_len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= hay_len && i <= hay_len - n; i++) {
		if (memcmp(hay + i, needle, n) == 0) {
			return hay + i;
		}
	}
	return NULL;
}

static size_t count_occurrences(const char *hay, size_t hay_len, const char *needle)
{
	size_t count = 0, n = strlen(needle);
	const char *p = hay;

	while ((p = find_bytes(p, hay_len - (size_t)(p - hay), needle)) != NULL) {
		count++;
		p += n;
	}
	return count;
}

/* Body bytes with every line end made CRLF, as the writer should send them. */
static void normalize_line_ends(const char *s, size_t len, smtp_buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			smtp_buf_append(out, "\r\n", 2);
			if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
				i++;
			}
		} else {
			smtp_buf_append(out, s + i, 1);
		}
	}
	smtp_buf_terminate(out);
}

/* ---- a small MIME reader, for the assertions -------------------------------------------------------------- */

typedef struct span {
	const char *s;
	size_t len;
} span;

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

/* Quoted-printable decoding (RFC 2045 6.7). Returns 0 on a malformed escape. */
static int qp_decode(const char *s, size_t len, smtp_buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] != '=') {
			smtp_buf_append(out, s + i, 1);
		} else if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2; /* soft line break */
		} else if (i + 2 < len && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
			char c = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			smtp_buf_append(out, &c, 1);
			i += 2;
		} else {
			return 0;
		}
	}
	smtp_buf_terminate(out);
	return 1;
}

/* Base64 with CRLF line breaks. Returns 0 when invalid. */
static int base64_lines_decode(const char *s, size_t len, smtp_buf *out)
{
	char *joined = malloc(len + 1);
	unsigned char *bytes = malloc(len + 1);
	size_t i, n = 0, decoded;

	for (i = 0; i < len; i++) {
		if (s[i] != '\r' && s[i] != '\n') {
			joined[n++] = s[i];
		}
	}
	decoded = smtp_base64_decode(joined, n, bytes);
	if (decoded != (size_t)-1) {
		smtp_buf_append(out, (const char *)bytes, decoded);
	}
	smtp_buf_terminate(out);
	free(joined);
	free(bytes);
	return decoded != (size_t)-1;
}

/* The header block and body of an entity. */
static void split_entity(span entity, span *header, span *body)
{
	const char *sep = find_bytes(entity.s, entity.len, "\r\n\r\n");

	if (sep == NULL) {
		*header = entity;
		body->s = entity.s + entity.len;
		body->len = 0;
		return;
	}
	header->s = entity.s;
	header->len = (size_t)(sep - entity.s) + 2;
	body->s = sep + 4;
	body->len = entity.len - header->len - 2;
}

/* The unfolded value of the first field called name (case-sensitive), in out. Returns 0 when absent. */
static int field_value(span header, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name), i = 0, o = 0;

	while (i < header.len) {
		if (header.len - i > n && memcmp(header.s + i, name, n) == 0 && header.s[i + n] == ':') {
			i += n + 1;
			while (i < header.len && header.s[i] == ' ') {
				i++;
			}
			while (i < header.len) {
				if (header.s[i] == '\r' && i + 2 < header.len && (header.s[i + 2] == ' ' || header.s[i + 2] == '\t')) {
					i += 2; /* unfold */
					continue;
				}
				if (header.s[i] == '\r') {
					break;
				}
				if (o + 1 < cap) {
					out[o++] = header.s[i];
				}
				i++;
			}
			out[o] = '\0';
			return 1;
		}
		while (i < header.len && header.s[i] != '\n') {
			i++;
		}
		i++;
	}
	return 0;
}

/* A parameter of a structured value: name="..." or name=token. */
static int parameter(const char *value, const char *name, char *out, size_t cap)
{
	const char *p = value;
	size_t n = strlen(name), o = 0;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == value || p[-1] == ' ' || p[-1] == ';') && p[n] == '=') {
			p += n + 1;
			if (*p == '"') {
				for (p++; *p != '\0' && *p != '"'; p++) {
					if (*p == '\\' && p[1] != '\0') {
						p++;
					}
					if (o + 1 < cap) {
						out[o++] = *p;
					}
				}
			} else {
				for (; *p != '\0' && *p != ';' && *p != ' '; p++) {
					if (o + 1 < cap) {
						out[o++] = *p;
					}
				}
			}
			out[o] = '\0';
			return 1;
		}
		p += n;
	}
	return 0;
}

/* The parts of a multipart body between "--boundary" lines. Returns their count, or -1 if malformed. */
static int split_multipart(span body, const char *boundary, span *parts, int max)
{
	char delimiter[160];
	const char *p, *end = body.s + body.len;
	int count = 0;

	snprintf(delimiter, sizeof delimiter, "--%s\r\n", boundary);
	if (body.len < strlen(delimiter) || memcmp(body.s, delimiter, strlen(delimiter)) != 0) {
		return -1;
	}
	p = body.s + strlen(delimiter);
	snprintf(delimiter, sizeof delimiter, "\r\n--%s", boundary);
	for (;;) {
		const char *next = find_bytes(p, (size_t)(end - p), delimiter);
		if (next == NULL || count >= max) {
			return -1;
		}
		parts[count].s = p;
		parts[count].len = (size_t)(next - p);
		count++;
		p = next + strlen(delimiter);
		if (end - p >= 4 && memcmp(p, "--\r\n", 4) == 0) {
			return p + 4 == end ? count : -1;
		}
		if (end - p < 2 || memcmp(p, "\r\n", 2) != 0) {
			return -1;
		}
		p += 2;
	}
}

/*
 * Describe an entity's structure: "multipart/mixed(text/plain,application/pdf)". Leaf bodies are decoded
 * into leaves[] in order (as many as fit).
 */
typedef struct leaf {
	char type[64];
	char disposition[300];
	char content_id[128];
	char encoding[32];
	smtp_buf decoded;
} leaf;

static void describe(span entity, smtp_buf *out, leaf *leaves, int *leaf_count, int max_leaves)
{
	span header, body;
	char value[1024], type[64], boundary[128];
	size_t i;

	split_entity(entity, &header, &body);
	if (!field_value(header, "Content-Type", value, sizeof value)) {
		strcpy(value, "text/plain");
	}
	for (i = 0; value[i] != '\0' && value[i] != ';' && i + 1 < sizeof type; i++) {
		type[i] = value[i];
	}
	type[i] = '\0';
	smtp_buf_append_str(out, type);
	if (strncmp(type, "multipart/", 10) == 0) {
		span parts[16];
		int n, k;
		if (!parameter(value, "boundary", boundary, sizeof boundary)
			|| (n = split_multipart(body, boundary, parts, 16)) < 0) {
			smtp_buf_append_str(out, "(BROKEN)");
			return;
		}
		smtp_buf_append_str(out, "(");
		for (k = 0; k < n; k++) {
			if (k > 0) {
				smtp_buf_append_str(out, ",");
			}
			describe(parts[k], out, leaves, leaf_count, max_leaves);
		}
		smtp_buf_append_str(out, ")");
	} else if (*leaf_count < max_leaves) {
		leaf *l = &leaves[(*leaf_count)++];
		strcpy(l->type, type);
		if (!field_value(header, "Content-Disposition", l->disposition, sizeof l->disposition)) {
			l->disposition[0] = '\0';
		}
		if (!field_value(header, "Content-ID", l->content_id, sizeof l->content_id)) {
			l->content_id[0] = '\0';
		}
		if (!field_value(header, "Content-Transfer-Encoding", l->encoding, sizeof l->encoding)) {
			strcpy(l->encoding, "7bit");
		}
		smtp_buf_init(&l->decoded);
		if (strcmp(l->encoding, "base64") == 0) {
			if (!base64_lines_decode(body.s, body.len, &l->decoded)) {
				smtp_buf_append_str(out, "[BAD BASE64]");
			}
		} else if (strcmp(l->encoding, "quoted-printable") == 0) {
			if (!qp_decode(body.s, body.len, &l->decoded)) {
				smtp_buf_append_str(out, "[BAD QP]");
			}
		} else {
			smtp_buf_append(&l->decoded, body.s, body.len);
			smtp_buf_terminate(&l->decoded);
		}
	}
}

static void free_leaves(leaf *leaves, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		smtp_buf_free(&leaves[i].decoded);
	}
}

/* Decode an unfolded header value made of RFC 2047 B words only; each word must hold whole characters. */
static int decode_encoded_words(const char *value, const char *charset, smtp_buf *out, size_t *longest_word,
	int *split_character)
{
	const char *p = value;
	char prefix[64];

	snprintf(prefix, sizeof prefix, "=?%s?B?", charset);
	*longest_word = 0;
	*split_character = 0;
	while (*p != '\0') {
		const char *end;
		unsigned char bytes[128];
		size_t n;
		while (*p == ' ') {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		if (strncmp(p, prefix, strlen(prefix)) != 0) {
			return 0;
		}
		end = strstr(p + strlen(prefix), "?=");
		if (end == NULL || (size_t)(end - p) + 2 > sizeof bytes) {
			return 0;
		}
		if ((size_t)(end + 2 - p) > *longest_word) {
			*longest_word = (size_t)(end + 2 - p);
		}
		n = smtp_base64_decode(p + strlen(prefix), (size_t)(end - p) - strlen(prefix), bytes);
		if (n == (size_t)-1) {
			return 0;
		}
		if (strcmp(charset, "UTF-8") == 0 && !smtp_utf8_valid((const char *)bytes, n)) {
			*split_character = 1;
		}
		smtp_buf_append(out, (const char *)bytes, n);
		p = end + 2;
	}
	smtp_buf_terminate(out);
	return 1;
}

/* ---- check.c ------------------------------------------------------------------------------------------------ */

/* "u@" and a domain of domain_len octets in labels of 50. */
static void make_address(char *out, size_t domain_len)
{
	size_t i;

	out[0] = 'u';
	out[1] = '@';
	for (i = 0; i < domain_len; i++) {
		out[2 + i] = i % 51 == 50 ? '.' : 'a';
	}
	out[2 + domain_len] = '\0';
}

static void test_addresses(void)
{
	static const char *const valid[] = {
		"user@example.com",
		"a@b",
		"first.last@sub.example.co.uk",
		"x+tag@example.com",
		"!#$%&'*+-/=?^_`{|}~@example.com",
		"user@[192.168.0.1]",
		"user@[IPv6:2001:db8::1]",
		"user@[ipv6:::1]",
		"user@[IPv6:::ffff:192.0.2.1]",
		"user@[IPv6:1:2:3:4:5:6:7:8]",
		"\"john doe\"@example.com",
		"\"a\\\"b\"@example.com",
		"\"\"@example.com",
		"\"x> ORCPT=rfc822;e@x\"@example.com", /* quoted: goes inside <> verbatim, no extra parameter */
		"user@xn--bcher-kva.example",
		"user@a-b.example",
		"1234567890123456789012345678901234567890123456789012345678901234@example.com", /* 64 octets */
		NULL
	};
	static const char *const invalid[] = {
		"",
		"user",
		"@example.com",
		"user@",
		"a@b.c>\r\nDATA",
		"a@b.c>",
		"\"x\r\nBcc: e@x\"@example.com",
		"\"x\\\r\"@example.com",
		"user@exa mple.com",
		"us er@example.com",
		".user@example.com",
		"user.@example.com",
		"us..er@example.com",
		"a@b@c",
		"user@-example.com",
		"user@example-.com",
		"user@example..com",
		"user@.example.com",
		"user@example.com.",
		"user@exa_mple.com",
		"user@[300.1.1.1]",
		"user@[1.2.3]",
		"user@[IPv6:1::2::3]",
		"user@[IPv6:1:2:3:4:5:6:7]",
		"user@[IPv6:12345::]",
		"user@[tag:foo]",
		"user@[1.2.3.4",
		"\"unclosed@example.com",
		"\"a\"b@example.com",
		"<user@example.com>",
		"user@example.com>",
		"12345678901234567890123456789012345678901234567890123456789012345@example.com", /* 65 octets */
		"us\xc3\xa9r@example.com",      /* UTF-8 not allowed without SMTPUTF8 */
		NULL
	};
	static const char chinese[] = "\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\x85\xac\xe5\x8f\xb8";
	const char *why = NULL;
	char long_label[128], long_address[300];
	size_t i;

	for (i = 0; valid[i] != NULL; i++) {
		int ok = smtp_address_valid(valid[i], strlen(valid[i]), 0, &why);
		CHECK_MSG(ok, valid[i]);
		CHECK(why == NULL);
	}
	for (i = 0; invalid[i] != NULL; i++) {
		why = NULL;
		CHECK_MSG(!smtp_address_valid(invalid[i], strlen(invalid[i]), 0, &why), invalid[i]);
		CHECK_MSG(why != NULL && why[0] != '\0', invalid[i]);
	}
	/* NUL inside the given length */
	CHECK(!smtp_address_valid("a\0b@example.com", 15, 0, &why));
	CHECK(!smtp_address_valid("a@b.c>\r\nDATA", 12, 1, &why));
	CHECK(strcmp(why, "the address contains CR, LF or NUL") == 0);

	CHECK(!smtp_address_valid(invalid[31], strlen(invalid[31]), 0, &why));
	CHECK(strncmp(invalid[31], "1234567890", 10) == 0 && strcmp(why, "the local part is longer than 64 octets") == 0);

	/* label and length limits */
	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".example.com");
	snprintf(long_address, sizeof long_address, "u@%s", long_label);
	CHECK(!smtp_address_valid(long_address, strlen(long_address), 0, &why));
	CHECK(strcmp(why, "a domain label is longer than 63 octets") == 0);
	strcpy(long_label + 63, ".example.com"); /* 63 is still fine */
	snprintf(long_address, sizeof long_address, "u@%s", long_label);
	CHECK(smtp_address_valid(long_address, strlen(long_address), 0, &why));
	/* whole-length limits: "u@" and a domain of 50-octet labels */
	make_address(long_address, 252);
	CHECK(strlen(long_address) == 254 && smtp_address_valid(long_address, 254, 0, &why));
	make_address(long_address, 253);
	CHECK(!smtp_address_valid(long_address, 255, 0, &why));
	CHECK(strcmp(why, "the address is longer than 254 octets") == 0);
	make_address(long_address, 256);
	CHECK(!smtp_address_valid(long_address, 258, 0, &why));
	CHECK(strcmp(why, "the domain is longer than 255 octets") == 0);

	/* UTF-8 (RFC 6531) only when allowed, and only when valid */
	CHECK(smtp_address_valid("us\xc3\xa9r@example.com", 15, 1, &why));
	CHECK(smtp_address_valid(chinese, strlen(chinese), 1, &why));
	CHECK(!smtp_address_valid(chinese, strlen(chinese), 0, &why));
	CHECK(!smtp_address_valid("us\xc3r@example.com", 14, 1, &why));
	CHECK(strcmp(why, "the address is not valid UTF-8") == 0);
	CHECK(!smtp_address_valid("\"x\r\ny\"@example.com", 18, 1, &why));
	CHECK(smtp_address_valid("user@example.com", 16, 0, NULL)); /* why may be NULL */
	CHECK(!smtp_address_valid("user", 4, 0, NULL));
}

static void test_line_breaks_and_ascii(void)
{
	CHECK(!smtp_has_line_break("hello world", 11));
	CHECK(smtp_has_line_break("a\rb", 3));
	CHECK(smtp_has_line_break("a\nb", 3));
	CHECK(smtp_has_line_break("a\0b", 3));
	CHECK(!smtp_has_line_break(NULL, 0));
	CHECK(smtp_is_ascii("plain\x7f", 6));
	CHECK(!smtp_is_ascii("caf\xc3\xa9", 5));
}

static void test_utf8(void)
{
	static const struct {
		const char *s;
		int valid;
	} table[] = {
		{"", 1},
		{"ascii", 1},
		{"\xc3\xa9", 1},                      /* U+00E9 */
		{"\xe8\xae\xb0\xe5\xbe\x97", 1},      /* 记得 */
		{"\xf0\x9f\x98\x80", 1},              /* U+1F600 */
		{"\xf4\x8f\xbf\xbf", 1},              /* U+10FFFF */
		{"\xef\xbf\xbf", 1},                  /* U+FFFF */
		{"\xed\x9f\xbf", 1},                  /* U+D7FF */
		{"\xee\x80\x80", 1},                  /* U+E000 */
		{"\xc0\xaf", 0},                      /* overlong '/' */
		{"\xc1\xbf", 0},                      /* overlong */
		{"\xe0\x80\xaf", 0},                  /* overlong */
		{"\xe0\x9f\xbf", 0},                  /* overlong U+07FF */
		{"\xf0\x80\x80\xaf", 0},              /* overlong */
		{"\xf0\x8f\xbf\xbf", 0},              /* overlong U+FFFF */
		{"\xed\xa0\x80", 0},                  /* surrogate U+D800 */
		{"\xed\xbf\xbf", 0},                  /* surrogate U+DFFF */
		{"\xf4\x90\x80\x80", 0},              /* U+110000 */
		{"\xf5\x80\x80\x80", 0},
		{"\xff", 0},
		{"\x80", 0},                          /* lone continuation */
		{"\xc3", 0},                          /* truncated */
		{"\xe8\xae", 0},                      /* truncated */
		{"\xc3\x28", 0},                      /* bad continuation */
		{"a\xe8\xae\xb0\xe5\xbe", 0},         /* truncated at the end */
	};
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		CHECK_MSG(smtp_utf8_valid(table[i].s, strlen(table[i].s)) == table[i].valid, table[i].s);
	}
	CHECK(smtp_utf8_valid("a\0b", 3)); /* NUL is valid UTF-8; line-break checks catch it */
}

/* ---- encode.c ---------------------------------------------------------------------------------------------- */

static void test_base64(void)
{
	static const char *const vectors[][2] = {
		{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
		{"foobar", "Zm9vYmFy"},
	};
	static const char *const bad[] = {"Zg=", "Z===", "Zg==Zg==", "Zm9v!A==", "Zm=v", "====", "Zm9vY", "Zg =", NULL};
	unsigned char data[300], decoded[400];
	char encoded[420];
	size_t i, n;

	for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		n = smtp_base64_encode((const unsigned char *)vectors[i][0], strlen(vectors[i][0]), encoded);
		CHECK(n == strlen(vectors[i][1]) && memcmp(encoded, vectors[i][1], n) == 0);
		n = smtp_base64_decode(vectors[i][1], strlen(vectors[i][1]), decoded);
		CHECK(n == strlen(vectors[i][0]) && memcmp(decoded, vectors[i][0], n) == 0);
	}
	for (i = 0; bad[i] != NULL; i++) {
		CHECK_MSG(smtp_base64_decode(bad[i], strlen(bad[i]), decoded) == (size_t)-1, bad[i]);
	}
	/* every length and every byte value round trips */
	for (i = 0; i < sizeof data; i++) {
		data[i] = (unsigned char)(i * 37 + 11);
	}
	for (i = 0; i <= sizeof data; i++) {
		size_t e = smtp_base64_encode(data, i, encoded);
		CHECK(e == (i + 2) / 3 * 4);
		n = smtp_base64_decode(encoded, e, decoded);
		if (n != i || memcmp(decoded, data, i) != 0) {
			CHECK_MSG(0, "base64 round trip");
			break;
		}
	}
}

/* Encode in, check QP invariants, decode, compare with in's line ends made CRLF. Returns the encoded text. */
static void check_qp_round_trip(const char *in, size_t len, smtp_buf *encoded)
{
	smtp_buf decoded, expected;
	size_t i, line = 0;
	int trailing_space = 0, no_bad_byte = 1;

	smtp_buf_init(&decoded);
	smtp_buf_init(&expected);
	smtp_buf_reset(encoded);
	CHECK_STATUS(smtp_qp_encode(encoded, in, len), SMTP_OK);
	smtp_buf_terminate(encoded);
	for (i = 0; i < encoded->len; i++) {
		unsigned char c = (unsigned char)encoded->data[i];
		if (c == '\r') {
			if (i > 0 && (encoded->data[i - 1] == ' ' || encoded->data[i - 1] == '\t')) {
				trailing_space = 1;
			}
			line = 0;
		} else if (c != '\n') {
			line++;
			CHECK(line <= 76);
			if ((c < 32 && c != '\t') || c > 126) {
				no_bad_byte = 0;
			}
		}
	}
	if (encoded->len > 0 && (encoded->data[encoded->len - 1] == ' ' || encoded->data[encoded->len - 1] == '\t')) {
		trailing_space = 1;
	}
	CHECK(!trailing_space);
	CHECK(no_bad_byte);
	CHECK(longest_line(encoded->data, encoded->len) <= 76);
	CHECK(find_bytes(encoded->data, encoded->len, "=_") == NULL);
	CHECK(qp_decode(encoded->data, encoded->len, &decoded));
	normalize_line_ends(in, len, &expected);
	CHECK(decoded.len == expected.len && memcmp(decoded.data, expected.data, expected.len) == 0);
	smtp_buf_free(&decoded);
	smtp_buf_free(&expected);
}

static void test_quoted_printable(void)
{
	smtp_buf out;
	char line[2001], binary[256];
	size_t i;

	smtp_buf_init(&out);

	check_qp_round_trip("hello world", 11, &out);
	CHECK(strcmp(out.data, "hello world") == 0);

	check_qp_round_trip("a=b", 3, &out);
	CHECK(strcmp(out.data, "a=3Db") == 0);

	check_qp_round_trip("trailing  \r\nspace\t\nend ", strlen("trailing  \r\nspace\t\nend "), &out);
	CHECK(strcmp(out.data, "trailing =20\r\nspace=09\r\nend=20") == 0);

	check_qp_round_trip(".\r\n.x\r\nFrom me\r\nFromage", strlen(".\r\n.x\r\nFrom me\r\nFromage"), &out);
	CHECK(strcmp(out.data, "=2E\r\n=2Ex\r\n=46rom me\r\nFromage") == 0);

	check_qp_round_trip("caf\xc3\xa9\r\nbare\rcr\nlf", strlen("caf\xc3\xa9\r\nbare\rcr\nlf"), &out);
	CHECK(strcmp(out.data, "caf=C3=A9\r\nbare\r\ncr\r\nlf") == 0);

	/* a 2000-character line: soft breaks, no line over 76 */
	memset(line, 'x', 2000);
	line[2000] = '\0';
	check_qp_round_trip(line, 2000, &out);
	CHECK(count_occurrences(out.data, out.len, "=\r\n") == 2000 / 75);

	/* exactly 76 fits without a soft break; 77 does not */
	check_qp_round_trip(line, 76, &out);
	CHECK(out.len == 76);
	check_qp_round_trip(line, 77, &out);
	CHECK(find_bytes(out.data, out.len, "=\r\n") != NULL);

	/* an escape is never split by a soft break, and a space before a soft break is fine */
	memset(line, 'x', 74);
	line[74] = '=';
	line[75] = 'y';
	check_qp_round_trip(line, 76, &out);
	CHECK(strncmp(out.data + 74, "=\r\n=3Dy", 7) == 0);
	memset(line, ' ', 200);
	check_qp_round_trip(line, 200, &out);

	/* every byte value */
	for (i = 0; i < sizeof binary; i++) {
		binary[i] = (char)i;
	}
	check_qp_round_trip(binary, sizeof binary, &out);
	check_qp_round_trip(binary + 1, sizeof binary - 1, &out);

	/* a long line of multibyte characters */
	smtp_buf_reset(&out);
	{
		smtp_buf text;
		smtp_buf_init(&text);
		for (i = 0; i < 100; i++) {
			smtp_buf_append_str(&text, "\xe8\xae\xb0\xe5\xbe\x97");
		}
		check_qp_round_trip(text.data, text.len, &out);
		smtp_buf_free(&text);
	}
	smtp_buf_free(&out);
}

/* Check a folded "Name: =?..?= ..." header: lines within 78, words within 75, decodes to text, whole chars. */
static void check_encoded_header(const char *header, const char *name, const char *text, const char *charset)
{
	span h;
	char value[4096];
	smtp_buf decoded;
	size_t longest_word;
	int split;

	h.s = header;
	h.len = strlen(header);
	smtp_buf_init(&decoded);
	CHECK(longest_line(header, h.len) <= 78);
	CHECK(lines_well_formed(header, h.len, 78));
	CHECK(field_value(h, name, value, sizeof value));
	CHECK(decode_encoded_words(value, charset, &decoded, &longest_word, &split));
	CHECK(longest_word <= 75);
	CHECK(!split);
	CHECK(decoded.len == strlen(text) && memcmp(decoded.data, text, decoded.len) == 0);
	smtp_buf_free(&decoded);
}

static void test_encoded_words(void)
{
	static const char remember[] = "\xe8\xae\xb0\xe5\xbe\x97\xe6\x94\xb6\xe8\xa1\xa3\xe6\x9c\x8d\xe5\x95\x8a"; /* 记得收衣服啊 */
	smtp_buf out, text;
	size_t column, i;

	smtp_buf_init(&out);
	smtp_buf_init(&text);

	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", remember, strlen(remember), "UTF-8"), SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(strcmp(out.data, "Subject: =?UTF-8?B?6K6w5b6X5pS26KGj5pyN5ZWK?=\r\n") == 0);
	check_encoded_header(out.data, "Subject", remember, "UTF-8");

	/* a long Chinese subject with some ASCII in it */
	for (i = 0; i < 30; i++) {
		smtp_buf_append_str(&text, remember);
		smtp_buf_append_str(&text, i % 3 == 0 ? " ok " : "");
	}
	smtp_buf_terminate(&text);
	smtp_buf_reset(&out);
	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", text.data, text.len, "UTF-8"), SMTP_OK);
	smtp_buf_terminate(&out);
	check_encoded_header(out.data, "Subject", text.data, "UTF-8");
	CHECK(count_occurrences(out.data, out.len, "\r\n ") > 5);

	/* four-byte characters, at every starting column */
	smtp_buf_reset(&text);
	for (i = 0; i < 40; i++) {
		smtp_buf_append_str(&text, "\xf0\x9f\x98\x80");
	}
	smtp_buf_terminate(&text);
	for (column = 0; column < 90; column++) {
		char header[200];
		smtp_buf_reset(&out);
		memset(header, 'H', column + 1);
		header[column + 1] = '\0';
		CHECK_STATUS(smtp_mime_header_unstructured(&out, header, text.data, text.len, "UTF-8"), SMTP_OK);
		smtp_buf_terminate(&out);
		if (column + 2 <= 78) {
			check_encoded_header(out.data, header, text.data, "UTF-8");
		}
	}

	/* GB2312: two-byte characters are never split */
	smtp_buf_reset(&text);
	for (i = 0; i < 50; i++) {
		smtp_buf_append_str(&text, "\xbc\xc7\xb5\xc3"); /* 记得 in GB2312 */
	}
	smtp_buf_terminate(&text);
	smtp_buf_reset(&out);
	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", text.data, text.len, "GB2312"), SMTP_OK);
	smtp_buf_terminate(&out);
	{
		span h;
		char value[2048];
		const char *p;
		smtp_buf decoded;
		size_t longest_word;
		int split;
		h.s = out.data;
		h.len = out.len;
		smtp_buf_init(&decoded);
		CHECK(field_value(h, "Subject", value, sizeof value));
		CHECK(decode_encoded_words(value, "GB2312", &decoded, &longest_word, &split));
		CHECK(decoded.len == text.len && memcmp(decoded.data, text.data, text.len) == 0);
		CHECK(longest_line(out.data, out.len) <= 78);
		/* every word holds an even number of bytes */
		for (p = value; (p = strstr(p, "?B?")) != NULL; p += 3) {
			unsigned char bytes[80];
			const char *end = strstr(p, "?=");
			size_t n = smtp_base64_decode(p + 3, (size_t)(end - p - 3), bytes);
			CHECK(n != (size_t)-1 && n % 2 == 0);
		}
		smtp_buf_free(&decoded);
	}

	/* plain ASCII stays plain, folded at spaces */
	smtp_buf_reset(&out);
	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", "Hello world", 11, "UTF-8"), SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(strcmp(out.data, "Subject: Hello world\r\n") == 0);
	smtp_buf_reset(&text);
	for (i = 0; i < 40; i++) {
		smtp_buf_append_str(&text, "word ");
	}
	smtp_buf_append_str(&text, "end");
	smtp_buf_reset(&out);
	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", text.data, text.len, NULL), SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(longest_line(out.data, out.len) <= 78);
	CHECK(lines_well_formed(out.data, out.len, 78));
	{
		span h;
		char value[512];
		h.s = out.data;
		h.len = out.len;
		CHECK(field_value(h, "Subject", value, sizeof value) && strcmp(value, text.data) == 0);
	}

	/* a header value is a single line */
	smtp_buf_reset(&out);
	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", "Hi\r\nBcc: e@x", 12, "UTF-8"), SMTP_ERR_INPUT);
	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", "Hi\0x", 4, "UTF-8"), SMTP_ERR_INPUT);
	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", "bad \xc3", 5, "UTF-8"), SMTP_ERR_INPUT);
	CHECK_STATUS(smtp_mime_header_unstructured(&out, "Subject", "x", 1, "UTF-8?Q"), SMTP_ERR_INPUT);
	CHECK(out.len == 0);

	smtp_buf_free(&out);
	smtp_buf_free(&text);
}

/* Decode the filename parameter of a header the way an RFC 2231 reader does. */
static int read_filename(const char *header, char *out, size_t cap)
{
	span h;
	char value[4096], name[64];
	size_t o = 0;
	int section;

	h.s = header;
	h.len = strlen(header);
	if (!field_value(h, "Content-Disposition", value, sizeof value)) {
		return 0;
	}
	if (parameter(value, "filename", out, cap)) {
		return 1;
	}
	for (section = -1; section < 100; section++) {
		char piece[512];
		const char *p;
		if (section < 0) {
			strcpy(name, "filename*");
		} else {
			snprintf(name, sizeof name, "filename*%d*", section);
		}
		if (!parameter(value, name, piece, sizeof piece)) {
			if (section < 0) {
				continue;
			}
			break;
		}
		p = piece;
		if (section <= 0) {
			if (strncmp(p, "UTF-8''", 7) != 0) {
				return 0;
			}
			p += 7;
		}
		for (; *p != '\0'; p++) {
			if (*p == '%') {
				if (hex_value(p[1]) < 0 || hex_value(p[2]) < 0) {
					return 0;
				}
				out[o++] = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
				p += 2;
			} else {
				out[o++] = *p;
			}
			if (o + 1 >= cap) {
				return 0;
			}
		}
		if (section < 0) {
			break;
		}
	}
	out[o] = '\0';
	return o > 0;
}

static void check_filename(const char *name, size_t len, const char *expected_header)
{
	smtp_buf out;
	size_t column = 31;
	char decoded[1024];

	smtp_buf_init(&out);
	smtp_buf_append_str(&out, "Content-Disposition: attachment");
	CHECK_STATUS(smtp_mime_filename_param(&out, &column, "filename", name, len), SMTP_OK);
	smtp_buf_append_str(&out, "\r\n");
	CHECK(lines_well_formed(out.data, out.len, 78));
	CHECK(longest_line(out.data, out.len) <= 78);
	CHECK(read_filename(out.data, decoded, sizeof decoded));
	{
		/* what the receiver sees: the name without its line breaks */
		char want[1024];
		size_t i, n = 0;
		for (i = 0; i < len && n < sizeof want; i++) {
			if (name[i] != '\r' && name[i] != '\n') {
				want[n++] = name[i];
			}
		}
		CHECK(strlen(decoded) == n && memcmp(decoded, want, n) == 0);
	}
	if (expected_header != NULL) {
		CHECK_MSG(strcmp(out.data, expected_header) == 0, out.data);
	}
	smtp_buf_free(&out);
}

static void test_filenames(void)
{
	smtp_buf out, name;
	size_t column = 0, i;

	check_filename("report.pdf", 10, "Content-Disposition: attachment; filename=\"report.pdf\"\r\n");
	check_filename("my report (final).pdf", 21, "Content-Disposition: attachment; filename=\"my report (final).pdf\"\r\n");
	check_filename("a\"b.txt", 7, "Content-Disposition: attachment; filename*=UTF-8''a%22b.txt\r\n");
	check_filename("a;b.txt", 7, "Content-Disposition: attachment; filename*=UTF-8''a%3Bb.txt\r\n");
	check_filename("a\\b.txt", 7, NULL);
	/* a name that reads like an encoded word is percent-encoded: readers decode "=?...?=" even in quotes */
	check_filename("=?utf-8?B?SGk=?=.txt", 20, "Content-Disposition: attachment;\r\n filename*=UTF-8''%3D%3Futf-8%3FB%3FSGk%3D%3F%3D.txt\r\n");
	check_filename("x=?y?.txt", 9, "Content-Disposition: attachment; filename*=UTF-8''x%3D%3Fy%3F.txt\r\n");
	check_filename("a=b?.txt", 8, "Content-Disposition: attachment; filename=\"a=b?.txt\"\r\n");
	check_filename("evil\r\nBcc: e@x.txt", strlen("evil\r\nBcc: e@x.txt"),
		"Content-Disposition: attachment; filename=\"evilBcc: e@x.txt\"\r\n");
	check_filename("\xe8\xae\xb0\xe5\xbe\x97.txt", 10, "Content-Disposition: attachment; filename*=UTF-8''%E8%AE%B0%E5%BE%97.txt\r\n");

	/* long names: continuations, no split escape or character */
	smtp_buf_init(&name);
	for (i = 0; i < 40; i++) {
		smtp_buf_append_str(&name, "\xe8\xae\xb0\xe5\xbe\x97");
	}
	smtp_buf_append_str(&name, ".pdf");
	check_filename(name.data, name.len, NULL);
	smtp_buf_reset(&name);
	for (i = 0; i < 30; i++) {
		smtp_buf_append_str(&name, "long-name-");
	}
	check_filename(name.data, name.len, NULL);

	/* continuations start each on their own line with whole characters */
	smtp_buf_init(&out);
	smtp_buf_reset(&name);
	for (i = 0; i < 40; i++) {
		smtp_buf_append_str(&name, "\xe8\xae\xb0");
	}
	column = 31;
	smtp_buf_append_str(&out, "Content-Disposition: attachment");
	CHECK_STATUS(smtp_mime_filename_param(&out, &column, "filename", name.data, name.len), SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(find_bytes(out.data, out.len, "filename*0*=UTF-8''%E8%AE%B0") != NULL);
	CHECK(find_bytes(out.data, out.len, "filename*1*=%E8%AE%B0") != NULL);

	/* NUL and invalid UTF-8 are refused */
	smtp_buf_reset(&out);
	column = 0;
	CHECK_STATUS(smtp_mime_filename_param(&out, &column, "filename", "a\0b", 3), SMTP_ERR_INPUT);
	CHECK_STATUS(smtp_mime_filename_param(&out, &column, "filename", "a\xc3", 2), SMTP_ERR_INPUT);
	CHECK(out.len == 0);
	smtp_buf_free(&out);
	smtp_buf_free(&name);
}

static void test_address_headers(void)
{
	smtp_mailbox list[12];
	smtp_buf out;
	span h;
	char value[2048];
	size_t i;

	smtp_buf_init(&out);
	list[0] = mailbox("john@example.com", "John Smith");
	list[1] = mailbox("jane@example.com", "Smith, Jane");
	list[2] = mailbox("q@example.com", "say \"hi\" \\o/");
	list[3] = mailbox("bare@example.com", NULL);
	list[4] = mailbox("li@example.com", "\xe6\x9d\x8e\xe5\x9b\x9b"); /* 李四 */
	CHECK_STATUS(smtp_mime_header_addresses(&out, "To", list, 5, "UTF-8"), SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(lines_well_formed(out.data, out.len, 78));
	h.s = out.data;
	h.len = out.len;
	CHECK(field_value(h, "To", value, sizeof value));
	CHECK_MSG(strcmp(value, "John Smith <john@example.com>, \"Smith, Jane\" <jane@example.com>, "
		"\"say \\\"hi\\\" \\\\o/\" <q@example.com>, bare@example.com, =?UTF-8?B?5p2O5Zub?= <li@example.com>") == 0,
		value);

	/* a plain name that looks like an encoded-word stays quoted, so readers do not decode it */
	smtp_buf_reset(&out);
	list[0] = mailbox("a@example.com", "=?UTF-8?B?QWRtaW4=?=");
	CHECK_STATUS(smtp_mime_header_addresses(&out, "From", list, 1, "UTF-8"), SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(strcmp(out.data, "From: \"=?UTF-8?B?QWRtaW4=?=\" <a@example.com>\r\n") == 0);

	/* many recipients: folded between mailboxes */
	for (i = 0; i < 12; i++) {
		list[i] = mailbox("someone.with.a.long.address@example.com", i % 2 ? "Some Body" : NULL);
	}
	smtp_buf_reset(&out);
	CHECK_STATUS(smtp_mime_header_addresses(&out, "Cc", list, 12, "UTF-8"), SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(lines_well_formed(out.data, out.len, 78));
	CHECK(longest_line(out.data, out.len) <= 78);

	/* a display name cannot carry a header */
	smtp_buf_reset(&out);
	list[0] = mailbox("a@example.com", "Hi\r\nBcc: e@x");
	CHECK_STATUS(smtp_mime_header_addresses(&out, "To", list, 1, "UTF-8"), SMTP_ERR_INPUT);
	list[0] = mailbox("a@b.c>\r\nDATA", NULL);
	CHECK_STATUS(smtp_mime_header_addresses(&out, "To", list, 1, "UTF-8"), SMTP_ERR_INPUT);
	CHECK(out.len == 0);
	smtp_buf_free(&out);
}

/* ---- mime.c --------------------------------------------------------------------------------------------- */

/* The first line of text that starts with prefix. */
static const char *line_starting(const char *text, const char *prefix)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			return p;
		}
		p = strchr(p, '\n');
		if (p != NULL) {
			p++;
		}
	}
	return NULL;
}

static void init_message(smtp_message *m)
{
	memset(m, 0, sizeof *m);
	m->from = mailbox("sender@example.com", "Sender");
	m->has_from = 1;
	m->date = str("Mon, 23 Nov 2026 10:00:00 +0000");
	m->message_id = str("<abc.123@example.com>");
	m->subject = str("Test");
}

static void test_simple_message(void)
{
	static const smtp_mailbox to[] = {{{"rcpt@example.com", 16}, {"", 0}}};
	smtp_message m;
	smtp_buf out;
	char err[256];

	smtp_buf_init(&out);
	init_message(&m);
	m.to = to;
	m.to_count = 1;
	m.text = str("Hello\nworld.\n.hidden\r\n");
	m.has_text = 1;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK_MSG(strcmp(out.data,
		"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
		"From: Sender <sender@example.com>\r\n"
		"To: rcpt@example.com\r\n"
		"Subject: Test\r\n"
		"Message-ID: <abc.123@example.com>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: 7bit\r\n"
		"\r\n"
		"Hello\r\nworld.\r\n.hidden\r\n") == 0, out.data);

	/* no final newline: the message still ends with CRLF */
	m.text = str("no newline");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(lines_well_formed(out.data, out.len, 998));
	CHECK(strstr(out.data, "\r\n\r\nno newline\r\n") != NULL);

	/* a non-ASCII body is quoted-printable */
	m.text = str("caf\xc3\xa9\n");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n") != NULL);

	/* HTML only: a single text/html part */
	m.has_text = 0;
	m.html = str("<p>Hi</p>");
	m.has_html = 1;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n<p>Hi</p>\r\n") != NULL);
	CHECK(strstr(out.data, "multipart") == NULL);

	/* no body at all: an empty text/plain */
	m.has_html = 0;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "Content-Type: text/plain; charset=UTF-8\r\n") != NULL);
	CHECK(lines_well_formed(out.data, out.len, 998));

	/* another charset is a parameter too */
	m.charset = str("ISO-8859-1");
	m.text = str("caf\xe9");
	m.has_text = 1;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "Content-Type: text/plain; charset=ISO-8859-1\r\n") != NULL);
	CHECK(strstr(out.data, "caf=E9") != NULL);
	m.charset = str("bad charset");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	CHECK(out.len == 0);

	/* empty strings may come as NULL pointers */
	{
		smtp_message empty;
		smtp_part part;
		smtp_header_field field;
		memset(&empty, 0, sizeof empty);
		memset(&part, 0, sizeof part);
		memset(&field, 0, sizeof field);
		field.name = str("X-Empty");
		empty.has_text = 1;
		empty.has_html = 1;
		empty.parts = &part;
		empty.part_count = 1;
		empty.headers = &field;
		empty.header_count = 1;
		CHECK_STATUS(write_message(&empty, &out, err, sizeof err), SMTP_OK);
		CHECK(lines_well_formed(out.data, out.len, 998));
		CHECK(strstr(out.data, "X-Empty: \r\n") != NULL);
	}
	smtp_buf_free(&out);
}

static void test_header_order_and_names(void)
{
	static const smtp_mailbox to[] = {{{"to@example.com", 14}, {"\xe5\xbc\xa0\xe4\xb8\x89", 6}}};
	static const smtp_mailbox cc[] = {{{"cc@example.com", 14}, {"", 0}}};
	static const smtp_mailbox reply[] = {{{"reply@example.com", 17}, {"", 0}}};
	static const char *const order[] = {"Date:", "From:", "Sender:", "Reply-To:", "To:", "Cc:", "Subject:",
		"Message-ID:", "MIME-Version: 1.0", "X-Mailer:", "X-Note:", "Content-Type:", NULL};
	smtp_header_field headers[2];
	smtp_message m;
	smtp_buf out;
	char err[256];
	const char *previous;
	size_t i;

	smtp_buf_init(&out);
	init_message(&m);
	m.sender = mailbox("bounce@example.com", NULL);
	m.has_sender = 1;
	m.to = to;
	m.to_count = 1;
	m.cc = cc;
	m.cc_count = 1;
	m.reply_to = reply;
	m.reply_to_count = 1;
	m.subject = str("\xe8\xae\xb0\xe5\xbe\x97\xe6\x94\xb6\xe8\xa1\xa3\xe6\x9c\x8d\xe5\x95\x8a");
	headers[0].name = str("X-Mailer");
	headers[0].value = str("smtp");
	headers[1].name = str("X-Note");
	headers[1].value = str("\xc3\xa9t\xc3\xa9");
	m.headers = headers;
	m.header_count = 2;
	m.text = str("hi");
	m.has_text = 1;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	previous = out.data;
	for (i = 0; order[i] != NULL; i++) {
		const char *at = line_starting(out.data, order[i]);
		CHECK_MSG(at != NULL && at >= previous, order[i]);
		if (at != NULL) {
			previous = at;
		}
	}
	CHECK(strstr(out.data, "Subject: =?UTF-8?B?6K6w5b6X5pS26KGj5pyN5ZWK?=\r\n") != NULL);
	CHECK(strstr(out.data, "To: =?UTF-8?B?5byg5LiJ?= <to@example.com>\r\n") != NULL);
	CHECK(strstr(out.data, "X-Note: =?UTF-8?B?w6l0w6k=?=\r\n") != NULL);
	CHECK(strstr(out.data, "Bcc") == NULL);
	CHECK(!smtp_mime_needs_smtputf8(&m));

	/* extra headers cannot replace the ones the writer makes, nor add a Bcc */
	headers[0].name = str("Bcc");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	CHECK(out.len == 0 && strstr(err, "Bcc") != NULL);
	headers[0].name = str("content-type");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	headers[0].name = str("X Bad");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	headers[0].name = str("X-Bad:");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	headers[0].name = str("X-Mailer");
	headers[0].value = str("a\r\nBcc: e@x");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	CHECK(out.len == 0);
	headers[0].value = str("smtp");

	/* UTF-8 in an address needs SMTPUTF8 */
	m.cc = to;
	m.cc_count = 1;
	CHECK(!smtp_mime_needs_smtputf8(&m));
	m.to_count = 0;
	m.from = mailbox("j\xc3\xb6rg@example.com", NULL);
	CHECK(smtp_mime_needs_smtputf8(&m));
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "From: j\xc3\xb6rg@example.com\r\n") != NULL);
	smtp_buf_free(&out);
}

static void test_input_errors(void)
{
	static const smtp_mailbox bad_to[] = {{{"a@b.c>\r\nDATA", 12}, {"", 0}}};
	static const smtp_mailbox bad_quoted[] = {{{"\"x\r\nBcc: e@x\"@example.com", 25}, {"", 0}}};
	static const smtp_mailbox bad_name[] = {{{"a@example.com", 13}, {"Hi\r\nBcc: e@x", 12}}};
	static const smtp_mailbox orcpt[] = {{{"\"x> ORCPT=rfc822;e@x\"@example.com", 33}, {"", 0}}};
	smtp_part part;
	smtp_message m;
	smtp_buf out;
	char err[256];

	smtp_buf_init(&out);
	init_message(&m);
	m.text = str("body");
	m.has_text = 1;

	m.to = bad_to;
	m.to_count = 1;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	CHECK(out.len == 0);
	CHECK_MSG(strcmp(err, "the To address is invalid: the address contains CR, LF or NUL") == 0, err);
	m.to = bad_quoted;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	m.to = bad_name;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	CHECK(strcmp(err, "the To name contains CR, LF or NUL") == 0);
	m.to = orcpt;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "To: \"x> ORCPT=rfc822;e@x\"@example.com\r\n") != NULL);

	m.subject = str("Hi\r\nBcc: e@x");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	CHECK(out.len == 0 && strcmp(err, "the subject contains CR, LF or NUL") == 0);
	m.subject = str("Hi");

	m.text.s = "nul\0inside";
	m.text.len = 10;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	CHECK(strcmp(err, "the text body contains NUL") == 0);
	m.text = str("bad \xff utf-8");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	m.text = str("ok");

	/* NUL in attachment data is just data */
	memset(&part, 0, sizeof part);
	part.filename = str("zero.bin");
	part.data.s = "\0\0\0\0";
	part.data.len = 4;
	m.parts = &part;
	m.part_count = 1;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "\r\n\r\nAAAAAA==\r\n") != NULL);
	part.filename.s = "a\0b";
	part.filename.len = 3;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	part.filename = str("ok.bin");
	part.content_type = str("text/plain\r\nBcc: e@x");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	part.content_type = str("nonsense");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	part.content_type = str("text/csv; charset=UTF-8");
	part.content_id = str("a>b");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	part.content_id = str("");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "Content-Type: text/csv; charset=UTF-8; name=\"ok.bin\"\r\n") != NULL);

	m.message_id = str("no-brackets@example.com");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_ERR_INPUT);
	smtp_buf_free(&out);
}

/* A source over memory that hands out short, uneven reads, and can be told to fail. */
typedef struct memory_source {
	const char *data;
	size_t len, pos;
	unsigned long step; /* Park-Miller generator for the read sizes */
	int fail_open, fail_read_at, opened, closed;
} memory_source;

static int memory_open(void *ctx, char *err, size_t errlen)
{
	memory_source *ms = ctx;

	if (ms->fail_open) {
		snprintf(err, errlen, "no such file");
		return -1;
	}
	ms->opened++;
	ms->pos = 0;
	return 0;
}

static long memory_read(void *ctx, char *buf, size_t cap)
{
	memory_source *ms = ctx;
	size_t n;

	if (ms->fail_read_at > 0 && ms->pos >= (size_t)ms->fail_read_at) {
		return -1;
	}
	ms->step = (unsigned long)((ms->step + 1) * 48271ULL % 2147483647ULL);
	n = 1 + ms->step % 70000;
	if (n > cap) {
		n = cap;
	}
	if (n > ms->len - ms->pos) {
		n = ms->len - ms->pos;
	}
	memcpy(buf, ms->data + ms->pos, n);
	ms->pos += n;
	return (long)n;
}

static void memory_close(void *ctx)
{
	((memory_source *)ctx)->closed++;
}

static int64_t memory_size(void *ctx)
{
	return (int64_t)((memory_source *)ctx)->len;
}

static void test_full_message(void)
{
	static const smtp_mailbox to[] = {{{"rcpt@example.com", 16}, {"R", 1}}};
	smtp_part parts[3];
	smtp_message m;
	smtp_buf out, tree;
	leaf leaves[8];
	int leaf_count = 0;
	char err[256], decoded_name[256];
	unsigned char png[300];
	span whole;
	size_t i;

	smtp_buf_init(&out);
	smtp_buf_init(&tree);
	for (i = 0; i < sizeof png; i++) {
		png[i] = (unsigned char)(i * 13);
	}
	init_message(&m);
	m.to = to;
	m.to_count = 1;
	m.text = str("Plain text, caf\xc3\xa9.\n");
	m.has_text = 1;
	m.html = str("<p>Hello <img src=\"cid:logo@example.com\"></p>\n");
	m.has_html = 1;
	memset(parts, 0, sizeof parts);
	parts[0].disposition = SMTP_PART_ATTACHMENT;
	parts[0].filename = str("\xe6\x8a\xa5\xe5\x91\x8a \"final\"; v2.pdf");
	parts[0].content_type = str("application/pdf");
	parts[0].data = str("%PDF-1.4 fake\n");
	parts[1].disposition = SMTP_PART_INLINE;
	parts[1].filename = str("logo.png");
	parts[1].content_type = str("image/png");
	parts[1].content_id = str("logo@example.com");
	parts[1].data.s = (const char *)png;
	parts[1].data.len = sizeof png;
	parts[2].disposition = SMTP_PART_ATTACHMENT;
	parts[2].filename = str("notes.txt");
	parts[2].data = str("notes");
	m.parts = parts;
	m.part_count = 3;

	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(lines_well_formed(out.data, out.len, 998));
	CHECK(longest_line(out.data, out.len) <= 78);
	whole.s = out.data;
	whole.len = out.len;
	describe(whole, &tree, leaves, &leaf_count, 8);
	smtp_buf_terminate(&tree);
	CHECK_MSG(strcmp(tree.data, "multipart/mixed(multipart/related(multipart/alternative(text/plain,text/html),"
		"image/png),application/pdf,application/octet-stream)") == 0, tree.data);
	CHECK(leaf_count == 5);
	if (leaf_count == 5) {
		CHECK(strcmp(leaves[0].encoding, "quoted-printable") == 0);
		CHECK(strcmp(leaves[0].decoded.data, "Plain text, caf\xc3\xa9.\r\n") == 0);
		CHECK(strcmp(leaves[1].encoding, "7bit") == 0);
		CHECK(strcmp(leaves[1].decoded.data, "<p>Hello <img src=\"cid:logo@example.com\"></p>\r\n") == 0);
		CHECK(strcmp(leaves[2].content_id, "<logo@example.com>") == 0);
		CHECK(strncmp(leaves[2].disposition, "inline", 6) == 0);
		CHECK(leaves[2].decoded.len == sizeof png && memcmp(leaves[2].decoded.data, png, sizeof png) == 0);
		CHECK(strncmp(leaves[3].disposition, "attachment", 10) == 0);
		CHECK(strcmp(leaves[3].decoded.data, "%PDF-1.4 fake\n") == 0);
		CHECK(strcmp(leaves[4].decoded.data, "notes") == 0);
	}
	free_leaves(leaves, leaf_count);
	CHECK(strstr(out.data, "Content-Type: multipart/related;\r\n type=\"multipart/alternative\";\r\n boundary=") != NULL);
	/* the attachment name went out as RFC 2231, and reads back */
	{
		const char *at = strstr(out.data, "Content-Disposition: attachment;");
		CHECK(at != NULL && read_filename(at, decoded_name, sizeof decoded_name));
		CHECK(strcmp(decoded_name, "\xe6\x8a\xa5\xe5\x91\x8a \"final\"; v2.pdf") == 0);
	}
	/* every boundary line is ours: "--=_" only starts delimiter lines */
	CHECK(count_occurrences(out.data, out.len, "\r\n--=_") == count_occurrences(out.data, out.len, "--=_"));
	CHECK(count_occurrences(out.data, out.len, "--=_") == 4 + 3 + 3); /* mixed 3 parts, related 2, alternative 2, +1 close each */

	/* text + inline parts, no html: related around the text */
	m.has_html = 0;
	m.part_count = 2;
	parts[0].disposition = SMTP_PART_INLINE;
	parts[0].content_id = str("doc@example.com");
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	whole.s = out.data;
	whole.len = out.len;
	smtp_buf_reset(&tree);
	leaf_count = 0;
	describe(whole, &tree, leaves, &leaf_count, 8);
	smtp_buf_terminate(&tree);
	free_leaves(leaves, leaf_count);
	CHECK_MSG(strcmp(tree.data, "multipart/related(text/plain,application/pdf,image/png)") == 0, tree.data);

	/* attachments only */
	m.has_text = 0;
	parts[0].disposition = SMTP_PART_ATTACHMENT;
	parts[1].disposition = SMTP_PART_ATTACHMENT;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	whole.s = out.data;
	whole.len = out.len;
	smtp_buf_reset(&tree);
	leaf_count = 0;
	describe(whole, &tree, leaves, &leaf_count, 8);
	smtp_buf_terminate(&tree);
	free_leaves(leaves, leaf_count);
	CHECK_MSG(strcmp(tree.data, "multipart/mixed(application/pdf,image/png)") == 0, tree.data);

	/* text + html only */
	m.has_text = 1;
	m.has_html = 1;
	m.part_count = 0;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	whole.s = out.data;
	whole.len = out.len;
	smtp_buf_reset(&tree);
	leaf_count = 0;
	describe(whole, &tree, leaves, &leaf_count, 8);
	smtp_buf_terminate(&tree);
	free_leaves(leaves, leaf_count);
	CHECK_MSG(strcmp(tree.data, "multipart/alternative(text/plain,text/html)") == 0, tree.data);

	smtp_buf_free(&out);
	smtp_buf_free(&tree);
}

static void test_streamed_attachment(void)
{
	static const smtp_mailbox to[] = {{{"rcpt@example.com", 16}, {"", 0}}};
	const size_t size = 1024 * 1024 + 17;
	char *data = malloc(size);
	smtp_part part;
	smtp_source source;
	memory_source ms;
	smtp_message m;
	smtp_buf in_memory, streamed, tree;
	leaf leaves[4];
	int leaf_count = 0;
	char err[256];
	span whole;
	size_t i;

	for (i = 0; i < size; i++) {
		data[i] = (char)((i * 7919) >> 5);
	}
	smtp_buf_init(&in_memory);
	smtp_buf_init(&streamed);
	smtp_buf_init(&tree);
	init_message(&m);
	m.to = to;
	m.to_count = 1;
	m.text = str("see attachment");
	m.has_text = 1;
	memset(&part, 0, sizeof part);
	part.filename = str("big.bin");
	part.data.s = data;
	part.data.len = size;
	m.parts = &part;
	m.part_count = 1;
	CHECK_STATUS(write_message(&m, &in_memory, err, sizeof err), SMTP_OK);

	memset(&ms, 0, sizeof ms);
	ms.data = data;
	ms.len = size;
	source.ctx = &ms;
	source.open = memory_open;
	source.read = memory_read;
	source.close = memory_close;
	source.size = NULL;
	part.data.s = NULL;
	part.data.len = 0;
	part.source = &source;
	CHECK_STATUS(write_message(&m, &streamed, err, sizeof err), SMTP_OK);
	CHECK(ms.opened == 1 && ms.closed == 1);
	CHECK(streamed.len == in_memory.len && memcmp(streamed.data, in_memory.data, in_memory.len) == 0);
	CHECK(lines_well_formed(streamed.data, streamed.len, 998));
	CHECK(longest_line(streamed.data, streamed.len) <= 78);

	whole.s = streamed.data;
	whole.len = streamed.len;
	describe(whole, &tree, leaves, &leaf_count, 4);
	CHECK(leaf_count == 2 && leaves[1].decoded.len == size && memcmp(leaves[1].decoded.data, data, size) == 0);
	free_leaves(leaves, leaf_count);

	/* open and read errors: SMTP_ERR_SOURCE with a message, the source closed after a failed read */
	ms.fail_open = 1;
	CHECK_STATUS(write_message(&m, &streamed, err, sizeof err), SMTP_ERR_SOURCE);
	CHECK_MSG(strcmp(err, "cannot open attachment 1: no such file") == 0, err);
	ms.fail_open = 0;
	ms.fail_read_at = 200000;
	ms.closed = 0;
	CHECK_STATUS(write_message(&m, &streamed, err, sizeof err), SMTP_ERR_SOURCE);
	CHECK(strcmp(err, "cannot read attachment 1") == 0);
	CHECK(ms.closed == 1);

	smtp_buf_free(&in_memory);
	smtp_buf_free(&streamed);
	smtp_buf_free(&tree);
	free(data);
}

/* smtp_mime_measure() gives exactly the length smtp_mime_write() produces, without reading sources. */
static void test_measure(void)
{
	static const smtp_mailbox to[] = {{{"rcpt@example.com", 16}, {"Ren\xc3\xa9", 5}}};
	static const size_t sizes[] = {0, 1, 2, 3, 56, 57, 58, 113, 114, 115, 49248, 49249, 300001};
	char *data = malloc(300001);
	smtp_part parts[3];
	smtp_source source;
	memory_source ms;
	smtp_message m;
	smtp_buf out;
	char err[256];
	uint64_t measured;
	size_t i, k;

	for (i = 0; i < 300001; i++) {
		data[i] = (char)((i * 2654435761u) >> 13);
	}
	smtp_buf_init(&out);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			init_message(&m);
			m.to = to;
			m.to_count = 1;
			m.subject = str("Gr\xc3\xbc\xc3\x9f\x65 and a subject long enough to be folded over more than one line, surely");
			m.text = str("line one\r\nGr\xc3\xbc\xc3\x9f\x65\n.dot\n");
			m.has_text = k != 1;
			m.html = str("<p>html</p>");
			m.has_html = k >= 1;
			memset(parts, 0, sizeof parts);
			parts[0].filename = str("donn\xc3\xa9\x65s.bin");
			parts[0].data.s = data;
			parts[0].data.len = sizes[i];
			parts[1].disposition = SMTP_PART_INLINE;
			parts[1].filename = str("logo.png");
			parts[1].content_id = str("logo@x");
			parts[1].data.s = data + 1;
			parts[1].data.len = sizes[i] / 2;
			m.parts = parts;
			m.part_count = k == 0 ? 0 : k == 1 ? 1 : 2;
			smtp_buf_reset(&out);
			CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
			CHECK_STATUS(smtp_mime_measure(&m, &measured), SMTP_OK);
			CHECK_MSG(measured == out.len, "measured size differs from the written size");
		}
	}

	/* a streamed part is counted from its size, never read */
	memset(&ms, 0, sizeof ms);
	ms.data = data;
	ms.len = 300001;
	source.ctx = &ms;
	source.open = memory_open;
	source.read = memory_read;
	source.close = memory_close;
	source.size = memory_size;
	parts[0].data.s = NULL;
	parts[0].data.len = 0;
	parts[0].source = &source;
	m.part_count = 1;
	smtp_buf_reset(&out);
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	ms.opened = 0;
	CHECK_STATUS(smtp_mime_measure(&m, &measured), SMTP_OK);
	CHECK(measured == out.len);
	CHECK(ms.opened == 0);
	/* a source that cannot tell its size: no figure */
	source.size = NULL;
	CHECK_STATUS(smtp_mime_measure(&m, &measured), SMTP_ERR_SOURCE);
	CHECK(measured == 0);

	smtp_buf_free(&out);
	free(data);
}

/* A sink that refuses everything after limit bytes. */
typedef struct failing_sink {
	smtp_sink sink;
	size_t taken, limit;
} failing_sink;

static smtp_status failing_write(smtp_sink *sink, const char *data, size_t len)
{
	failing_sink *fs = (failing_sink *)sink;

	(void)data;
	if (fs->taken + len > fs->limit) {
		return SMTP_ERR_IO;
	}
	fs->taken += len;
	return SMTP_OK;
}

static void test_sink_errors(void)
{
	smtp_part part;
	smtp_message m;
	smtp_buf whole;
	failing_sink fs;
	char err[256];
	size_t limit, size;

	init_message(&m);
	m.text = str("text");
	m.has_text = 1;
	memset(&part, 0, sizeof part);
	part.filename = str("a.bin");
	part.data = str("data");
	m.parts = &part;
	m.part_count = 1;
	smtp_buf_init(&whole);
	CHECK_STATUS(smtp_mime_write(&m, &whole.sink, NULL, NULL, err, sizeof err), SMTP_OK);
	size = whole.len;
	smtp_buf_free(&whole);
	for (limit = 0; limit <= size + 10; limit += 7) {
		fs.sink.write = failing_write;
		fs.taken = 0;
		fs.limit = limit;
		CHECK_STATUS(smtp_mime_write(&m, &fs.sink, NULL, NULL, err, sizeof err), limit < size ? SMTP_ERR_IO : SMTP_OK);
	}
}

static void test_long_lines_and_boundaries(void)
{
	static const smtp_mailbox to[] = {{{"rcpt@example.com", 16}, {"", 0}}};
	smtp_part part;
	smtp_message m;
	smtp_buf out, body, tree;
	leaf leaves[4];
	int leaf_count = 0;
	char err[256], line[2001];
	span whole;
	test_random r;
	size_t i;

	smtp_buf_init(&out);
	smtp_buf_init(&body);
	smtp_buf_init(&tree);
	init_message(&m);
	m.to = to;
	m.to_count = 1;

	/* a 2000-character line: quoted-printable, no line over 76 in the body */
	memset(line, 'a', 2000);
	line[2000] = '\0';
	m.text = str(line);
	m.has_text = 1;
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "Content-Transfer-Encoding: quoted-printable\r\n") != NULL);
	CHECK(longest_line(out.data, out.len) <= 76);
	whole.s = out.data;
	whole.len = out.len;
	describe(whole, &tree, leaves, &leaf_count, 4);
	CHECK(leaf_count == 1 && leaves[0].decoded.len == 2002 && memcmp(leaves[0].decoded.data, line, 2000) == 0);
	free_leaves(leaves, leaf_count);
	/* 998 is still 7bit, 999 is not */
	line[998] = '\0';
	m.text = str(line);
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "Content-Transfer-Encoding: 7bit\r\n") != NULL);
	line[998] = 'a';
	line[999] = '\0';
	m.text = str(line);
	CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
	CHECK(strstr(out.data, "Content-Transfer-Encoding: quoted-printable\r\n") != NULL);

	/* a body that contains the boundary the random source will produce */
	m.text = str("x");
	m.html = str("<p>x</p>");
	m.has_html = 1;
	r.constant = 1;
	r.state = 0;
	smtp_buf_reset(&out);
	CHECK_STATUS(smtp_mime_write(&m, &out.sink, random_bytes, &r, err, sizeof err), SMTP_OK);
	smtp_buf_terminate(&out);
	{
		char value[256], boundary[128];
		span header, b;
		whole.s = out.data;
		whole.len = out.len;
		split_entity(whole, &header, &b);
		CHECK(field_value(header, "Content-Type", value, sizeof value));
		CHECK(parameter(value, "boundary", boundary, sizeof boundary));
		smtp_buf_append_str(&body, "Look:\n--");
		smtp_buf_append_str(&body, boundary);
		smtp_buf_append_str(&body, "\nand\n--");
		smtp_buf_append_str(&body, boundary);
		smtp_buf_append_str(&body, "--\n");
		smtp_buf_terminate(&body);
	}
	m.text = str(body.data);
	for (i = 0; i < 2; i++) {
		/* constant randomness (every attempt collides), then a real sequence */
		r.constant = i == 0;
		r.state = 1;
		smtp_buf_reset(&out);
		CHECK_STATUS(smtp_mime_write(&m, &out.sink, random_bytes, &r, err, sizeof err), SMTP_OK);
		smtp_buf_terminate(&out);
		whole.s = out.data;
		whole.len = out.len;
		smtp_buf_reset(&tree);
		leaf_count = 0;
		describe(whole, &tree, leaves, &leaf_count, 4);
		smtp_buf_terminate(&tree);
		CHECK_MSG(strcmp(tree.data, "multipart/alternative(text/plain,text/html)") == 0, tree.data);
		CHECK(leaf_count == 2);
		if (leaf_count == 2) {
			smtp_buf expected;
			smtp_buf_init(&expected);
			normalize_line_ends(body.data, body.len, &expected);
			CHECK(strcmp(leaves[0].decoded.data, expected.data) == 0);
			CHECK(strcmp(leaves[0].encoding, i == 0 ? "quoted-printable" : "7bit") == 0);
			smtp_buf_free(&expected);
		}
		free_leaves(leaves, leaf_count);
	}

	/* no random function at all still works */
	smtp_buf_reset(&out);
	memset(&part, 0, sizeof part);
	part.filename = str("a.txt");
	part.data = str("abc");
	m.parts = &part;
	m.part_count = 1;
	CHECK_STATUS(smtp_mime_write(&m, &out.sink, NULL, NULL, NULL, 0), SMTP_OK);
	CHECK(lines_well_formed(out.data, out.len, 998));

	smtp_buf_free(&out);
	smtp_buf_free(&body);
	smtp_buf_free(&tree);
}

/* The line-end cases of the security matrix, in a body: only CRLF comes out, and the text survives. */
static void test_body_line_ends(void)
{
	static const char *const bodies[] = {"a\n.\nb", "a\n.\rb", "a\r.\nb", "a\r.\rb", "a\n.\r\nb", "a\r.\r\nb",
		"a\r\n.\r\r\nb", "a\r\r\n.\r\r\nb", ".", "..x", ".\r\n", "x\r", "\n", NULL};
	smtp_message m;
	smtp_buf out, expected, tree;
	leaf leaves[2];
	int leaf_count;
	char err[256];
	span whole;
	size_t i;

	smtp_buf_init(&out);
	smtp_buf_init(&expected);
	smtp_buf_init(&tree);
	init_message(&m);
	m.has_text = 1;
	for (i = 0; bodies[i] != NULL; i++) {
		int html;
		for (html = 0; html < 2; html++) {
			/* 7bit, then the same in quoted-printable (a non-ASCII character appended) */
			smtp_buf text;
			smtp_buf_init(&text);
			smtp_buf_append_str(&text, bodies[i]);
			if (html) {
				smtp_buf_append_str(&text, "\xc3\xa9");
			}
			smtp_buf_terminate(&text);
			m.text = str(text.data);
			CHECK_STATUS(write_message(&m, &out, err, sizeof err), SMTP_OK);
			CHECK_MSG(lines_well_formed(out.data, out.len, 998), bodies[i]);
			whole.s = out.data;
			whole.len = out.len;
			smtp_buf_reset(&tree);
			leaf_count = 0;
			describe(whole, &tree, leaves, &leaf_count, 2);
			smtp_buf_reset(&expected);
			normalize_line_ends(text.data, text.len, &expected);
			if (expected.len < 2 || memcmp(expected.data + expected.len - 2, "\r\n", 2) != 0) {
				smtp_buf_append_str(&expected, "\r\n"); /* the message gains a final line end */
				smtp_buf_terminate(&expected);
			}
			CHECK_MSG(leaf_count == 1 && strcmp(leaves[0].decoded.data, expected.data) == 0, bodies[i]);
			free_leaves(leaves, leaf_count);
			smtp_buf_free(&text);
		}
	}
	smtp_buf_free(&out);
	smtp_buf_free(&expected);
	smtp_buf_free(&tree);
}

/* Found by reading the code behind the fuzz targets: each once went out wrong. */
static void test_fuzz_findings(void)
{
	smtp_buf out;
	smtp_message m;
	char body[999];

	/* a literal encoded word in a Subject must not be decoded by the reader */
	smtp_buf_init(&out);
	CHECK(smtp_mime_header_unstructured(&out, "Subject", "=?UTF-8?B?SGk=?=", 16, "UTF-8") == SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(strcmp(out.data, "Subject: =?UTF-8?B?SGk=?=\r\n") != 0);
	smtp_buf_free(&out);

	/* a 998-octet line starting with '.' would be 999 on the wire after dot-stuffing: it is encoded */
	memset(body, 'a', sizeof body);
	body[0] = '.';
	memset(&m, 0, sizeof m);
	m.from.address.s = "a@example.com";
	m.from.address.len = 13;
	m.has_from = 1;
	m.text.s = body;
	m.text.len = 998;
	m.has_text = 1;
	m.date.s = "Mon, 23 Nov 2026 12:00:00 +0000";
	m.date.len = strlen(m.date.s);
	m.message_id.s = "<x@example.com>";
	m.message_id.len = 15;
	smtp_buf_init(&out);
	CHECK(smtp_mime_write(&m, &out.sink, NULL, NULL, NULL, 0) == SMTP_OK);
	smtp_buf_terminate(&out);
	CHECK(strstr(out.data, "Content-Transfer-Encoding: quoted-printable") != NULL);
	smtp_buf_free(&out);
}

int main(void)
{
	test_fuzz_findings();
	test_line_breaks_and_ascii();
	test_utf8();
	test_addresses();
	test_base64();
	test_quoted_printable();
	test_encoded_words();
	test_filenames();
	test_address_headers();
	test_simple_message();
	test_header_order_and_names();
	test_input_errors();
	test_full_message();
	test_streamed_attachment();
	test_measure();
	test_sink_errors();
	test_long_lines_and_boundaries();
	test_body_line_ends();
	return test_summary("test_mime");
}
