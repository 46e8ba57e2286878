/*
 * fuzz_reply.c - libFuzzer target for the reply parser (smtp_reply_parser_feed).
 *
 * Input layout:
 *   byte 0      flags: bit 0 want_enhanced, bit 1 expand repeats (see expand()), bits 2-7 split seed
 *   byte 1..2   more seed for the split positions
 *   the rest    the bytes a server sends (possibly several replies, as when pipelining), expanded when
 *               bit 1 is set so that short inputs reach the caps (long line, many lines, total size)
 *
 * The stream is parsed the way the session does (reply after reply, resetting the parser in between)
 * three times: all at once, in pieces whose sizes come from the seed (always at least two feeds), and
 * byte by byte (over the first BYTEWISE_MAX bytes of a long stream, a quarter of that when expanded, against
 * all at once over the same). Properties:
 *   - no crash, no sanitizer report;
 *   - the three runs give the same sequence of results (status, done, code, enhanced, lines, text);
 *   - *used never passes len, and a feed that returns SMTP_OK without a complete reply used everything;
 *   - the line being assembled and the reply text stay within the caps of smtp_core.h;
 *   - a complete reply: 1..SMTP_MAX_REPLY_LINES lines, code 200..559, text without CR or NUL, every line
 *     starting with the same 3-digit code, '-' after the code on every line but the last, ' ' or
 *     nothing on the last; the enhanced status, when set, is "c.d.d" with c the code's class.
 *
 * Build: see run-fuzz.sh. Reproduce a crash: ./fuzz_reply crash-file
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"

#define MAX_EXPANDED (136 * 1024) /* past the parser's 128 KB total */
#define MAX_RESULTS  64
#define BYTEWISE_MAX 4096 /* longer streams: the seeded pieces (often 1-16 bytes) cover the caps */
/* the reply text: at most SMTP_MAX_REPLY_LINES lines of SMTP_MAX_REPLY_LINE bytes and their separators */
#define TEXT_CAP     ((size_t)SMTP_MAX_REPLY_LINES * (SMTP_MAX_REPLY_LINE + 1))

#define FAIL(...) \
	do { \
		fprintf(stderr, "fuzz_reply: property failed at %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} while (0)

typedef struct result {
	smtp_status status;
	int done;
	int code;
	char enhanced[16];
	size_t lines;
	uint64_t text_hash;   /* FNV-1a of the text: long texts are not copied */
	size_t text_len;
} result;

typedef struct run {
	result r[MAX_RESULTS];
	size_t count;
} run;

/* A small deterministic generator for the piece sizes. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9E3779B9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/*
 * Expansion, so short inputs reach the caps: 0xFE pushes a mark (the current output length, up to 4),
 * 0xFF n repeats the output since the last mark (or the start) n * 8 times. The output is capped.
 */
static size_t expand(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t marks[4], nmarks = 0, o = 0, i;

	for (i = 0; i < len && o < cap; i++) {
		if (in[i] == 0xFE) {
			if (nmarks < 4) {
				marks[nmarks++] = o;
			}
		} else if (in[i] == 0xFF && i + 1 < len) {
			size_t from = nmarks ? marks[--nmarks] : 0, seg = o - from, times = (size_t)in[++i] * 8, t;
			for (t = 0; t < times && seg > 0 && o < cap; t++) {
				size_t n = seg < cap - o ? seg : cap - o;
				memmove(out + o, out + from, n);
				o += n;
			}
		} else {
			out[o++] = (char)in[i];
		}
	}
	return o;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void check_bounds(const smtp_reply_parser *p)
{
	if (p->line.len > SMTP_MAX_REPLY_LINE + 1) {
		FAIL("line buffer holds %zu bytes", p->line.len);
	}
	if (p->reply.text.len > TEXT_CAP) {
		FAIL("reply text holds %zu bytes", p->reply.text.len);
	}
	if (p->reply.lines > SMTP_MAX_REPLY_LINES) {
		FAIL("reply has %zu lines", p->reply.lines);
	}
}

static void check_done_reply(const smtp_reply_parser *p)
{
	const smtp_reply *r = &p->reply;
	const char *t = r->text.data;
	size_t len = r->text.len, pos = 0, lines = 0;

	if (r->code < 200 || r->code > 559) {
		FAIL("done reply with code %d", r->code);
	}
	if (r->lines < 1 || r->lines > SMTP_MAX_REPLY_LINES) {
		FAIL("done reply with %zu lines", r->lines);
	}
	if (t == NULL || len < 3) {
		FAIL("done reply with text of %zu bytes", len);
	}
	if (memchr(t, '\r', len) || memchr(t, '\0', len)) {
		FAIL("done reply text contains CR or NUL");
	}
	while (pos <= len) {
		const char *nl = memchr(t + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (t + pos)) : len - pos;
		const char *l = t + pos;
		int last = nl == NULL;
		lines++;
		if (ll < 3 || !is_digit(l[0]) || !is_digit(l[1]) || !is_digit(l[2])
			|| (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0') != r->code) {
			FAIL("reply line %zu does not start with the code %d", lines, r->code);
		}
		if (ll > SMTP_MAX_REPLY_LINE) {
			FAIL("reply line %zu is %zu bytes", lines, ll);
		}
		if (last ? (ll > 3 && l[3] != ' ') : (ll < 4 || l[3] != '-')) {
			FAIL("reply line %zu has the wrong separator after the code", lines);
		}
		if (last) {
			break;
		}
		pos += ll + 1;
	}
	if (lines != r->lines) {
		FAIL("reply text has %zu lines, reply says %zu", lines, r->lines);
	}
	if (r->enhanced[0] != '\0') {
		const char *e = r->enhanced;
		size_t el = strlen(e), i, dots = 0;
		if (!p->want_enhanced) {
			FAIL("enhanced status parsed although not wanted");
		}
		if (el < 5 || e[0] != '0' + r->code / 100 || e[1] != '.') {
			FAIL("enhanced status \"%s\" for code %d", e, r->code);
		}
		for (i = 1; i < el; i++) {
			if (e[i] == '.') {
				dots++;
			} else if (!is_digit(e[i])) {
				FAIL("enhanced status \"%s\" has a non-digit", e);
			}
		}
		if (dots != 2) {
			FAIL("enhanced status \"%s\" is not x.y.z", e);
		}
	}
}

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;
	for (i = 0; i < len; i++) {
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	}
	return h;
}

static void record(run *rn, const smtp_reply_parser *p, smtp_status st)
{
	result *r;

	if (rn->count >= MAX_RESULTS) {
		return;
	}
	r = &rn->r[rn->count++];
	r->status = st;
	r->done = p->done;
	r->code = p->reply.code;
	memcpy(r->enhanced, p->reply.enhanced, sizeof(r->enhanced));
	r->enhanced[sizeof(r->enhanced) - 1] = '\0';
	r->lines = p->reply.lines;
	r->text_len = p->reply.text.len;
	r->text_hash = hash(p->reply.text.data, p->reply.text.len);
}

static void run_free(run *rn)
{
	rn->count = 0;
}

/*
 * Parse the stream as the session does, fed in pieces:
 * mode 0: all at once; 1: seeded pieces; 2: byte by byte.
 */
static void parse_stream(run *rn, const char *data, size_t len, int want_enhanced, int mode, uint32_t seed)
{
	/* one parser for all runs, reset before each as the session does: no large allocation per run */
	static smtp_reply_parser p;
	static int p_ready;
	size_t pos = 0, feeds = 0;
	uint32_t state = seed;

	if (!p_ready) {
		smtp_reply_parser_init(&p);
		p_ready = 1;
	}
	smtp_reply_parser_reset(&p);
	p.want_enhanced = want_enhanced;
	while (pos < len) {
		size_t piece, off = 0;
		if (mode == 0) {
			piece = len - pos;
		} else if (mode == 2) {
			piece = 1;
		} else {
			/* mostly small pieces, sometimes large ones; the first one never takes everything */
			uint32_t x = next_random(&state);
			piece = (x & 0x300) == 0 ? 1 + (x % 16) : 1 + (x % (len > 4096 ? 4096 : 600));
			if (feeds == 0 && len - pos > 1 && piece >= len - pos) {
				piece = (len - pos) / 2;
			}
			if (piece > len - pos) {
				piece = len - pos;
			}
		}
		feeds++;
		/* one piece may hold the end of a reply and the start of the next */
		while (off < piece) {
			size_t used = (size_t)-1;
			smtp_status st = smtp_reply_parser_feed(&p, data + pos + off, piece - off, &used);
			if (used > piece - off) {
				FAIL("used %zu of %zu bytes", used, piece - off);
			}
			check_bounds(&p);
			if (st != SMTP_OK) {
				if (st != SMTP_ERR_PROTOCOL) {
					FAIL("status %d (%s)", (int)st, smtp_status_name(st));
				}
				if (p.error[0] == '\0') {
					FAIL("protocol error without a message");
				}
				record(rn, &p, st);
				goto out;
			}
			if (!p.done && used != piece - off) {
				FAIL("incomplete reply but only %zu of %zu bytes used", used, piece - off);
			}
			if (p.done && (used == 0 || data[pos + off + used - 1] != '\n')) {
				FAIL("reply done but the last byte used is not LF");
			}
			off += used;
			if (p.done) {
				size_t again;
				check_done_reply(&p);
				/* a done parser takes nothing more until reset */
				if (smtp_reply_parser_feed(&p, "250 x\r\n", 7, &again) != SMTP_OK || again != 0) {
					FAIL("a done parser took more bytes");
				}
				record(rn, &p, SMTP_OK);
				if (rn->count >= MAX_RESULTS) {
					goto out;
				}
				smtp_reply_parser_reset(&p);
				if (p.done || p.reply.code || p.reply.lines || p.reply.text.len || p.line.len) {
					FAIL("reset left state behind");
				}
			}
		}
		pos += piece;
	}
	/* the stream ended: what is pending (an incomplete reply) is a result too */
	if (p.reply.lines > 0 || p.line.len > 0) {
		record(rn, &p, SMTP_OK);
	}
out:
	return;
}

static void compare(const run *a, const run *b, const char *what)
{
	size_t i;

	if (a->count != b->count) {
		FAIL("%s: %zu results against %zu", what, b->count, a->count);
	}
	for (i = 0; i < a->count; i++) {
		const result *x = &a->r[i], *y = &b->r[i];
		if (x->status != y->status || x->done != y->done || x->code != y->code || x->lines != y->lines
			|| strcmp(x->enhanced, y->enhanced) != 0 || x->text_len != y->text_len
			|| x->text_hash != y->text_hash) {
			FAIL("%s: result %zu differs: status %d/%d done %d/%d code %d/%d lines %zu/%zu text %zu/%zu bytes",
				what, i, (int)x->status, (int)y->status, x->done, y->done, x->code, y->code, x->lines, y->lines,
				x->text_len, y->text_len);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *stream;
	size_t len;
	int want_enhanced;
	uint32_t seed;
	run whole, pieces, bytes;

	if (size < 3) {
		return 0;
	}
	if (stream == NULL) {
		stream = malloc(MAX_EXPANDED);
		if (stream == NULL) {
			abort();
		}
	}
	want_enhanced = data[0] & 1;
	seed = ((uint32_t)(data[0] >> 2) << 16) | ((uint32_t)data[1] << 8) | data[2];
	if (data[0] & 2) {
		len = expand(data + 3, size - 3, stream, MAX_EXPANDED);
	} else {
		len = size - 3 < MAX_EXPANDED ? size - 3 : MAX_EXPANDED;
		memcpy(stream, data + 3, len);
	}

	whole.count = pieces.count = bytes.count = 0;
	parse_stream(&whole, stream, len, want_enhanced, 0, seed);
	parse_stream(&pieces, stream, len, want_enhanced, 1, seed);
	compare(&whole, &pieces, "pieces against all at once");
	/* byte by byte costs a call per byte: on long streams only over a prefix */
	if (len > BYTEWISE_MAX || ((data[0] & 2) && len > BYTEWISE_MAX / 4)) {
		run_free(&whole);
		len = (data[0] & 2) ? BYTEWISE_MAX / 4 : BYTEWISE_MAX;
		parse_stream(&whole, stream, len, want_enhanced, 0, seed);
	}
	parse_stream(&bytes, stream, len, want_enhanced, 2, seed);
	compare(&whole, &bytes, "byte by byte against all at once");
	run_free(&whole);
	run_free(&pieces);
	run_free(&bytes);
	return 0;
}
