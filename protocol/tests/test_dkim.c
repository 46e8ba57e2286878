/*
 * test_dkim.c - unit tests of SHA-256, HMAC-SHA-256 and the DKIM canonicalization and hashing of the core,
 * on published vectors (FIPS 180-4 examples, RFC 4231, RFC 6376 3.4.5, the RFC 8463 appendix message).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"
#include "smtp_mime.h"
#include "smtp_sha256.h"
#include "smtp_dkim.h"
#include "test.h"

static void hex(const unsigned char *d, size_t n, char *out)
{
	size_t i;
	for (i = 0; i < n; i++) {
		sprintf(out + 2 * i, "%02x", d[i]);
	}
}

static int sha_is(const void *data, size_t len, const char *expect)
{
	unsigned char d[32];
	char h[65];
	smtp_sha256_digest(data, len, d);
	hex(d, 32, h);
	return strcmp(h, expect) == 0;
}

static void test_sha256(void)
{
	smtp_sha256 ctx;
	unsigned char d[32], mac[32];
	char h[65];
	size_t i;
	const char *abc56 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	CHECK(sha_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(sha_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK(sha_is(abc56, strlen(abc56), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	/* a million 'a', fed in uneven pieces */
	smtp_sha256_init(&ctx);
	for (i = 0; i < 1000000;) {
		static const char as[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
		size_t n = (i % 7) + 1 + (i % 61);
		if (n > 1000000 - i) {
			n = 1000000 - i;
		}
		if (n > sizeof(as) - 1) {
			n = sizeof(as) - 1;
		}
		smtp_sha256_update(&ctx, as, n);
		i += n;
	}
	smtp_sha256_final(&ctx, d);
	hex(d, 32, h);
	CHECK_MSG(strcmp(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0, h);

	/* RFC 4231 test cases 1 and 2 */
	{
		unsigned char key[20];
		memset(key, 0x0b, sizeof(key));
		smtp_hmac_sha256(key, sizeof(key), (const unsigned char *)"Hi There", 8, mac);
		hex(mac, 32, h);
		CHECK_MSG(strcmp(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7") == 0, h);
		smtp_hmac_sha256((const unsigned char *)"Jefe", 4, (const unsigned char *)"what do ya want for nothing?", 28, mac);
		hex(mac, 32, h);
		CHECK_MSG(strcmp(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") == 0, h);
	}
}

static void body_hash_b64(smtp_dkim_canon canon, const char *body, size_t piece, char *b64)
{
	smtp_dkim_body b;
	unsigned char d[32];
	size_t i, len = strlen(body), n;
	smtp_dkim_body_init(&b, canon);
	for (i = 0; i < len; i += n) {
		n = piece && piece < len - i ? piece : len - i;
		smtp_dkim_body_update(&b, body + i, n);
	}
	smtp_dkim_body_final(&b, d);
	n = smtp_base64_encode(d, 32, b64);
	b64[n] = '\0';
}

/* The canonical body itself, through the hash: compare with the hash of the expected text. */
static int body_canon_is(smtp_dkim_canon canon, const char *body, const char *expect)
{
	char got[64], want[64];
	unsigned char d[32];
	size_t n, piece;
	int ok = 1;
	smtp_sha256_digest(expect, strlen(expect), d);
	n = smtp_base64_encode(d, 32, want);
	want[n] = '\0';
	for (piece = 0; piece < 4; piece++) { /* whole, then byte by byte, 2 and 3 at a time */
		body_hash_b64(canon, body, piece, got);
		ok = ok && strcmp(got, want) == 0;
	}
	return ok;
}

static void test_canonicalization(void)
{
	smtp_buf out;
	static const char rfc_body[] = " C \r\nD \t E\r\n\r\n\r\n";

	/* RFC 6376 3.4.5 */
	smtp_buf_init(&out);
	CHECK(smtp_dkim_canon_header(&out, SMTP_DKIM_RELAXED, "A: X\r\n", 6) == SMTP_OK);
	CHECK(smtp_dkim_canon_header(&out, SMTP_DKIM_RELAXED, "B : Y\t\r\n\tZ  \r\n", 14) == SMTP_OK);
	CHECK(out.len == 12 && memcmp(out.data, "a:X\r\nb:Y Z\r\n", 12) == 0);
	smtp_buf_reset(&out);
	CHECK(smtp_dkim_canon_header(&out, SMTP_DKIM_SIMPLE, "B : Y\t\r\n\tZ  \r\n", 14) == SMTP_OK);
	CHECK(out.len == 14 && memcmp(out.data, "B : Y\t\r\n\tZ  \r\n", 14) == 0);
	smtp_buf_free(&out);
	CHECK(body_canon_is(SMTP_DKIM_RELAXED, rfc_body, " C\r\nD E\r\n"));
	CHECK(body_canon_is(SMTP_DKIM_SIMPLE, rfc_body, " C \r\nD \t E\r\n"));
	/* empty bodies: simple is one CRLF, relaxed nothing; only blank lines are empty too */
	CHECK(body_canon_is(SMTP_DKIM_SIMPLE, "", "\r\n"));
	CHECK(body_canon_is(SMTP_DKIM_RELAXED, "", ""));
	CHECK(body_canon_is(SMTP_DKIM_SIMPLE, "\r\n\r\n", "\r\n"));
	CHECK(body_canon_is(SMTP_DKIM_RELAXED, " \t\r\n\r\n", ""));
	/* blank lines inside are kept; an unterminated last line gets its CRLF */
	CHECK(body_canon_is(SMTP_DKIM_RELAXED, "a\r\n\r\n\r\nb", "a\r\n\r\n\r\nb\r\n"));
	CHECK(body_canon_is(SMTP_DKIM_SIMPLE, "a  \r\n \r\n", "a  \r\n \r\n"));
	CHECK(body_canon_is(SMTP_DKIM_RELAXED, "a  \r\n \r\n", "a\r\n"));
}

/* RFC 8463 appendix A: the message and its body hashes (bh= of the simple and relaxed examples). */
static const char rfc8463_message[] =
	"From: Joe SixPack <joe@football.example.com>\r\n"
	"To: Suzie Q <suzie@shopping.example.net>\r\n"
	"Subject: Is dinner ready?\r\n"
	"Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
	"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
	"\r\n"
	"Hi.\r\n"
	"\r\n"
	"We lost the game.  Are you hungry yet?\r\n"
	"\r\n"
	"Joe.\r\n";

static void test_rfc8463(void)
{
	smtp_dkim d;
	smtp_dkim_params p[2];
	const char *field;
	size_t len, i;
	unsigned char fake_sig[64];
	char why[160];

	memset(p, 0, sizeof(p));
	p[0].algorithm = SMTP_DKIM_ED25519_SHA256;
	p[0].header_canon = SMTP_DKIM_RELAXED;
	p[0].body_canon = SMTP_DKIM_RELAXED;
	p[0].domain = "football.example.com";
	p[0].selector = "brisbane";
	p[0].identity = "@football.example.com";
	p[0].headers = "from:to:subject:date:message-id:from:subject:date";
	p[0].timestamp = 1528637909;
	p[1] = p[0];
	p[1].header_canon = SMTP_DKIM_SIMPLE;
	p[1].body_canon = SMTP_DKIM_SIMPLE;
	p[1].headers = NULL;
	p[1].expire = 3600;
	CHECK(smtp_dkim_check_params(&p[0], why, sizeof(why)) == 0);
	CHECK(smtp_dkim_init(&d, p, 2) == SMTP_OK);
	for (i = 0; i < sizeof(rfc8463_message) - 1; i += 5) { /* in small pieces */
		size_t n = sizeof(rfc8463_message) - 1 - i < 5 ? sizeof(rfc8463_message) - 1 - i : 5;
		CHECK(smtp_sink_write(&d.sink, rfc8463_message + i, n) == SMTP_OK);
	}
	CHECK(smtp_dkim_finish(&d) == SMTP_OK);
	memset(fake_sig, 0x5a, sizeof(fake_sig));
	CHECK(smtp_dkim_set_signature(&d, 0, fake_sig, sizeof(fake_sig)) == SMTP_OK);
	CHECK(smtp_dkim_set_signature(&d, 1, fake_sig, sizeof(fake_sig)) == SMTP_OK);
	field = smtp_dkim_field(&d, 0, &len);
	CHECK_MSG(strstr(field, "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;") != NULL, field);
	CHECK(strstr(field, "a=ed25519-sha256; c=relaxed/relaxed;") != NULL);
	CHECK(strstr(field, "t=1528637909;") != NULL && strstr(field, " i=@football.example.com;") != NULL);
	CHECK(strstr(field, "l=") == NULL);
	CHECK(len > 2 && field[len - 2] == '\r' && field[len - 1] == '\n');
	field = smtp_dkim_field(&d, 1, &len);
	CHECK_MSG(strstr(field, "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=;") != NULL, field);
	CHECK(strstr(field, "x=1528641509;") != NULL);
	/* the default list over-signs: one From, one To in the message, each named twice */
	CHECK(strstr(field, "h=From:From:Sender:Reply-To:To:To:") != NULL); /* all of it: test_oversigning() */
	CHECK(smtp_dkim_aligned(&d, 0) == 1);
	{
		/* every line of the field within 78 columns but the signature's */
		const char *s = field;
		int longest = 0;
		while (*s) {
			const char *e = strstr(s, "\r\n");
			int n = (int)(e ? e - s : (long)strlen(s));
			if (n > longest) {
				longest = n;
			}
			s = e ? e + 2 : s + n;
		}
		CHECK(longest <= 78);
	}
	smtp_dkim_free(&d);

	/* no From: refused; header section too large: refused */
	CHECK(smtp_dkim_init(&d, p, 1) == SMTP_OK);
	CHECK(smtp_sink_write(&d.sink, "To: a@b\r\n\r\nx\r\n", 14) == SMTP_OK);
	CHECK(smtp_dkim_finish(&d) == SMTP_ERR_INPUT && strstr(d.reason, "From") != NULL);
	smtp_dkim_free(&d);

	/* parameters */
	p[0].identity = "@other.example";
	CHECK(smtp_dkim_check_params(&p[0], why, sizeof(why)) != 0);
	p[0].identity = "user@sub.football.example.com";
	CHECK(smtp_dkim_check_params(&p[0], why, sizeof(why)) == 0);
	p[0].headers = "to:subject";
	CHECK(smtp_dkim_check_params(&p[0], why, sizeof(why)) != 0 && strstr(why, "From") != NULL);
	p[0].headers = "from::to";
	CHECK(smtp_dkim_check_params(&p[0], why, sizeof(why)) != 0);
	p[0].headers = NULL;
	p[0].domain = "exa mple.com";
	CHECK(smtp_dkim_check_params(&p[0], why, sizeof(why)) != 0);
	p[0].domain = "example.com";
	p[0].selector = "a;b";
	CHECK(smtp_dkim_check_params(&p[0], why, sizeof(why)) != 0);
}

/* The h= tag of a field, unfolded. */
static void h_of(const char *field, char *out, size_t cap)
{
	const char *p = strstr(field, " h=");
	size_t n = 0;
	out[0] = '\0';
	if (!p) {
		return;
	}
	for (p += 3; *p && *p != ';' && n + 1 < cap; p++) {
		if (*p != '\r' && *p != '\n' && *p != '\t' && *p != ' ') {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
}

/* h= for one message and one headers parameter (NULL: the default list) */
static void check_h(const char *message, const char *headers, const char *expect)
{
	smtp_dkim d;
	smtp_dkim_params p;
	unsigned char sig[8] = {0};
	char h[1024];
	size_t len;

	memset(&p, 0, sizeof(p));
	p.domain = "example.com";
	p.selector = "s";
	p.timestamp = -1;
	p.headers = headers;
	CHECK(smtp_dkim_init(&d, &p, 1) == SMTP_OK);
	CHECK(smtp_sink_write(&d.sink, message, strlen(message)) == SMTP_OK);
	CHECK(smtp_dkim_finish(&d) == SMTP_OK);
	CHECK(smtp_dkim_set_signature(&d, 0, sig, sizeof(sig)) == SMTP_OK);
	h_of(smtp_dkim_field(&d, 0, &len), h, sizeof(h));
	CHECK_MSG(strcmp(h, expect) == 0, h);
	smtp_dkim_free(&d);
}

/* Every field of the signed list is over-signed, present or not: adding a Reply-To, a Cc, a second From
 * or a List-Id breaks the signature. */
static void test_oversigning(void)
{
	check_h(rfc8463_message, NULL, "From:From:Sender:Reply-To:To:To:Cc:Subject:Subject:Date:Date:Message-ID:Message-ID:"
		"In-Reply-To:References:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:"
		"List-Unsubscribe-Post");
	check_h("From: a@example.com\r\nCc: x@example.com\r\ncc: y@example.com\r\nList-Id: <l.example.com>\r\n"
		"List-Unsubscribe: <https://example.com/u>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nbody\r\n",
		NULL, "From:From:Sender:Reply-To:To:Cc:Cc:Cc:Subject:Date:Message-ID:In-Reply-To:References:MIME-Version:"
		"Content-Type:Content-Transfer-Encoding:List-Id:List-Id:List-Unsubscribe:List-Unsubscribe:"
		"List-Unsubscribe-Post:List-Unsubscribe-Post");
	/* a list given: as given, then each name it holds up to present + 1 (a name given more often keeps
	 * its count) */
	check_h("From: a@example.com\r\nSubject: s\r\n\r\nbody\r\n", "from:subject:subject", "from:subject:subject:from");
	check_h("From: a@example.com\r\nX-Tag: t\r\n\r\nbody\r\n", "from:X-Tag:FROM", "from:X-Tag:FROM:X-Tag");
	check_h("From: a@example.com\r\n\r\nbody\r\n", "from:X-Tag", "from:X-Tag:from");
	check_h(rfc8463_message, "from:to:subject:date:message-id:from:subject:date",
		"from:to:subject:date:message-id:from:subject:date:to:message-id");
}

/* t= + expire past INT64_MAX: x= is their sum in unsigned arithmetic, never a signed overflow */
static void test_expire_sum(void)
{
	static const struct { int64_t t, expire; const char *x; } cases[] = {
		{INT64_MAX - 10, 100, " x=9223372036854775897;"},
		{1700000000, INT64_MAX, " x=9223372038554775807;"},
		{INT64_MAX, INT64_MAX, " x=18446744073709551614;"},
	};
	size_t i, len;
	unsigned char sig[8] = {0};
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		smtp_dkim d;
		smtp_dkim_params p;
		const char *field;
		memset(&p, 0, sizeof(p));
		p.domain = "example.com";
		p.selector = "s";
		p.timestamp = cases[i].t;
		p.expire = cases[i].expire;
		CHECK(smtp_dkim_init(&d, &p, 1) == SMTP_OK);
		CHECK(smtp_sink_write(&d.sink, rfc8463_message, sizeof(rfc8463_message) - 1) == SMTP_OK);
		CHECK(smtp_dkim_finish(&d) == SMTP_OK);
		CHECK(smtp_dkim_set_signature(&d, 0, sig, sizeof(sig)) == SMTP_OK);
		field = smtp_dkim_field(&d, 0, &len);
		CHECK_MSG(strstr(field, cases[i].x) != NULL, field);
		smtp_dkim_free(&d);
	}
}

/*
 * A header section that ends in the write that takes the kept header past its cap (1 MiB + 4): the rest
 * of that write is body and is hashed like any other (bh= equals the body's hash on its own).
 */
static void test_header_cap_boundary(void)
{
	static const char tail[] = "X-Last: end\r\n\r\n";
	size_t body_len[] = {200, 5000, 300000}, k;
	for (k = 0; k < sizeof(body_len) / sizeof(body_len[0]); k++) {
		smtp_dkim d;
		smtp_dkim_params p;
		smtp_dkim_body ref;
		unsigned char want[SMTP_SHA256_LEN];
		smtp_buf head, second;
		size_t i;

		memset(&p, 0, sizeof(p));
		p.domain = "example.com";
		p.selector = "s";
		p.timestamp = -1;
		p.body_canon = SMTP_DKIM_SIMPLE;
		smtp_buf_init(&head);
		smtp_buf_init(&second);
		smtp_buf_append_str(&head, "From: a@example.com\r\n");
		/* fields up to 60 octets short of the cap */
		while (head.len + 100 < SMTP_DKIM_MAX_HEADER - 60) {
			smtp_buf_append_str(&head, "X-Pad: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901\r\n");
		}
		/* the second write: the rest of the header section, then a body that crosses the cap */
		smtp_buf_append_str(&second, tail);
		for (i = 0; i < body_len[k]; i++) {
			smtp_buf_append(&second, i % 70 == 69 ? "\n" : "b", 1);
		}
		CHECK(head.len + second.len > SMTP_DKIM_MAX_HEADER + 4);
		CHECK(head.len + sizeof(tail) - 1 <= SMTP_DKIM_MAX_HEADER + 4);
		CHECK(smtp_dkim_init(&d, &p, 1) == SMTP_OK);
		CHECK(smtp_sink_write(&d.sink, head.data, head.len) == SMTP_OK);
		CHECK(smtp_sink_write(&d.sink, second.data, second.len) == SMTP_OK);
		CHECK(smtp_dkim_finish(&d) == SMTP_OK);
		smtp_dkim_body_init(&ref, SMTP_DKIM_SIMPLE);
		smtp_dkim_body_update(&ref, second.data + sizeof(tail) - 1, second.len - (sizeof(tail) - 1));
		smtp_dkim_body_final(&ref, want);
		CHECK_MSG(memcmp(d.signers[0].body_hash, want, sizeof(want)) == 0, "body hash at the cap");
		smtp_dkim_free(&d);
		smtp_buf_free(&head);
		smtp_buf_free(&second);
	}
}

static void test_alignment(void)
{
	smtp_dkim d;
	smtp_dkim_params p;
	static const char *const froms[] = {
		"From: a@example.com\r\n\r\n", "From: \"X\" <a@mail.example.com>\r\n\r\n", "From: a@other.example\r\n\r\n",
		"From: a@notexample.com\r\n\r\n"
	};
	static const int aligned[] = {1, 1, 0, 0};
	size_t i;

	memset(&p, 0, sizeof(p));
	p.domain = "example.com";
	p.selector = "s";
	p.timestamp = -1;
	for (i = 0; i < 4; i++) {
		CHECK(smtp_dkim_init(&d, &p, 1) == SMTP_OK);
		CHECK(smtp_sink_write(&d.sink, froms[i], strlen(froms[i])) == SMTP_OK);
		CHECK(smtp_dkim_finish(&d) == SMTP_OK);
		CHECK_MSG(smtp_dkim_aligned(&d, 0) == aligned[i], froms[i]);
		smtp_dkim_free(&d);
	}
}

/* hash ops over the core's own SHA-256 in heap contexts, counting what they are given */
static size_t ops_bytes, ops_live;
static void *t_create(void)
{
	smtp_sha256 *c = malloc(sizeof(*c));
	if (c) {
		smtp_sha256_init(c);
		ops_live++;
	}
	return c;
}
static void t_update(void *ctx, const void *data, size_t len)
{
	ops_bytes += len;
	smtp_sha256_update(ctx, data, len);
}
static void t_finish(void *ctx, unsigned char out[32])
{
	smtp_sha256_final(ctx, out);
	free(ctx);
	ops_live--;
}
static void t_discard(void *ctx)
{
	free(ctx);
	ops_live--;
}
static const smtp_hash_ops test_ops = {t_create, t_update, t_finish, t_discard};

/* three signers, two sharing a body canonicalization: two body hashes through the ops, same bh= */
static void test_hash_ops(void)
{
	smtp_dkim d;
	smtp_dkim_params p[3];
	size_t i, len;
	unsigned char sig[8] = {0};

	memset(p, 0, sizeof(p));
	for (i = 0; i < 3; i++) {
		p[i].domain = "football.example.com";
		p[i].selector = "s";
		p[i].timestamp = -1;
		p[i].header_canon = SMTP_DKIM_RELAXED;
		p[i].body_canon = i == 1 ? SMTP_DKIM_SIMPLE : SMTP_DKIM_RELAXED;
	}
	CHECK(smtp_dkim_init_ex(&d, p, 3, &test_ops) == SMTP_OK);
	CHECK(ops_live == 2);
	CHECK(smtp_sink_write(&d.sink, rfc8463_message, sizeof(rfc8463_message) - 1) == SMTP_OK);
	CHECK(smtp_dkim_finish(&d) == SMTP_OK);
	CHECK(ops_live == 0);
	CHECK(ops_bytes == 2 * (sizeof("Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n") - 1)
		- 1 /* relaxed: one of the two spaces */);
	for (i = 0; i < 3; i++) {
		CHECK(smtp_dkim_set_signature(&d, i, sig, sizeof(sig)) == SMTP_OK);
	}
	CHECK(strstr(smtp_dkim_field(&d, 0, &len), "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=") != NULL);
	CHECK(strstr(smtp_dkim_field(&d, 1, &len), "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=") != NULL);
	CHECK(strstr(smtp_dkim_field(&d, 2, &len), "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=") != NULL);
	smtp_dkim_free(&d);
	/* freed unfinished: the contexts are discarded */
	CHECK(smtp_dkim_init_ex(&d, p, 3, &test_ops) == SMTP_OK);
	CHECK(ops_live == 2);
	smtp_dkim_free(&d);
	CHECK(ops_live == 0);
}

int main(void)
{
	test_sha256();
	test_canonicalization();
	test_rfc8463();
	test_alignment();
	test_hash_ops();
	test_oversigning();
	test_expire_sum();
	test_header_cap_boundary();
	return test_summary("test_dkim");
}
