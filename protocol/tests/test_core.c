/*
 * test_core.c - unit tests of the SMTP core over a scripted in-memory transport. No PHP, no network.
 *
 * The fake server is a list of chunks the core will read, in order, each optionally arriving after a
 * delay on a fake clock; everything the core writes is recorded for the assertions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"
#include "smtp_internal.h"
#include "smtp_mime.h"
#include "session_internal.h"
#include "test.h"

/* ---- scripted transport -------------------------------------------------------------------------- */

typedef struct chunk {
	const char *data;
	size_t len;
	int delay_ms;
} chunk;

typedef struct script {
	chunk chunks[64];
	size_t count, next, offset;
	smtp_buf sent;          /* all bytes the client wrote */
	size_t writes;          /* number of write calls */
	int64_t clock;
	int tls_started;
	int tls_fail;
	int sent_at_tls;        /* bytes written when STARTTLS handshake began */
	smtp_buf log;
} script;

static void script_init(script *sc)
{
	memset(sc, 0, sizeof(*sc));
	smtp_buf_init(&sc->sent);
	smtp_buf_init(&sc->log);
}

static void script_free(script *sc)
{
	smtp_buf_free(&sc->sent);
	smtp_buf_free(&sc->log);
}

static void serve(script *sc, const char *data)
{
	sc->chunks[sc->count].data = data;
	sc->chunks[sc->count].len = strlen(data);
	sc->chunks[sc->count].delay_ms = 0;
	sc->count++;
}

static void serve_later(script *sc, const char *data, int delay_ms)
{
	serve(sc, data);
	sc->chunks[sc->count - 1].delay_ms = delay_ms;
}

static long fake_read(void *ctx, char *buf, size_t cap, int timeout_ms)
{
	script *sc = ctx;
	chunk *c;
	size_t n;
	if (sc->next >= sc->count) {
		return 0; /* the server hung up */
	}
	c = &sc->chunks[sc->next];
	if (c->delay_ms > timeout_ms) {
		c->delay_ms -= timeout_ms;
		sc->clock += timeout_ms;
		return SMTP_IO_TIMEOUT;
	}
	sc->clock += c->delay_ms;
	c->delay_ms = 0;
	n = c->len - sc->offset;
	if (n > cap) {
		n = cap;
	}
	memcpy(buf, c->data + sc->offset, n);
	sc->offset += n;
	if (sc->offset == c->len) {
		sc->next++;
		sc->offset = 0;
	}
	return (long)n;
}

static int fake_write(void *ctx, const char *buf, size_t len, int timeout_ms)
{
	script *sc = ctx;
	(void)timeout_ms;
	sc->writes++;
	smtp_buf_append(&sc->sent, buf, len);
	return 0;
}

static int fake_start_tls(void *ctx, int timeout_ms, char *err, size_t errlen)
{
	script *sc = ctx;
	(void)timeout_ms;
	if (sc->tls_fail) {
		snprintf(err, errlen, "certificate verify failed");
		return -1;
	}
	sc->tls_started = 1;
	sc->sent_at_tls = (int)sc->sent.len;
	return 0;
}

static int64_t fake_now(void *ctx)
{
	return ((script *)ctx)->clock;
}

static void fake_log(void *ud, const char *line, size_t len)
{
	script *sc = ud;
	smtp_buf_append(&sc->log, line, len);
	smtp_buf_append(&sc->log, "\n", 1);
}

static smtp_session *session_for(script *sc)
{
	smtp_transport t;
	smtp_session *s;
	t.ctx = sc;
	t.read = fake_read;
	t.write = fake_write;
	t.start_tls = fake_start_tls;
	t.now_ms = fake_now;
	s = smtp_session_new(&t);
	smtp_session_set_logger(s, fake_log, sc);
	smtp_session_set_timeouts(s, 5000, 10000);
	return s;
}

static const char *sent(script *sc)
{
	smtp_buf_terminate(&sc->sent);
	return sc->sent.data ? sc->sent.data : "";
}

static const char *logged(script *sc)
{
	smtp_buf_terminate(&sc->log);
	return sc->log.data ? sc->log.data : "";
}

/* body producers */
typedef struct text_body {
	const char *text;
	size_t len;
} text_body;

static smtp_status write_text(void *ctx, smtp_sink *sink)
{
	text_body *b = ctx;
	return smtp_sink_write(sink, b->text, b->len);
}

/* ---- reply parser -------------------------------------------------------------------------------- */

/* Feed a whole string; returns the status, code in *code. */
static smtp_status parse_all(const char *text, size_t len, int *code, int enhanced, char *enh_out)
{
	smtp_reply_parser p;
	size_t used = 0;
	smtp_status st;
	smtp_reply_parser_init(&p);
	p.want_enhanced = enhanced;
	st = smtp_reply_parser_feed(&p, text, len, &used);
	*code = p.done ? p.reply.code : -1;
	if (enh_out) {
		strcpy(enh_out, p.reply.enhanced);
	}
	smtp_reply_parser_free(&p);
	return st;
}

static void test_reply_parser(void)
{
	int code;
	char enh[16];
	static const struct {
		const char *text;
		smtp_status want;
		int code;
	} cases[] = {
		{"250 ok\r\n", SMTP_OK, 250},
		{"250-a\r\n250-b\r\n250 c\r\n", SMTP_OK, 250},
		{"250\r\n", SMTP_OK, 250},                         /* bare code */
		{"250-a\r\n251 b\r\n", SMTP_ERR_PROTOCOL, -1},     /* mixed codes */
		{"600 no\r\n", SMTP_ERR_PROTOCOL, -1},
		{"199 no\r\n", SMTP_ERR_PROTOCOL, -1},
		{"2500 no\r\n", SMTP_ERR_PROTOCOL, -1},
		{"250 bare lf\n", SMTP_ERR_PROTOCOL, -1},
		{"25\r\n", SMTP_ERR_PROTOCOL, -1},
		{"abc\r\n", SMTP_ERR_PROTOCOL, -1},
		{"250 a\rb\r\n", SMTP_ERR_PROTOCOL, -1},
		{"250-partial", SMTP_OK, -1},                      /* not done yet */
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		smtp_status st = parse_all(cases[i].text, strlen(cases[i].text), &code, 0, NULL);
		CHECK_MSG(st == cases[i].want, cases[i].text);
		CHECK_MSG(code == cases[i].code, cases[i].text);
	}

	/* NUL inside a line */
	CHECK(parse_all("250 a\0b\r\n", 9, &code, 0, NULL) == SMTP_ERR_PROTOCOL);

	/* enhanced status: parsed only when asked, class must match */
	CHECK(parse_all("550 5.1.1 no such user\r\n", 24, &code, 1, enh) == SMTP_OK && strcmp(enh, "5.1.1") == 0);
	CHECK(parse_all("550 5.1.1 no such user\r\n", 24, &code, 0, enh) == SMTP_OK && enh[0] == '\0');
	CHECK(parse_all("550 4.1.1 mismatch\r\n", 20, &code, 1, enh) == SMTP_OK && enh[0] == '\0');
	CHECK(parse_all("451 4.7.650 too fast\r\n", 22, &code, 1, enh) == SMTP_OK && strcmp(enh, "4.7.650") == 0);

	/* byte at a time gives the same reply, and stops right after it */
	{
		const char *text = "250-one\r\n250 two\r\nEXTRA";
		smtp_reply_parser p;
		size_t i2, used, total = 0;
		smtp_reply_parser_init(&p);
		for (i2 = 0; i2 < strlen(text) && !p.done; i2++) {
			CHECK(smtp_reply_parser_feed(&p, text + i2, 1, &used) == SMTP_OK);
			total += used;
		}
		CHECK(p.done && p.reply.code == 250 && p.reply.lines == 2);
		CHECK(total == strlen("250-one\r\n250 two\r\n"));
		CHECK(strcmp(p.reply.text.data, "250-one\n250 two") == 0);
		smtp_reply_parser_free(&p);
	}

	/* 1001 lines: too many; 1000 is fine */
	{
		smtp_buf b;
		int k;
		smtp_buf_init(&b);
		for (k = 0; k < 999; k++) {
			smtp_buf_append_str(&b, "250-x\r\n");
		}
		smtp_buf_append_str(&b, "250 x\r\n");
		CHECK(parse_all(b.data, b.len, &code, 0, NULL) == SMTP_OK && code == 250);
		smtp_buf_reset(&b);
		for (k = 0; k < 100000; k++) {
			smtp_buf_append_str(&b, "250-x\r\n");
		}
		CHECK(parse_all(b.data, b.len, &code, 0, NULL) == SMTP_ERR_PROTOCOL);
		smtp_buf_free(&b);
	}

	/* a line over 8 KB fails at the cap, without buffering the rest */
	{
		size_t len = 1024 * 1024;
		char *big = malloc(len);
		smtp_reply_parser p;
		size_t used;
		memset(big, 'a', len);
		memcpy(big, "250 ", 4);
		smtp_reply_parser_init(&p);
		CHECK(smtp_reply_parser_feed(&p, big, len, &used) == SMTP_ERR_PROTOCOL);
		CHECK(p.line.cap <= 2 * SMTP_MAX_REPLY_LINE + 64);
		smtp_reply_parser_free(&p);
		free(big);
	}
}

static void test_capabilities(void)
{
	smtp_capabilities caps;
	const char *ehlo = "250-mx.example.com Hello\n250-PIPELINING\n250-SIZE 10240000\n250-auth=LOGIN\n"
		"250-AUTH PLAIN cram-md5 XOAUTH2\n250-8bitmime\n250-ENHANCEDSTATUSCODES\n250-STARTTLS\n250 CHUNKING";
	memset(&caps, 0, sizeof(caps));
	CHECK(smtp_capabilities_parse(&caps, ehlo, strlen(ehlo)) == SMTP_OK);
	CHECK(caps.pipelining && caps.chunking && caps.starttls && caps.eightbitmime && caps.enhanced);
	CHECK(!caps.smtputf8 && !caps.dsn);
	CHECK(caps.size_advertised && caps.size_limit == 10240000);
	CHECK(smtp_capabilities_offer_auth(&caps, SMTP_AUTH_PLAIN) && smtp_capabilities_offer_auth(&caps, SMTP_AUTH_LOGIN)
		&& smtp_capabilities_offer_auth(&caps, SMTP_AUTH_CRAM_MD5) && smtp_capabilities_offer_auth(&caps, SMTP_AUTH_XOAUTH2));
	CHECK(smtp_capability_param(&caps, "size") && strcmp(smtp_capability_param(&caps, "size"), "10240000") == 0);
	CHECK(smtp_capability_param(&caps, "8BITMIME") && strcmp(smtp_capability_param(&caps, "8BITMIME"), "") == 0);
	CHECK(smtp_capability_param(&caps, "DSN") == NULL);
	CHECK(caps.count == 8);
	smtp_capabilities_free(&caps);
}

/* ---- DATA encoder -------------------------------------------------------------------------------- */

static smtp_status encode(const char *in, size_t len, int dot, smtp_buf *out, size_t step)
{
	smtp_data_encoder enc;
	smtp_status st = SMTP_OK;
	size_t i;
	smtp_buf_init(out);
	smtp_data_encoder_init(&enc, &out->sink, dot);
	for (i = 0; i < len && st == SMTP_OK; i += step) {
		st = smtp_data_encode(&enc, in + i, len - i < step ? len - i : step);
	}
	if (st == SMTP_OK) {
		st = smtp_data_finish(&enc);
	}
	smtp_buf_terminate(out);
	return st;
}

/* Wire-form invariants: CR only before LF, LF only after CR, no line over 1000 with CRLF. */
static int wire_clean(const smtp_buf *b)
{
	size_t i, line = 0;
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\r' && (i + 1 >= b->len || b->data[i + 1] != '\n')) {
			return 0;
		}
		if (b->data[i] == '\n' && (i == 0 || b->data[i - 1] != '\r')) {
			return 0;
		}
		line = b->data[i] == '\n' ? 0 : line + 1;
		if (line > 999) {
			return 0;
		}
	}
	return 1;
}

static void test_data_encoder(void)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		/* security matrix 7: every smuggling variant ends up as plain CRLF lines, stuffed */
		{"a\n.\nb", "a\r\n..\r\nb\r\n"},
		{"a\n.\rb", "a\r\n..\r\nb\r\n"},
		{"a\r.\nb", "a\r\n..\r\nb\r\n"},
		{"a\r.\rb", "a\r\n..\r\nb\r\n"},
		{"a\n.\r\nb", "a\r\n..\r\nb\r\n"},
		{"a\r.\r\nb", "a\r\n..\r\nb\r\n"},
		{"a\r\n.\r\r\nb", "a\r\n..\r\n\r\nb\r\n"},
		{"a\r\r\n.\r\r\nb", "a\r\n\r\n..\r\n\r\nb\r\n"},
		/* security matrix 8 */
		{".", "..\r\n"},
		{"..x", "...x\r\n"},
		{".\r\n", "..\r\n"},
		{"no final newline", "no final newline\r\n"},
		{"", ""},
		{"x\r", "x\r\n"},
		{"\n", "\r\n"},
	};
	size_t i, step;
	smtp_buf out;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (step = 1; step <= 3; step++) {
			CHECK(encode(cases[i].in, strlen(cases[i].in), 1, &out, step) == SMTP_OK);
			CHECK_MSG(strcmp(out.data ? out.data : "", cases[i].out) == 0, cases[i].in);
			CHECK(wire_clean(&out));
			smtp_buf_free(&out);
		}
	}
	/* NUL: refused (matrix 9), also right after a dot line */
	CHECK(encode("a\r\n\0.\r\n", 7, 1, &out, 100) == SMTP_ERR_INPUT);
	smtp_buf_free(&out);
	/* BDAT: no stuffing, still CRLF */
	CHECK(encode(".a\n.\n", 5, 0, &out, 100) == SMTP_OK && strcmp(out.data, ".a\r\n.\r\n") == 0);
	smtp_buf_free(&out);
	/* 998 octets pass; 999 are refused (matrix 17 for raw messages) */
	{
		char line[1001];
		memset(line, 'x', sizeof(line));
		CHECK(encode(line, 998, 1, &out, 1000) == SMTP_OK && wire_clean(&out));
		smtp_buf_free(&out);
		CHECK(encode(line, 999, 1, &out, 7) == SMTP_ERR_INPUT);
		smtp_buf_free(&out);
		line[0] = '.';
		CHECK(encode(line, 998, 1, &out, 1000) == SMTP_ERR_INPUT); /* with its stuffed dot it would be 999 */
		smtp_buf_free(&out);
	}
}

/* ---- MD5 / CRAM-MD5 ------------------------------------------------------------------------------ */

static void hex(const unsigned char *d, size_t n, char *out)
{
	size_t i;
	for (i = 0; i < n; i++) {
		sprintf(out + i * 2, "%02x", d[i]);
	}
}

static void test_md5(void)
{
	unsigned char d[16];
	char h[33];
	smtp_md5 m;
	smtp_md5_init(&m);
	smtp_md5_final(&m, d);
	hex(d, 16, h);
	CHECK(strcmp(h, "d41d8cd98f00b204e9800998ecf8427e") == 0);
	smtp_md5_init(&m);
	smtp_md5_update(&m, "The quick brown fox jumps over the lazy dog", 43);
	smtp_md5_final(&m, d);
	hex(d, 16, h);
	CHECK(strcmp(h, "9e107d9d372bb6826bd81d3542a419d6") == 0);
	/* RFC 2104 test vector */
	smtp_hmac_md5((const unsigned char *)"Jefe", 4, (const unsigned char *)"what do ya want for nothing?", 28, d);
	hex(d, 16, h);
	CHECK(strcmp(h, "750c783e6ab0b503eaa86e310a5db738") == 0);
}

/* ---- sessions ------------------------------------------------------------------------------------ */

static const char *EHLO_FULL = "250-mx.example.com\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"
	"250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2\r\n250 8BITMIME\r\n";

static smtp_recipient rcpts[3] = {
	{"b@example.com", NULL, NULL, NULL}, {"c@example.com", NULL, NULL, NULL}, {"d@example.com", NULL, NULL, NULL}};

static smtp_status send_simple(smtp_session *s, size_t nrcpt, int partial, const char *body,
	smtp_send_result *res)
{
	smtp_envelope env;
	text_body b;
	memset(&env, 0, sizeof(env));
	env.from = "a@example.com";
	env.rcpt = rcpts;
	env.rcpt_count = nrcpt;
	env.partial = partial;
	b.text = body;
	b.len = strlen(body);
	return smtp_session_send(s, &env, write_text, &b, res);
}

/* The mechanism table: every mechanism once, found by its name in any case, and each id back to its row. */
static void test_auth_mechanism_table(void)
{
	size_t i, j, n;
	const smtp_auth_mechanism *m = smtp_auth_mechanisms(&n);
	CHECK(n == 7);
	for (i = 0; i < n; i++) {
		char lower[32];
		size_t len = strlen(m[i].name);
		CHECK(m[i].mech != SMTP_AUTH_AUTO && smtp_auth_mechanism_of(m[i].mech) != NULL);
		CHECK(strcmp(smtp_auth_mechanism_of(m[i].mech)->name, m[i].name) == 0);
		CHECK(smtp_auth_mechanism_find(m[i].name, len) && smtp_auth_mechanism_find(m[i].name, len)->mech == m[i].mech);
		for (j = 0; j <= len && j < sizeof(lower); j++) {
			lower[j] = (char)(m[i].name[j] >= 'A' && m[i].name[j] <= 'Z' ? m[i].name[j] - 'A' + 'a' : m[i].name[j]);
		}
		CHECK(smtp_auth_mechanism_find(lower, len) && smtp_auth_mechanism_find(lower, len)->mech == m[i].mech);
		CHECK(smtp_auth_mechanism_find(m[i].name, len - 1) == NULL || len == 1);
		for (j = 0; j < i; j++) {
			CHECK(m[j].mech != m[i].mech);
		}
		/* a token mechanism is never chosen on its own: a password is not a token */
		CHECK(!m[i].bearer_token || (m[i].rank_tls == 0 && m[i].rank_cleartext == 0));
	}
	CHECK(smtp_auth_mechanism_find("PLAIN ", 6) == NULL);
	CHECK(smtp_auth_mechanism_find("", 0) == NULL);
	CHECK(smtp_auth_mechanism_of(SMTP_AUTH_AUTO) == NULL);
	CHECK(smtp_auth_mechanism_find("scram-sha-256", 13)->scram && !smtp_auth_mechanism_find("plain", 5)->scram);
}

static void test_happy_pipelined(void)
{
	script sc;
	smtp_session *s;
	smtp_send_result res;
	script_init(&sc);
	serve(&sc, "220 mx ESMTP\r\n");
	serve(&sc, EHLO_FULL);
	serve(&sc, "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n");
	serve(&sc, "250 2.0.0 Ok: queued as 4ABC123\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "client.example.org", SMTP_TLS_NONE) == SMTP_OK);
	sc.writes = 0;
	CHECK(send_simple(s, 1, 0, "Subject: hi\n\n.dot\nbody", &res) == SMTP_OK);
	CHECK(res.queue_id && strcmp(res.queue_id, "4ABC123") == 0);
	CHECK(res.accepted[0] == 1);
	CHECK(strstr(sent(&sc), "EHLO client.example.org\r\n") != NULL);
	/* the seed class forgot the colon */
	CHECK(strstr(sent(&sc), "MAIL FROM:<a@example.com> BODY=8BITMIME\r\n") == NULL); /* 7-bit: no BODY */
	CHECK(strstr(sent(&sc), "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n") != NULL);
	CHECK(strstr(sent(&sc), "Subject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n") != NULL);
	CHECK(sc.writes == 2); /* one group for the envelope, one for the body and dot */
	CHECK(strstr(logged(&sc), "C: MAIL FROM:<a@example.com>") && strstr(logged(&sc), "S: 354 go"));
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);
}

static void test_not_pipelined_rejections(void)
{
	script sc;
	smtp_session *s;
	smtp_send_result res;
	/* without PIPELINING: one round trip per command; a rejected RCPT aborts (partial off) */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 ENHANCEDSTATUSCODES\r\n");
	serve(&sc, "250 ok\r\n");
	serve(&sc, "250 ok\r\n");
	serve(&sc, "550 5.1.1 <c@example.com>: no such user\r\n");
	serve(&sc, "250 reset\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(send_simple(s, 2, 0, "x", &res) == SMTP_ERR_RECIPIENTS);
	CHECK(res.accepted[0] == 1 && res.accepted[1] == 0 && res.rcpt_code[1] == 550);
	CHECK(smtp_session_error_reply(s)->code == 550);
	CHECK(strcmp(smtp_session_error_reply(s)->enhanced, "5.1.1") == 0);
	CHECK(strstr(sent(&sc), "DATA") == NULL);
	CHECK(strstr(sent(&sc), "RSET\r\n") != NULL);
	CHECK(smtp_session_usable(s));
	CHECK(strstr(smtp_session_error(s), "c@example.com") != NULL);
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);

	/* pipelined, partial off, one of two rejected, DATA already accepted: hang up, deliver nothing */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, EHLO_FULL);
	serve(&sc, "250 ok\r\n250 ok\r\n550 5.1.1 no\r\n354 go\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(send_simple(s, 2, 0, "x", &res) == SMTP_ERR_RECIPIENTS);
	CHECK(!smtp_session_usable(s));
	CHECK(strstr(sent(&sc), "\r\n.\r\n") == NULL);
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);

	/* pipelined, partial on: deliver to the accepted one */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, EHLO_FULL);
	serve(&sc, "250 ok\r\n250 ok\r\n550 5.1.1 no\r\n354 go\r\n");
	serve(&sc, "250 queued as Q1\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(send_simple(s, 2, 1, "x", &res) == SMTP_OK);
	CHECK(res.accepted[0] && !res.accepted[1] && res.rcpt_reply[1] && strstr(res.rcpt_reply[1], "550"));
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);

	/* 554 to DATA: an error with that reply, the session stays usable after RSET */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, EHLO_FULL);
	serve(&sc, "250 ok\r\n250 ok\r\n554 5.7.1 go away\r\n");
	serve(&sc, "250 ok\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(send_simple(s, 1, 0, "x", &res) == SMTP_ERR_REPLY);
	CHECK(smtp_session_error_reply(s)->code == 554 && smtp_session_usable(s));
	CHECK(!smtp_session_error_transient(s));
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);

	/* 451 after the final dot: transient, not sent */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, EHLO_FULL);
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	serve(&sc, "451 4.3.0 try later\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(send_simple(s, 1, 0, "x", &res) == SMTP_ERR_REPLY);
	CHECK(smtp_session_error_reply(s)->code == 451 && smtp_session_error_transient(s));
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);

	/* 421 at MAIL: transient, unusable */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, EHLO_FULL);
	serve(&sc, "421 4.3.2 shutting down\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(send_simple(s, 1, 0, "x", &res) == SMTP_ERR_REPLY);
	CHECK(!smtp_session_usable(s) && smtp_session_error_transient(s));
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);

	/* the connection drops after the body: a closed error, never OK */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, EHLO_FULL);
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(send_simple(s, 1, 0, "x", &res) == SMTP_ERR_CLOSED);
	CHECK(!smtp_session_usable(s) && smtp_session_error_transient(s));
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);
}

static void test_chunking(void)
{
	script sc;
	smtp_session *s;
	smtp_send_result res;
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n250 queued as B1\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	sc.writes = 0;
	CHECK(send_simple(s, 1, 0, ".x\ny", &res) == SMTP_OK);
	CHECK(sc.writes == 1); /* the whole transaction in one write: one round trip */
	CHECK(strstr(sent(&sc), "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nBDAT 7 LAST\r\n.x\r\ny\r\n"));
	CHECK(res.queue_id && strcmp(res.queue_id, "B1") == 0);
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);
}

static void test_starttls(void)
{
	script sc;
	smtp_session *s;

	/* matrix 1: injected lines in the same segment as the 220 */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 STARTTLS\r\n");
	serve(&sc, "220 ready\r\n250-x\r\n250 AUTH LOGIN\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_STARTTLS) == SMTP_ERR_TLS);
	CHECK(!sc.tls_started && !smtp_session_usable(s));
	CHECK(strstr(smtp_session_error(s), "injection") != NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* matrix 2: a partial line after the 220 */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 STARTTLS\r\n");
	serve(&sc, "220 ready\r\n2");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_STARTTLS) == SMTP_ERR_TLS && !sc.tls_started);
	smtp_session_free(s);
	script_free(&sc);

	/* matrix 3: required but absent / 454 / 502 */
	{
		static const char *refusals[] = {NULL, "454 4.7.0 TLS not available\r\n", "502 5.5.1 no\r\n"};
		size_t i;
		for (i = 0; i < 3; i++) {
			script_init(&sc);
			serve(&sc, "220 mx\r\n");
			serve(&sc, refusals[i] ? "250-mx\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n" : "250-mx\r\n250 AUTH PLAIN\r\n");
			if (refusals[i]) {
				serve(&sc, refusals[i]);
			}
			s = session_for(&sc);
			CHECK(smtp_session_open(s, "h", SMTP_TLS_STARTTLS) == SMTP_ERR_TLS);
			CHECK(strstr(sent(&sc), "AUTH") == NULL && strstr(sent(&sc), "MAIL") == NULL);
			smtp_session_free(s);
			script_free(&sc);
		}
	}

	/* matrix 4: EHLO refused with TLS required: no HELO */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "500 what\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_STARTTLS) == SMTP_ERR_TLS);
	CHECK(strstr(sent(&sc), "HELO") == NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* ... but with TLS off, HELO is the fallback */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "500 what\r\n");
	serve(&sc, "250 hi\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(strstr(sent(&sc), "HELO h\r\n") != NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* matrix 6: capabilities from before TLS are forgotten; EHLO again */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250-AUTH PLAIN\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
	serve(&sc, "220 go ahead\r\n");
	serve(&sc, "250-mx\r\n250 SIZE 1000\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_STARTTLS) == SMTP_OK);
	CHECK(sc.tls_started && smtp_session_tls_active(s));
	CHECK(!smtp_session_capabilities(s)->pipelining
		&& !smtp_capabilities_offer_auth(smtp_session_capabilities(s), SMTP_AUTH_PLAIN));
	CHECK(smtp_session_capabilities(s)->size_limit == 1000);
	CHECK(strcmp(sent(&sc) + sc.sent_at_tls, "EHLO h\r\n") == 0);
	CHECK(smtp_session_auth(s, SMTP_AUTH_PLAIN, "u", 1, "p", 1, 0) == SMTP_ERR_AUTH); /* not offered now */
	smtp_session_free(s);
	script_free(&sc);

	/* handshake failure (matrix 5 as the core sees it) */
	script_init(&sc);
	sc.tls_fail = 1;
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 STARTTLS\r\n");
	serve(&sc, "220 go ahead\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_STARTTLS) == SMTP_ERR_TLS);
	CHECK(strstr(smtp_session_error(s), "certificate verify failed") != NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* opportunistic: offered and refused: carry on in cleartext */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 STARTTLS\r\n");
	serve(&sc, "454 not now\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_OPPORTUNISTIC) == SMTP_OK && !smtp_session_tls_active(s));
	smtp_session_free(s);
	script_free(&sc);
}

static smtp_session *open_for_auth(script *sc, const char *auth_caps)
{
	static char ehlo[256];
	smtp_session *s;
	snprintf(ehlo, sizeof(ehlo), "250-mx\r\n250 AUTH %s\r\n", auth_caps);
	serve(sc, "220 mx\r\n");
	serve(sc, ehlo);
	s = session_for(sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	return s;
}

static void test_auth(void)
{
	script sc;
	smtp_session *s;
	const char *pw = "s3cret-Pa55";

	/* matrix 22: cleartext AUTH refused before any byte */
	script_init(&sc);
	s = open_for_auth(&sc, "PLAIN");
	{
		size_t before = sc.sent.len;
		CHECK(smtp_session_auth(s, SMTP_AUTH_PLAIN, "user", 4, pw, strlen(pw), 0) == SMTP_ERR_AUTH);
		CHECK(sc.sent.len == before);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* PLAIN with the initial response */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2\r\n");
	serve(&sc, "235 2.7.0 ok\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_auth(s, SMTP_AUTH_PLAIN, "user", 4, pw, strlen(pw), 1) == SMTP_OK);
	/* base64("\0user\0s3cret-Pa55") */
	CHECK(strstr(sent(&sc), "AUTH PLAIN AHVzZXIAczNjcmV0LVBhNTU=\r\n") != NULL);
	CHECK(strstr(logged(&sc), "AHVzZXIA") == NULL && strstr(logged(&sc), pw) == NULL); /* matrix 24 */
	CHECK(strstr(logged(&sc), "C: AUTH PLAIN <redacted>") != NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* LOGIN */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 AUTH LOGIN\r\n");
	serve(&sc, "334 VXNlcm5hbWU6\r\n");
	serve(&sc, "334 UGFzc3dvcmQ6\r\n");
	serve(&sc, "235 ok\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_auth(s, SMTP_AUTH_AUTO, "user", 4, pw, strlen(pw), 1) == SMTP_OK);
	CHECK(strstr(sent(&sc), "AUTH LOGIN\r\ndXNlcg==\r\nczNjcmV0LVBhNTU=\r\n") != NULL);
	CHECK(strstr(logged(&sc), "czNjcmV0LVBhNTU=") == NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* CRAM-MD5, RFC 2195's example */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 AUTH CRAM-MD5\r\n");
	serve(&sc, "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
	serve(&sc, "235 ok\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_auth(s, SMTP_AUTH_CRAM_MD5, "tim", 3, "tanstaaftanstaaf", 16, 1) == SMTP_OK);
	/* base64("tim b913a602c7eda7a495b4e6e7334d3890") */
	CHECK(strstr(sent(&sc), "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n") != NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* XOAUTH2: the long token goes after a 334 when it does not fit the command line; errors answered */
	{
		char token[600], echo[700];
		memset(token, 'T', sizeof(token) - 1);
		token[sizeof(token) - 1] = '\0';
		snprintf(echo, sizeof(echo), "535 5.7.8 bad token %s\r\n", token);
		script_init(&sc);
		serve(&sc, "220 mx\r\n");
		serve(&sc, "250-mx\r\n250 AUTH XOAUTH2\r\n");
		serve(&sc, "334 \r\n");
		serve(&sc, "334 eyJzdGF0dXMiOiI0MDEifQ==\r\n");
		serve(&sc, echo); /* a server that echoes the token */
		s = session_for(&sc);
		CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
		CHECK(smtp_session_auth(s, SMTP_AUTH_XOAUTH2, "u@x", 3, token, strlen(token), 1) == SMTP_ERR_AUTH);
		CHECK(strstr(sent(&sc), "AUTH XOAUTH2\r\n") != NULL);
		CHECK(smtp_session_error_reply(s)->code == 535);
		CHECK(strstr(smtp_session_error(s), "TTTT") == NULL); /* redacted */
		CHECK(strstr(smtp_session_last_reply(s)->text.data, "TTTT") == NULL);
		CHECK(strstr(logged(&sc), "TTTT") == NULL);
		smtp_session_free(s);
		script_free(&sc);
	}

	/* matrix 23: endless 334 gives up after 5 challenges; bad base64 at once */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 AUTH LOGIN\r\n");
	{
		int k;
		for (k = 0; k < 10; k++) {
			serve(&sc, "334 VXNlcm5hbWU6\r\n");
		}
	}
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_auth(s, SMTP_AUTH_LOGIN, "u", 1, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
	CHECK(strstr(sent(&sc), "\r\n*\r\n") != NULL);
	smtp_session_free(s);
	script_free(&sc);

	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 AUTH CRAM-MD5\r\n");
	serve(&sc, "334 !!!notbase64\r\n");
	serve(&sc, "501 cancelled\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_auth(s, SMTP_AUTH_CRAM_MD5, "u", 1, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
	CHECK(strstr(smtp_session_error(s), "invalid challenge") != NULL);
	smtp_session_free(s);
	script_free(&sc);
}

/*
 * An OAuth token too long for the command line goes after the 334 (RFC 4954 4); one too long for an AUTH
 * response line at all (12,288 octets with CRLF) is refused before AUTH is sent, so no later command is
 * ever read as the response the server would be waiting for.
 */
static void test_auth_long_responses(void)
{
	/* "user=u@x^Aauth=Bearer " token "^A^A": 23 octets around the token; 9213 raw octets make the largest
	 * base64 line that fits (12284 + CRLF) */
	enum { MAX_TOKEN = 9213 - 23 };
	static char token[9300];
	script sc;
	smtp_session *s;
	size_t before;
	const char *line;

	memset(token, 'T', sizeof(token));
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 AUTH XOAUTH2\r\n");
	serve(&sc, "334 \r\n");
	serve(&sc, "235 2.7.0 ok\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	before = sc.sent.len;
	CHECK(smtp_session_auth(s, SMTP_AUTH_XOAUTH2, "u@x", 3, token, MAX_TOKEN, 1) == SMTP_OK);
	line = sent(&sc) + before;
	CHECK(strncmp(line, "AUTH XOAUTH2\r\n", 14) == 0);
	CHECK(strlen(line) == 14 + 12284 + 2 && strcmp(line + 14 + 12284, "\r\n") == 0);
	CHECK(strncmp(line + 14, "dXNlcj11QHgBYXV0aD1CZWFyZXIgVFRU", 32) == 0); /* base64("user=u@x\1auth=Bearer TTT") */
	CHECK(strstr(logged(&sc), "TVRU") == NULL && strstr(logged(&sc), "C: <redacted>") != NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* one octet more: refused with nothing sent; the session goes on as if AUTH had never been tried */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 AUTH XOAUTH2 OAUTHBEARER\r\n");
	serve(&sc, "250 2.0.0 reset\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	before = sc.sent.len;
	CHECK(smtp_session_auth(s, SMTP_AUTH_XOAUTH2, "u@x", 3, token, MAX_TOKEN + 1, 1) == SMTP_ERR_INPUT);
	CHECK(sc.sent.len == before);
	CHECK_MSG(strstr(smtp_session_error(s), "OAuth token is too long for XOAUTH2: 9191 octets, at most 9190 fit")
		!= NULL, smtp_session_error(s));
	CHECK(smtp_session_usable(s));
	CHECK(smtp_session_rset(s) == SMTP_OK);
	CHECK(strcmp(sent(&sc) + before, "RSET\r\n") == 0);
	smtp_session_free(s);
	script_free(&sc);

	/* OAUTHBEARER: "n,a=u@x,^Aauth=Bearer " token "^A^A", 23 octets around the token too */
	script_init(&sc);
	s = open_for_auth(&sc, "OAUTHBEARER");
	before = sc.sent.len;
	CHECK(smtp_session_auth(s, SMTP_AUTH_OAUTHBEARER, "u@x", 3, token, MAX_TOKEN + 1, 1) == SMTP_ERR_INPUT);
	CHECK(sc.sent.len == before);
	CHECK_MSG(strstr(smtp_session_error(s), "too long for OAUTHBEARER: 9191 octets, at most 9190 fit") != NULL, smtp_session_error(s));
	smtp_session_free(s);
	script_free(&sc);

	/* LOGIN's password on its own line: the same limit, checked before AUTH LOGIN */
	script_init(&sc);
	s = open_for_auth(&sc, "LOGIN");
	before = sc.sent.len;
	CHECK(smtp_session_auth(s, SMTP_AUTH_LOGIN, "u", 1, token, 9214, 1) == SMTP_ERR_INPUT);
	CHECK(sc.sent.len == before && smtp_session_usable(s));
	CHECK_MSG(strstr(smtp_session_error(s), "too long for LOGIN") != NULL, smtp_session_error(s));
	smtp_session_free(s);
	script_free(&sc);
}

/* A cancelled exchange that the server does not end (anything but an error after "*"): where AUTH stands
 * is unknown, so the session ends rather than have the next command read as a response. */
static void test_auth_cancel_not_confirmed(void)
{
	script sc;
	smtp_session *s;
	int k;

	/* LOGIN answers two challenges; the third is cancelled, and that "*" gets a 334 again */
	script_init(&sc);
	s = open_for_auth(&sc, "LOGIN");
	for (k = 0; k < 4; k++) {
		serve(&sc, "334 VXNlcm5hbWU6\r\n");
	}
	CHECK(smtp_session_auth(s, SMTP_AUTH_LOGIN, "u", 1, "pw", 2, 1) == SMTP_ERR_AUTH);
	CHECK(strstr(sent(&sc), "\r\n*\r\n") != NULL);
	CHECK_MSG(strstr(smtp_session_error(s), "unexpected challenge") != NULL, smtp_session_error(s));
	CHECK(!smtp_session_usable(s));
	smtp_session_free(s);
	script_free(&sc);

	/* the usual 501: cancelled, the session goes on */
	script_init(&sc);
	s = open_for_auth(&sc, "LOGIN");
	for (k = 0; k < 3; k++) {
		serve(&sc, "334 VXNlcm5hbWU6\r\n");
	}
	serve(&sc, "501 5.7.0 cancelled\r\n");
	CHECK(smtp_session_auth(s, SMTP_AUTH_LOGIN, "u", 1, "pw", 2, 1) == SMTP_ERR_AUTH);
	CHECK_MSG(strstr(smtp_session_error(s), "unexpected challenge") != NULL, smtp_session_error(s));
	CHECK(smtp_session_usable(s));
	smtp_session_free(s);
	script_free(&sc);
}

/* The AUTH line is zeroed in the output buffer once written (a persistent session keeps the buffer). */
static void test_auth_line_wiped(void)
{
	script sc;
	smtp_session *s;
	const char *pw = "s3cret-Pa55";
	size_t i;
	int found = 0;

	script_init(&sc);
	s = open_for_auth(&sc, "PLAIN");
	serve(&sc, "235 2.7.0 ok\r\n");
	CHECK(smtp_session_auth(s, SMTP_AUTH_PLAIN, "user", 4, pw, strlen(pw), 1) == SMTP_OK);
	CHECK(strstr(sent(&sc), "AUTH PLAIN AHVzZXIAczNjcmV0LVBhNTU=\r\n") != NULL);
	for (i = 0; s->out.data && i + 8 <= s->out.cap; i++) {
		if (memcmp(s->out.data + i, "AHVzZXIA", 8) == 0 || memcmp(s->out.data + i, "AUTH", 4) == 0) {
			found = 1;
		}
	}
	CHECK(!found);
	smtp_session_free(s);
	script_free(&sc);
}

/* The transcript keeps "AUTH <mechanism> " of a secret line only when "<redacted>" fits after it in the
 * 64-octet line it is built in. */
static void test_redacted_line_bound(void)
{
	char line[128];
	script sc;
	smtp_session *s;
	size_t mech;

	for (mech = 47; mech <= 52; mech++) {
		char want[128];
		size_t keep = 5 + mech + 1;
		memcpy(line, "AUTH ", 5);
		memset(line + 5, 'M', mech);
		strcpy(line + 5 + mech, " c2VjcmV0");
		script_init(&sc);
		s = session_for(&sc);
		CHECK(session_queue_line(s, line, strlen(line), SMTP_MAX_COMMAND_LINE, 1) == SMTP_OK);
		if (keep + 10 <= 64) {
			snprintf(want, sizeof(want), "C: %.*s<redacted>\n", (int)keep, line);
		} else {
			snprintf(want, sizeof(want), "C: <redacted>\n");
		}
		CHECK_MSG(strcmp(logged(&sc), want) == 0, logged(&sc));
		smtp_session_free(s);
		script_free(&sc);
	}
}

/* SCRAM over the session: the nonce source gives bytes 0..23, so the client nonce is
 * "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"; the proof and the server signature below were computed apart
 * (Python's hashlib.pbkdf2_hmac and hmac) for user "user", password "s3cret-Pa55". */
static int counting_nonce(void *ctx, unsigned char *buf, size_t len)
{
	size_t i;
	(void)ctx;
	for (i = 0; i < len; i++) {
		buf[i] = (unsigned char)i;
	}
	return 0;
}

static int failing_nonce(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -1;
}

#define SCRAM_FIRST "biwsbj11c2VyLHI9QUFFQ0F3UUZCZ2NJQ1FvTERBME9EeEFSRWhNVUZSWVg="
/* r=<client nonce>srvNonce123,s=c2FsdHNhbHQ=,i=4096 */
#define SCRAM_SERVER_FIRST "334 cj1BQUVDQXdRRkJnY0lDUW9MREEwT0R4QVJFaE1VRlJZWHNydk5vbmNlMTIzLHM9YzJGc2RITmhiSFE9LGk9NDA5Ng==\r\n"
#define SCRAM_FINAL "Yz1iaXdzLHI9QUFFQ0F3UUZCZ2NJQ1FvTERBME9EeEFSRWhNVUZSWVhzcnZOb25jZTEyMyxwPTVBMzVLd1VXYjJvdGVhVEY5bXBzT0hCUjFWMWlHZ1Awelk1Q1VRVVdjZ289"
/* v=blGPjAJVcz4lH3AzUi/oSqfkkKojpbXBsS09qGSzsbw= */
#define SCRAM_SERVER_FINAL "334 dj1ibEdQakFKVmN6NGxIM0F6VWkvb1NxZmtrS29qcGJYQnNTMDlxR1N6c2J3PQ==\r\n"

static smtp_session *scram_session(script *sc, const char *auth_caps)
{
	smtp_session *s = open_for_auth(sc, auth_caps);
	smtp_session_set_nonce_source(s, counting_nonce, NULL);
	return s;
}

static void test_auth_scram(void)
{
	script sc;
	smtp_session *s;
	const char *pw = "s3cret-Pa55";

	/* chosen over PLAIN when offered; the whole exchange, an empty line after the server's signature */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 AUTH PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256\r\n");
	serve(&sc, SCRAM_SERVER_FIRST);
	serve(&sc, SCRAM_SERVER_FINAL);
	serve(&sc, "235 2.7.0 ok\r\n");
	s = session_for(&sc);
	smtp_session_set_nonce_source(s, counting_nonce, NULL);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_auth(s, SMTP_AUTH_AUTO, "user", 4, pw, strlen(pw), 1) == SMTP_OK);
	CHECK(strstr(sent(&sc), "AUTH SCRAM-SHA-256 " SCRAM_FIRST "\r\n" SCRAM_FINAL "\r\n\r\n") != NULL);
	CHECK(strstr(sent(&sc), "AUTH PLAIN") == NULL);
	CHECK(strstr(logged(&sc), SCRAM_FINAL) == NULL); /* the proof is not logged */
	CHECK(smtp_session_usable(s));
	smtp_session_free(s);
	script_free(&sc);

	/* a wrong server signature: "*", AUTH error, session over */
	script_init(&sc);
	s = scram_session(&sc, "SCRAM-SHA-256");
	serve(&sc, SCRAM_SERVER_FIRST);
	serve(&sc, "334 dj1jbEdQakFKVmN6NGxIM0F6VWkvb1NxZmtrS29qcGJYQnNTMDlxR1N6c2J3PQ==\r\n"); /* v=clGP... */
	serve(&sc, "501 cancelled\r\n");
	CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA256, "user", 4, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
	CHECK(strstr(smtp_session_error(s), "signature is wrong") != NULL);
	CHECK(strstr(sent(&sc), SCRAM_FINAL "\r\n*\r\n") != NULL);
	CHECK(!smtp_session_usable(s));
	smtp_session_free(s);
	script_free(&sc);

	/* 235 without the server's signature: refused all the same */
	script_init(&sc);
	s = scram_session(&sc, "SCRAM-SHA-256");
	serve(&sc, SCRAM_SERVER_FIRST);
	serve(&sc, "235 2.7.0 ok\r\n");
	CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA256, "user", 4, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
	CHECK(strstr(smtp_session_error(s), "without sending its signature") != NULL);
	CHECK(!smtp_session_usable(s));
	smtp_session_free(s);
	script_free(&sc);

	/* a nonce that is not ours: no proof sent */
	script_init(&sc);
	s = scram_session(&sc, "SCRAM-SHA-256");
	serve(&sc, "334 cj1YWFhYWFgscz1jMkZzZEhOaGJIUT0saT00MDk2\r\n"); /* r=XXXXXX,s=...,i=4096 */
	serve(&sc, "501 cancelled\r\n");
	CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA256, "user", 4, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
	CHECK(strstr(smtp_session_error(s), "nonce") != NULL);
	CHECK(strstr(sent(&sc), "Yz1iaXdz") == NULL && strstr(sent(&sc), "\r\n*\r\n") != NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* 535 after the proof: the server's reply in the error */
	script_init(&sc);
	s = scram_session(&sc, "SCRAM-SHA-256");
	serve(&sc, SCRAM_SERVER_FIRST);
	serve(&sc, "535 5.7.8 Authentication failed\r\n");
	CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA256, "user", 4, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
	CHECK(smtp_session_error_reply(s)->code == 535);
	smtp_session_free(s);
	script_free(&sc);

	/* no downgrade: SCRAM asked for, only PLAIN offered: nothing sent */
	script_init(&sc);
	s = scram_session(&sc, "PLAIN LOGIN");
	{
		size_t before = sc.sent.len;
		CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA256, "user", 4, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
		CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA1, "user", 4, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
		CHECK(sc.sent.len == before);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* no CSPRNG, or a password SASLprep refuses: nothing sent */
	script_init(&sc);
	s = open_for_auth(&sc, "SCRAM-SHA-1");
	{
		size_t before = sc.sent.len;
		CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA1, "user", 4, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
		smtp_session_set_nonce_source(s, failing_nonce, NULL);
		CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA1, "user", 4, pw, strlen(pw), 1) == SMTP_ERR_AUTH);
		CHECK(strstr(smtp_session_error(s), "random") != NULL);
		smtp_session_set_nonce_source(s, counting_nonce, NULL);
		CHECK(smtp_session_auth(s, SMTP_AUTH_SCRAM_SHA1, "user", 4, "a\x01" "b", 3, 1) == SMTP_ERR_INPUT);
		CHECK(sc.sent.len == before);
	}
	smtp_session_free(s);
	script_free(&sc);
}

/* OAUTHBEARER (RFC 7628): the initial response, and the error challenge answered with a lone ^A */
static void test_auth_oauthbearer(void)
{
	script sc;
	smtp_session *s;

	script_init(&sc);
	s = open_for_auth(&sc, "XOAUTH2 OAUTHBEARER");
	serve(&sc, "235 2.7.0 ok\r\n");
	CHECK(smtp_session_auth(s, SMTP_AUTH_OAUTHBEARER, "u=x@y", 5, "tok-123", 7, 1) == SMTP_OK);
	/* base64("n,a=u=3Dx@y,^Aauth=Bearer tok-123^A^A") */
	CHECK(strstr(sent(&sc), "AUTH OAUTHBEARER bixhPXU9M0R4QHksAWF1dGg9QmVhcmVyIHRvay0xMjMBAQ==\r\n") != NULL);
	CHECK(strstr(logged(&sc), "tok-123") == NULL && strstr(logged(&sc), "bixhPXU9") == NULL);
	smtp_session_free(s);
	script_free(&sc);

	script_init(&sc);
	s = open_for_auth(&sc, "OAUTHBEARER");
	serve(&sc, "334 eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=\r\n"); /* {"status":"invalid_token"} */
	serve(&sc, "535 5.7.8 token tok-123 expired\r\n");
	CHECK(smtp_session_auth(s, SMTP_AUTH_OAUTHBEARER, "u", 1, "tok-123", 7, 1) == SMTP_ERR_AUTH);
	CHECK(strstr(sent(&sc), "\r\nAQ==\r\n") != NULL);
	CHECK(smtp_session_error_reply(s)->code == 535 && smtp_session_usable(s));
	CHECK(strstr(smtp_session_error(s), "tok-123") == NULL);
	smtp_session_free(s);
	script_free(&sc);

	/* not offered: nothing sent (no fallback to XOAUTH2) */
	script_init(&sc);
	s = open_for_auth(&sc, "XOAUTH2");
	{
		size_t before = sc.sent.len;
		CHECK(smtp_session_auth(s, SMTP_AUTH_OAUTHBEARER, "u", 1, "tok", 3, 1) == SMTP_ERR_AUTH);
		CHECK(sc.sent.len == before);
	}
	smtp_session_free(s);
	script_free(&sc);
}

static void test_deadlines(void)
{
	script sc;
	smtp_session *s;
	int k;
	/* matrix 21: one byte every 2 s; the 5 s deadline is per reply, not per read */
	script_init(&sc);
	for (k = 0; k < 8; k++) {
		static const char greeting[] = "220 slowly\r\n";
		static char bytes[sizeof(greeting)][2];
		bytes[k][0] = greeting[k];
		bytes[k][1] = '\0';
		serve_later(&sc, bytes[k], 2000);
	}
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_ERR_TIMEOUT);
	CHECK(sc.clock <= 6000 && smtp_session_error_transient(s));
	smtp_session_free(s);
	script_free(&sc);

	/* a silent server */
	script_init(&sc);
	serve_later(&sc, "220 late\r\n", 60000);
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_ERR_TIMEOUT);
	smtp_session_free(s);
	script_free(&sc);
}

/* QUIT in two halves (sendBatch() closing its connections together): the command is written before any
 * reply is read, the reply is checked, and the session is unusable after either half fails */
static void test_quit_halves(void)
{
	script sc;
	smtp_session *s;

	script_init(&sc);
	serve(&sc, "220 hi\r\n");
	serve(&sc, "250 ok\r\n");
	serve(&sc, "221 bye\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_quit_send(s) == SMTP_OK);
	CHECK(strstr(sent(&sc), "QUIT\r\n") != NULL && sc.next == 2); /* written, the reply not read yet */
	CHECK(smtp_session_usable(s));
	CHECK(smtp_session_quit_reply(s) == SMTP_OK && sc.next == 3);
	CHECK(!smtp_session_usable(s));
	CHECK(smtp_session_quit_send(s) == SMTP_ERR_STATE);
	smtp_session_free(s);
	script_free(&sc);

	/* a refusal is an error, and the connection is over all the same */
	script_init(&sc);
	serve(&sc, "220 hi\r\n");
	serve(&sc, "250 ok\r\n");
	serve(&sc, "500 what\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_quit_send(s) == SMTP_OK);
	CHECK(smtp_session_quit_reply(s) == SMTP_ERR_REPLY);
	CHECK(!smtp_session_usable(s));
	smtp_session_free(s);
	script_free(&sc);

	/* the server hung up before answering */
	script_init(&sc);
	serve(&sc, "220 hi\r\n");
	serve(&sc, "250 ok\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	CHECK(smtp_session_quit_send(s) == SMTP_OK);
	CHECK(smtp_session_quit_reply(s) != SMTP_OK && !smtp_session_usable(s));
	smtp_session_free(s);
	script_free(&sc);
}

static void test_input_checks(void)
{
	CHECK(smtp_longest_line("", 0) == 0);
	CHECK(smtp_longest_line("ab\r\nabcd\nx", 11) == 4);
	CHECK(smtp_longest_line("abc\rde", 6) == 3);
	script sc;
	smtp_session *s;
	smtp_send_result res;
	smtp_envelope env;
	smtp_recipient bad = {"a@b.c>\r\nDATA", NULL, NULL, NULL};
	smtp_recipient quoted = {"\"x> ORCPT=rfc822;e@x\"@example.com", NULL, NULL, NULL};
	text_body b = {"x", 1};

	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, EHLO_FULL);
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	serve(&sc, "250 ok\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	{
		size_t before = sc.sent.len;
		memset(&env, 0, sizeof(env));
		env.from = "a@example.com";
		env.rcpt = &bad;
		env.rcpt_count = 1;
		CHECK(smtp_session_send(s, &env, write_text, &b, &res) == SMTP_ERR_INPUT); /* matrix 10 */
		CHECK(sc.sent.len == before);
		smtp_send_result_free(&res);
		env.from = "a@example.com\r\nRSET";
		env.rcpt = &quoted;
		CHECK(smtp_session_send(s, &env, write_text, &b, &res) == SMTP_ERR_INPUT); /* matrix 11 */
		CHECK(sc.sent.len == before);
		smtp_send_result_free(&res);
	}
	env.from = "a@example.com";
	CHECK(smtp_session_send(s, &env, write_text, &b, &res) == SMTP_OK); /* matrix 12 */
	CHECK(strstr(sent(&sc), "RCPT TO:<\"x> ORCPT=rfc822;e@x\"@example.com>\r\n") != NULL);
	smtp_send_result_free(&res);
	smtp_session_free(s);
	script_free(&sc);

	/* helo with CR/LF or space */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h\r\nMAIL FROM:<x@y>", SMTP_TLS_NONE) == SMTP_ERR_INPUT);
	CHECK(sc.sent.len == 0);
	smtp_session_free(s);
	script_free(&sc);
}

/* DSN parameters (RFC 3461, RFC 6533): only when DSN is advertised, values encoded as xtext. */
/* REQUIRETLS (RFC 8689): on MAIL when offered over TLS; refused before MAIL otherwise */
static void test_requiretls(void)
{
	script sc;
	smtp_session *s;
	smtp_send_result res;
	smtp_envelope env;
	smtp_recipient rcpt[1] = {{"a@example.com", NULL, NULL, NULL}};
	text_body b = {"x", 1};
	int variant;

	memset(&env, 0, sizeof(env));
	env.from = "s@example.com";
	env.rcpt = rcpt;
	env.rcpt_count = 1;
	env.requiretls = 1;
	/* 0: offered over TLS; 1: not offered over TLS; 2: offered, but the channel is cleartext */
	for (variant = 0; variant < 3; variant++) {
		script_init(&sc);
		serve(&sc, "220 mx\r\n");
		serve(&sc, variant == 1 ? "250-mx\r\n250 PIPELINING\r\n" : "250-mx\r\n250-PIPELINING\r\n250 REQUIRETLS\r\n");
		serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
		serve(&sc, "250 ok\r\n");
		s = session_for(&sc);
		if (variant != 2) {
			smtp_session_set_tls_active(s, 1); /* as after implicit TLS */
		}
		CHECK(smtp_session_open(s, "h", variant == 2 ? SMTP_TLS_NONE : SMTP_TLS_IMPLICIT) == SMTP_OK);
		CHECK(smtp_session_capabilities(s)->requiretls == (variant != 1));
		if (variant == 0) {
			CHECK(smtp_session_send(s, &env, write_text, &b, &res) == SMTP_OK);
			CHECK(strstr(sent(&sc), "MAIL FROM:<s@example.com> REQUIRETLS\r\n") != NULL);
		} else {
			CHECK(smtp_session_send(s, &env, write_text, &b, &res) == SMTP_ERR_TLS);
			CHECK(strstr(sent(&sc), "MAIL") == NULL);
			CHECK(strstr(smtp_session_error(s), "REQUIRETLS") != NULL && smtp_session_usable(s));
		}
		smtp_send_result_free(&res);
		smtp_session_free(s);
		script_free(&sc);
	}
}

static void test_dsn_params(void)
{
	script sc;
	smtp_session *s;
	smtp_send_result res;
	smtp_envelope env;
	smtp_recipient rcpt[2] = {
		{"a+b@example.com", "SUCCESS,FAILURE", "rfc822;a+b@example.com", NULL},
		{"c@example.com", "NEVER", "utf-8;\xe7\x94\xa8\xe6\x88\xb7=x@\xe4\xbe\x8b\xe5\xad\x90.cn", NULL}
	};
	text_body b = {"x", 1};
	int with_dsn;

	for (with_dsn = 0; with_dsn < 2; with_dsn++) {
		script_init(&sc);
		serve(&sc, "220 mx\r\n");
		serve(&sc, with_dsn ? "250-mx\r\n250-PIPELINING\r\n250 DSN\r\n" : "250-mx\r\n250 PIPELINING\r\n");
		serve(&sc, "250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n");
		serve(&sc, "250 ok\r\n");
		s = session_for(&sc);
		CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
		memset(&env, 0, sizeof(env));
		env.from = "s@example.com";
		env.rcpt = rcpt;
		env.rcpt_count = 2;
		env.dsn_ret = "HDRS";
		env.dsn_envid = "id+1 =x";
		CHECK(smtp_session_send(s, &env, write_text, &b, &res) == SMTP_OK);
		if (with_dsn) {
			CHECK(strstr(sent(&sc), "MAIL FROM:<s@example.com> RET=HDRS ENVID=id+2B1+20+3Dx\r\n") != NULL);
			CHECK(strstr(sent(&sc), "RCPT TO:<a+b@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+2Bb@example.com\r\n")
				!= NULL);
			CHECK_MSG(strstr(sent(&sc), "RCPT TO:<c@example.com> NOTIFY=NEVER "
				"ORCPT=utf-8;\\x{7528}\\x{6237}\\x{3D}x@\\x{4F8B}\\x{5B50}.cn\r\n") != NULL, sent(&sc));
		} else {
			CHECK(strstr(sent(&sc), "MAIL FROM:<s@example.com>\r\n") != NULL);
			CHECK(strstr(sent(&sc), "RCPT TO:<a+b@example.com>\r\n") != NULL);
			CHECK(strstr(sent(&sc), "RCPT TO:<c@example.com>\r\n") != NULL);
		}
		smtp_send_result_free(&res);
		smtp_session_free(s);
		script_free(&sc);
	}
}

static void batch_items(smtp_batch_item *items, smtp_envelope *envs, text_body *bodies, size_t n)
{
	size_t i;
	memset(items, 0, n * sizeof(*items));
	for (i = 0; i < n; i++) {
		memset(&envs[i], 0, sizeof(envs[i]));
		envs[i].from = "a@example.com";
		envs[i].rcpt = &rcpts[i % 3];
		envs[i].rcpt_count = 1;
		bodies[i].text = "Subject: batch\r\n\r\nhello\r\n";
		bodies[i].len = strlen(bodies[i].text);
		items[i].env = &envs[i];
		items[i].body_fn = write_text;
		items[i].body_ctx = &bodies[i];
	}
}

static void test_batch(void)
{
	script sc;
	smtp_session *s;
	smtp_batch_item items[3];
	smtp_envelope envs[3];
	text_body bodies[3];
	size_t i;

	/* all three in one write, replies matched in order */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n250 queued as Q1\r\n250 reset\r\n250 ok\r\n250 ok\r\n250 queued as Q2\r\n"
		"250 reset\r\n250 ok\r\n250 ok\r\n250 queued as Q3\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 3);
	sc.writes = 0;
	CHECK(smtp_session_send_batch(s, items, 3) == SMTP_OK);
	CHECK(sc.writes == 1);
	for (i = 0; i < 3; i++) {
		char want[8];
		snprintf(want, sizeof(want), "Q%d", (int)i + 1);
		CHECK(items[i].attempted && items[i].status == SMTP_OK);
		CHECK(items[i].result.queue_id && strcmp(items[i].result.queue_id, want) == 0);
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* the second is rejected; the third, refused only because the second was still open, is sent again */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n250 queued as Q1\r\n250 reset\r\n250 ok\r\n550 5.1.1 no such user\r\n"
		"554 5.5.1 no valid recipients\r\n250 reset\r\n250 ok\r\n250 ok\r\n250 queued as Q3\r\n");
	serve(&sc, "250 reset\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 3);
	CHECK(smtp_session_send_batch(s, items, 3) == SMTP_OK);
	CHECK(items[0].status == SMTP_OK);
	CHECK(items[1].status == SMTP_ERR_RECIPIENTS && items[1].reply_code == 550);
	CHECK(items[1].error && strstr(items[1].error, "c@example.com"));
	CHECK(items[2].status == SMTP_OK && items[2].result.queue_id && strcmp(items[2].result.queue_id, "Q3") == 0);
	/* every transaction behind another starts with RSET, so none can join a failed one left open */
	CHECK(strstr(sent(&sc), "hello\r\nRSET\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<d@example.com>") != NULL);
	for (i = 0; i < 3; i++) {
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* the connection drops after the first: the others are never reported sent */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n250 queued as Q1\r\n250 reset\r\n250 ok\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 3);
	CHECK(smtp_session_send_batch(s, items, 3) == SMTP_ERR_CLOSED);
	CHECK(items[0].status == SMTP_OK);
	CHECK(items[1].attempted && items[1].status == SMTP_ERR_CLOSED && items[1].transient);
	CHECK(items[2].attempted && items[2].status == SMTP_ERR_CLOSED);
	for (i = 0; i < 3; i++) {
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* without CHUNKING: each body goes out with the next message's envelope, one round trip each */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 PIPELINING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	serve(&sc, "250 queued as Q1\r\n250 ok\r\n250 ok\r\n354 go\r\n");
	serve(&sc, "250 queued as Q2\r\n250 ok\r\n250 ok\r\n354 go\r\n");
	serve(&sc, "250 queued as Q3\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 3);
	sc.writes = 0;
	CHECK(smtp_session_send_batch(s, items, 3) == SMTP_OK);
	CHECK(sc.writes == 4);
	CHECK(strstr(sent(&sc), "hello\r\n.\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\n") != NULL);
	for (i = 0; i < 3; i++) {
		char want[8];
		snprintf(want, sizeof(want), "Q%d", (int)i + 1);
		CHECK(items[i].status == SMTP_OK && items[i].result.queue_id && strcmp(items[i].result.queue_id, want) == 0);
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* without CHUNKING, with a rejection and then a drop */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 PIPELINING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	serve(&sc, "250 queued as Q1\r\n");
	serve(&sc, "250 ok\r\n550 no\r\n554 no valid recipients\r\n");
	serve(&sc, "250 reset\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 3);
	CHECK(smtp_session_send_batch(s, items, 3) == SMTP_ERR_CLOSED);
	CHECK(items[0].status == SMTP_OK && items[1].status == SMTP_ERR_RECIPIENTS);
	CHECK(items[2].status == SMTP_ERR_CLOSED && items[2].transient);
	for (i = 0; i < 3; i++) {
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);
}

/* The batch in steps, as a caller driving several connections uses it: push, flush, collect without waiting. */
static void test_batch_run(void)
{
	script sc;
	smtp_session *s;
	smtp_batch_run *r;
	smtp_batch_item items[3];
	smtp_envelope envs[3];
	text_body bodies[3];
	smtp_status st;
	size_t i;
	int again;

	/* over DATA: a reply that arrives in two pieces is SMTP_AGAIN in between, then the item is done */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 PIPELINING\r\n");
	serve(&sc, "250 ok\r\n250 o");
	serve_later(&sc, "k\r\n354 go\r\n", 30);
	serve(&sc, "250 queued as Q1\r\n250 ok\r\n250 ok\r\n354 go\r\n");
	serve_later(&sc, "250 queued as Q2\r\n", 30);
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 2);
	r = smtp_batch_run_new(s);
	CHECK(r != NULL && smtp_batch_run_can_push(r, &items[0]));
	sc.writes = 0;
	CHECK(smtp_batch_run_push(r, &items[0]) == SMTP_OK);
	CHECK(sc.writes == 0 && smtp_batch_run_queued(r) && smtp_batch_run_waiting(r));
	CHECK(!smtp_batch_run_can_push(r, &items[1]));
	CHECK(smtp_batch_run_flush(r) == SMTP_OK && sc.writes == 1);
	CHECK(smtp_batch_run_collect(r, 1) == SMTP_AGAIN);
	CHECK(smtp_batch_run_deadline(r) == sc.clock - 1 + 5000 || smtp_batch_run_deadline(r) > sc.clock);
	for (again = 0; (st = smtp_batch_run_collect(r, 1)) == SMTP_AGAIN; again++) {
	}
	CHECK(st == SMTP_OK && again > 0);
	/* its body is queued; the next message's envelope goes with it */
	CHECK(items[0].outcome == SMTP_BATCH_PENDING && smtp_batch_run_can_push(r, &items[1]));
	CHECK(smtp_batch_run_push(r, &items[1]) == SMTP_OK && smtp_batch_run_flush(r) == SMTP_OK && sc.writes == 2);
	CHECK(strstr(sent(&sc), "hello\r\n.\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\n") != NULL);
	CHECK(smtp_batch_run_collect(r, 1) == SMTP_OK);
	CHECK(items[0].outcome == SMTP_BATCH_DONE && items[0].status == SMTP_OK);
	CHECK(items[0].result.queue_id && strcmp(items[0].result.queue_id, "Q1") == 0);
	CHECK(smtp_batch_run_waiting(r) && smtp_batch_run_queued(r)); /* the last body, not written yet */
	CHECK(smtp_batch_run_flush(r) == SMTP_OK);
	while ((st = smtp_batch_run_collect(r, 1)) == SMTP_AGAIN) {
	}
	CHECK(st == SMTP_OK && !smtp_batch_run_waiting(r));
	CHECK(items[1].outcome == SMTP_BATCH_DONE && items[1].status == SMTP_OK);
	smtp_batch_run_free(r);
	for (i = 0; i < 2; i++) {
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* over BDAT: three in flight, the connection drops after the first's reply: the second met the drop,
	 * the third's end of data was sent (UNKNOWN: never to be sent again) */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n250 queued as Q1\r\n250 reset\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 3);
	r = smtp_batch_run_new(s);
	for (i = 0; i < 3; i++) {
		CHECK(smtp_batch_run_can_push(r, &items[i]) && smtp_batch_run_push(r, &items[i]) == SMTP_OK);
	}
	CHECK(smtp_batch_run_flush(r) == SMTP_OK);
	CHECK(smtp_batch_run_collect(r, 1) == SMTP_OK && items[0].status == SMTP_OK);
	CHECK(smtp_batch_run_collect(r, 1) == SMTP_ERR_CLOSED);
	CHECK(smtp_batch_run_status(r) == SMTP_ERR_CLOSED && !smtp_batch_run_waiting(r));
	CHECK(items[1].outcome == SMTP_BATCH_DONE && items[1].status == SMTP_ERR_CLOSED && items[1].transient);
	CHECK(items[2].outcome == SMTP_BATCH_UNKNOWN && items[2].attempted && items[2].error);
	CHECK(!smtp_batch_run_can_push(r, &items[0]));
	smtp_batch_run_free(r);
	for (i = 0; i < 3; i++) {
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* over DATA, a drop at the first's final reply: the second, whose body never went out, is NOT_SENT */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 PIPELINING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 2);
	r = smtp_batch_run_new(s);
	CHECK(smtp_batch_run_push(r, &items[0]) == SMTP_OK && smtp_batch_run_flush(r) == SMTP_OK);
	CHECK(smtp_batch_run_collect(r, 1) == SMTP_OK);
	CHECK(smtp_batch_run_push(r, &items[1]) == SMTP_OK && smtp_batch_run_flush(r) == SMTP_OK);
	CHECK(smtp_batch_run_collect(r, 1) == SMTP_ERR_CLOSED);
	CHECK(items[0].outcome == SMTP_BATCH_DONE && items[0].status == SMTP_ERR_CLOSED);
	CHECK(items[0].error && strstr(items[0].error, "not known whether"));
	CHECK(items[1].outcome == SMTP_BATCH_NOT_SENT && !items[1].attempted);
	smtp_batch_run_free(r);
	for (i = 0; i < 2; i++) {
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* a 421 in a window: the one it answered and those behind it are NOT_SENT */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n250 queued as Q1\r\n421 4.3.2 going down\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 3);
	r = smtp_batch_run_new(s);
	for (i = 0; i < 3; i++) {
		CHECK(smtp_batch_run_push(r, &items[i]) == SMTP_OK);
	}
	CHECK(smtp_batch_run_flush(r) == SMTP_OK);
	while (smtp_batch_run_waiting(r) && smtp_batch_run_collect(r, 1) != SMTP_ERR_REPLY) {
	}
	CHECK(items[0].outcome == SMTP_BATCH_DONE && items[0].status == SMTP_OK);
	CHECK(items[1].outcome == SMTP_BATCH_NOT_SENT && items[2].outcome == SMTP_BATCH_NOT_SENT);
	smtp_batch_run_free(r);
	for (i = 0; i < 3; i++) {
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* given up (smtp_session_abort) with one end of data written and one only queued: the first is not
	 * known, the second was never sent */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 PIPELINING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 3);
	r = smtp_batch_run_new(s);
	CHECK(smtp_batch_run_push(r, &items[0]) == SMTP_OK && smtp_batch_run_flush(r) == SMTP_OK);
	CHECK(smtp_batch_run_collect(r, 1) == SMTP_OK && smtp_batch_run_flush(r) == SMTP_OK); /* its end of data */
	CHECK(smtp_batch_run_push(r, &items[1]) == SMTP_OK);
	smtp_session_abort(s);
	CHECK(smtp_batch_run_flush(r) == SMTP_ERR_STATE);
	CHECK(items[0].outcome == SMTP_BATCH_UNKNOWN && items[1].outcome == SMTP_BATCH_NOT_SENT);
	smtp_batch_run_free(r);
	smtp_session_free(s);
	script_free(&sc);
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 PIPELINING\r\n");
	serve(&sc, "250 ok\r\n250 ok\r\n354 go\r\n");
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	r = smtp_batch_run_new(s);
	CHECK(smtp_batch_run_push(r, &items[2]) == SMTP_OK && smtp_batch_run_flush(r) == SMTP_OK);
	CHECK(smtp_batch_run_collect(r, 1) == SMTP_OK); /* its body and end of data queued, not written */
	smtp_session_abort(s);
	CHECK(smtp_batch_run_flush(r) == SMTP_ERR_STATE);
	CHECK(items[2].outcome == SMTP_BATCH_NOT_SENT);
	smtp_batch_run_free(r);
	for (i = 0; i < 3; i++) {
		smtp_batch_item_free(&items[i]);
	}
	smtp_session_free(s);
	script_free(&sc);

	/* a silent server: collect without waiting still ends, at the command timeout */
	script_init(&sc);
	serve(&sc, "220 mx\r\n");
	serve(&sc, "250-mx\r\n250 PIPELINING\r\n");
	serve_later(&sc, "250 ok\r\n", 60000);
	s = session_for(&sc);
	CHECK(smtp_session_open(s, "h", SMTP_TLS_NONE) == SMTP_OK);
	batch_items(items, envs, bodies, 1);
	r = smtp_batch_run_new(s);
	CHECK(smtp_batch_run_push(r, &items[0]) == SMTP_OK && smtp_batch_run_flush(r) == SMTP_OK);
	CHECK(smtp_batch_run_deadline(r) == sc.clock + 5000);
	while ((st = smtp_batch_run_collect(r, 1)) == SMTP_AGAIN) {
	}
	CHECK(st == SMTP_ERR_TIMEOUT && sc.clock >= 5000 && sc.clock < 5100);
	CHECK(items[0].outcome == SMTP_BATCH_DONE && items[0].status == SMTP_ERR_TIMEOUT);
	smtp_batch_run_free(r);
	smtp_batch_item_free(&items[0]);
	smtp_session_free(s);
	script_free(&sc);
}

int main(void)
{
	test_reply_parser();
	test_capabilities();
	test_data_encoder();
	test_md5();
	test_auth_mechanism_table();
	test_happy_pipelined();
	test_not_pipelined_rejections();
	test_chunking();
	test_starttls();
	test_auth();
	test_auth_long_responses();
	test_auth_cancel_not_confirmed();
	test_auth_line_wiped();
	test_redacted_line_bound();
	test_auth_scram();
	test_auth_oauthbearer();
	test_deadlines();
	test_quit_halves();
	test_input_checks();
	test_dsn_params();
	test_requiretls();
	test_batch();
	test_batch_run();
	return test_summary("test_core");
}
