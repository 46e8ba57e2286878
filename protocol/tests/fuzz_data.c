/*
 * fuzz_data.c - libFuzzer target for the DATA encoder (smtp_data_encoder).
 *
 * Input layout:
 *   byte 0..1   seed for the piece sizes (the message goes into the encoder in pieces of 0 to ~300 bytes,
 *               alternately through smtp_data_encode() and through the encoder's sink interface)
 *   byte 2      after how many output bytes a failing sink gives up (third run, see below)
 *   the rest    the message
 *
 * The message is encoded with dot_stuff 1 (DATA) and 0 (BDAT). Properties:
 *   - a message with NUL, or with a line (split on CRLF, bare CR, bare LF) over 998 octets, gives
 *     SMTP_ERR_INPUT with a reason, from the feed that holds it and again from smtp_data_finish();
 *     any other message gives SMTP_OK (a line of exactly 998 octets starting with '.' may go either way
 *     under dot-stuffing: RFC 5321 4.5.3.1.6 does not count the added dot, but it is on the wire);
 *   - on SMTP_OK the output: has CR only before LF and LF only after CR; no line over 1000 octets with
 *     its CRLF (the stuffing dot not counted); ends with CRLF when not empty; is exactly the expected
 *     wire form; bytes_out is its length;
 *   - dot_stuff 1: after the DATA command's CRLF, the output and ".\r\n", the first "\r\n.\r\n" is the one
 *     at the very end (the receiver sees one terminator), and the receiver's lines (split on CRLF, a
 *     leading '.' removed) are the message's lines;
 *   - dot_stuff 0: the output lines are the message's lines as they are;
 *   - a sink that fails makes the encoder return its error, then again on every later call.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"

#define FAIL(...) \
	do { \
		fprintf(stderr, "fuzz_data: property failed at %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} while (0)

static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9E3779B9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* A sink that fails once it has taken `limit` bytes. */
typedef struct failing_sink {
	smtp_sink sink;
	size_t taken, limit;
	int calls_after_failure;
	int failed;
} failing_sink;

static smtp_status failing_write(smtp_sink *sink, const char *data, size_t len)
{
	failing_sink *f = (failing_sink *)sink;
	(void)data;
	if (f->failed) {
		f->calls_after_failure++;
	}
	if (f->taken + len > f->limit) {
		f->failed = 1;
		return SMTP_ERR_IO;
	}
	f->taken += len;
	return SMTP_OK;
}

/*
 * What the message should become: its lines (split on CRLF, CR, LF; a last line without a line end
 * counts, an empty rest does not), each with a '.' added in front when it starts with '.' and dot_stuff
 * is set, each ending in CRLF. Returns SMTP_ERR_INPUT when the message has a NUL or a line over 998
 * octets; *edge is set when it has a 998-octet line starting with '.' under dot-stuffing.
 */
static smtp_status expected_wire(const char *in, size_t len, int dot_stuff, smtp_buf *out, int *edge)
{
	size_t i = 0;

	*edge = 0;
	if (memchr(in, '\0', len)) {
		return SMTP_ERR_INPUT;
	}
	while (i < len) {
		size_t start = i, n;
		while (i < len && in[i] != '\r' && in[i] != '\n') {
			i++;
		}
		n = i - start;
		if (n > SMTP_MAX_TEXT_LINE) {
			return SMTP_ERR_INPUT;
		}
		if (dot_stuff && n == SMTP_MAX_TEXT_LINE && in[start] == '.') {
			*edge = 1;
		}
		if (dot_stuff && n > 0 && in[start] == '.') {
			smtp_buf_append(out, ".", 1);
		}
		smtp_buf_append(out, in + start, n);
		smtp_buf_append(out, "\r\n", 2);
		if (i < len) {
			i += (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n') ? 2 : 1;
		}
	}
	if (out->failed) {
		abort();
	}
	return SMTP_OK;
}

/* The receiver's view of the wire: lines on CRLF, the leading dot removed; must give the message lines. */
static void check_receiver(const char *in, size_t len, const char *w, size_t wl, int dot_stuff)
{
	size_t i = 0, pos = 0;

	while (pos < wl) {
		const char *l = w + pos;
		size_t n = 0, start, m;
		while (pos + n + 1 < wl && !(l[n] == '\r' && l[n + 1] == '\n')) {
			n++;
		}
		if (pos + n + 1 >= wl) {
			FAIL("wire data does not end with CRLF");
		}
		if (dot_stuff && n > 0 && l[0] == '.') {
			if (n == 1) {
				FAIL("a line with a lone dot on the wire");
			}
			l++;
			n--;
		}
		/* the next input line */
		if (i >= len) {
			FAIL("the receiver sees more lines than the message has");
		}
		start = i;
		while (i < len && in[i] != '\r' && in[i] != '\n') {
			i++;
		}
		m = i - start;
		if (m != n || memcmp(in + start, l, n) != 0) {
			FAIL("the receiver's line at wire offset %zu differs from the message line at %zu", pos, start);
		}
		if (i < len) {
			i += (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n') ? 2 : 1;
		}
		pos += (size_t)(l - (w + pos)) + n + 2;
	}
	if (i != len) {
		FAIL("the receiver sees fewer lines than the message has");
	}
}

static void check_wire(const char *in, size_t len, const smtp_buf *out, int dot_stuff)
{
	const char *w = out->data ? out->data : "";
	size_t wl = out->len, i, line = 0;

	for (i = 0; i < wl; i++) {
		if (w[i] == '\r' && (i + 1 >= wl || w[i + 1] != '\n')) {
			FAIL("bare CR at %zu", i);
		}
		if (w[i] == '\n' && (i == 0 || w[i - 1] != '\r')) {
			FAIL("bare LF at %zu", i);
		}
		if (w[i] == '\0') {
			FAIL("NUL at %zu", i);
		}
		if (w[i] == '\n') {
			size_t start = i - line; /* line counts the bytes before the LF, its CR included */
			size_t octets = line + 1;
			if (dot_stuff && w[start] == '.' && octets > 2) {
				octets--; /* the stuffing dot is not counted (RFC 5321 4.5.3.1.6) */
			}
			if (octets > SMTP_MAX_TEXT_LINE + 2) {
				FAIL("a wire line of %zu octets at %zu", octets, start);
			}
			line = 0;
		} else {
			line++;
		}
	}
	if (wl > 0 && (wl < 2 || w[wl - 2] != '\r' || w[wl - 1] != '\n')) {
		FAIL("the wire data does not end with CRLF");
	}
	if (dot_stuff) {
		/* "\r\n" (end of the DATA command line) + data + ".\r\n": one terminator, at the end */
		static smtp_buf tb; /* kept between runs: an allocation per run costs more than the test */
		size_t tl = 2 + wl + 3, k;
		char *t;
		if (tb.sink.write == NULL) {
			smtp_buf_init(&tb);
		}
		smtp_buf_reset(&tb);
		t = smtp_buf_extend(&tb, tl);
		if (!t) {
			abort();
		}
		memcpy(t, "\r\n", 2);
		if (wl) {
			memcpy(t + 2, w, wl);
		}
		memcpy(t + 2 + wl, ".\r\n", 3);
		for (k = 0; k + 5 <= tl; k++) {
			if (memcmp(t + k, "\r\n.\r\n", 5) == 0) {
				break;
			}
		}
		if (k != tl - 5) {
			FAIL("the receiver sees the end of data at %zu of %zu", k, tl);
		}
	}
	check_receiver(in, len, w, wl, dot_stuff);
}

/* Encode msg in seeded pieces; returns the final status (of finish when all feeds passed). */
static smtp_status encode(const char *msg, size_t len, int dot_stuff, uint32_t seed, smtp_sink *out,
	smtp_data_encoder *enc)
{
	size_t pos = 0;
	uint32_t state = seed;
	int feed = 0;
	smtp_status st;

	smtp_data_encoder_init(enc, out, dot_stuff);
	while (pos < len) {
		uint32_t x = next_random(&state);
		size_t piece = (x & 0x30) == 0 ? x % 3 : (x & 0x40) ? 1 + (x >> 8) % 8 : 1 + (x >> 8) % 300;
		if (piece > len - pos) {
			piece = len - pos;
		}
		st = (feed++ & 1) ? smtp_sink_write(&enc->sink, msg + pos, piece) : smtp_data_encode(enc, msg + pos, piece);
		if (enc->line_len > SMTP_MAX_TEXT_LINE + 1) {
			FAIL("the encoder's line grew to %zu", enc->line_len);
		}
		if (st != SMTP_OK) {
			if (st != enc->error) {
				FAIL("returned %d but the sticky error is %d", (int)st, (int)enc->error);
			}
			/* sticky: later calls fail the same way */
			if (smtp_data_encode(enc, "x", 1) != st || smtp_data_finish(enc) != st) {
				FAIL("error %d is not sticky", (int)st);
			}
			return st;
		}
		pos += piece;
	}
	return smtp_data_finish(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg;
	size_t len;
	uint32_t seed;
	int dot_stuff;

	if (size < 3) {
		return 0;
	}
	seed = ((uint32_t)data[0] << 8) | data[1];
	msg = (const char *)data + 3;
	len = size - 3;

	for (dot_stuff = 1; dot_stuff >= 0; dot_stuff--) {
		/* kept between runs: an allocation per run costs more than the test */
		static smtp_buf out, want;
		smtp_data_encoder enc;
		smtp_status st, expected;
		int edge;

		if (out.sink.write == NULL) {
			smtp_buf_init(&out);
			smtp_buf_init(&want);
		}
		smtp_buf_reset(&out);
		smtp_buf_reset(&want);
		expected = expected_wire(msg, len, dot_stuff, &want, &edge);
		st = encode(msg, len, dot_stuff, seed + (uint32_t)dot_stuff, &out.sink, &enc);
		if (st != expected && !(edge && st == SMTP_ERR_INPUT)) {
			FAIL("dot_stuff %d: status %d (%s), expected %d; reason \"%s\"", dot_stuff, (int)st,
				smtp_status_name(st), (int)expected, enc.reason);
		}
		if (st == SMTP_ERR_INPUT && enc.reason[0] == '\0') {
			FAIL("refused without a reason");
		}
		if (st == SMTP_OK) {
			check_wire(msg, len, &out, dot_stuff);
			if (out.len != want.len || (out.len && memcmp(out.data, want.data, out.len) != 0)) {
				FAIL("dot_stuff %d: the wire form differs from the expected one", dot_stuff);
			}
			if (enc.bytes_out != out.len) {
				FAIL("bytes_out %llu, produced %zu", (unsigned long long)enc.bytes_out, out.len);
			}
			/* the same through a sink that fails part way */
			if (out.len > 0) {
				failing_sink fs;
				smtp_data_encoder enc2;
				smtp_status st2;
				memset(&fs, 0, sizeof(fs));
				fs.sink.write = failing_write;
				fs.limit = data[2] % out.len;
				st2 = encode(msg, len, dot_stuff, seed, &fs.sink, &enc2);
				if (st2 != SMTP_ERR_IO) {
					FAIL("a failing sink gave status %d", (int)st2);
				}
				if (fs.calls_after_failure != 0) {
					FAIL("the encoder wrote %d more times after the sink failed", fs.calls_after_failure);
				}
			}
		}
	}
	return 0;
}
