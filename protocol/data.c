/*
 * data.c - the DATA encoder: message bytes to their wire form (RFC 5321 4.1.1.4 and 4.5.2).
 *
 * Every line ending on the wire is CRLF, whatever the input used: a bare CR or bare LF would let a
 * message smuggle a premature "<CRLF>.<CRLF>" past a lenient server (SMTP smuggling). A '.' at the start
 * of a line is doubled so the receiver cannot mistake it for the end of data. NUL and over-long lines
 * are refused rather than silently altered.
 */
#include <stdio.h>
#include <string.h>

#include "smtp_core.h"

static smtp_status encoder_sink_write(smtp_sink *sink, const char *data, size_t len)
{
	return smtp_data_encode((smtp_data_encoder *)sink, data, len);
}

void smtp_data_encoder_init(smtp_data_encoder *enc, smtp_sink *out, int dot_stuff)
{
	memset(enc, 0, sizeof(*enc));
	enc->sink.write = encoder_sink_write;
	enc->out = out;
	enc->dot_stuff = dot_stuff;
	enc->at_line_start = 1;
}

static smtp_status emit(smtp_data_encoder *enc, const char *data, size_t len)
{
	smtp_status st = smtp_sink_write(enc->out, data, len);
	if (st != SMTP_OK) {
		enc->error = st;
	}
	enc->bytes_out += len;
	return st;
}

static smtp_status end_line(smtp_data_encoder *enc)
{
	enc->at_line_start = 1;
	enc->line_len = 0;
	return emit(enc, "\r\n", 2);
}

static smtp_status refuse(smtp_data_encoder *enc, const char *why)
{
	snprintf(enc->reason, sizeof(enc->reason), "%s", why);
	enc->error = SMTP_ERR_INPUT;
	return SMTP_ERR_INPUT;
}

smtp_status smtp_data_encode(smtp_data_encoder *enc, const char *data, size_t len)
{
	size_t i = 0;

	if (enc->error != SMTP_OK) {
		return enc->error;
	}
	while (i < len) {
		size_t j;
		char c;

		if (enc->pending_cr) {
			enc->pending_cr = 0;
			if (end_line(enc) != SMTP_OK) {
				return enc->error;
			}
			if (data[i] == '\n') { /* the CR's own LF */
				i++;
				continue;
			}
		}
		c = data[i];
		if (c == '\r') {
			enc->pending_cr = 1;
			i++;
			continue;
		}
		if (c == '\n') { /* bare LF */
			if (end_line(enc) != SMTP_OK) {
				return enc->error;
			}
			i++;
			continue;
		}
		if (c == '\0') {
			return refuse(enc, "the message contains a NUL byte");
		}
		if (enc->at_line_start && enc->dot_stuff && c == '.') {
			enc->stuffed++; /* before the write: a sink measuring the message (RFC 1870 SIZE) leaves it out */
			if (emit(enc, ".", 1) != SMTP_OK) {
				return enc->error;
			}
			enc->line_len++;
		}
		/* a run of ordinary bytes goes out in one piece */
		j = i;
		while (j < len && data[j] != '\r' && data[j] != '\n' && data[j] != '\0') {
			j++;
		}
		if (enc->line_len + (j - i) > SMTP_MAX_TEXT_LINE) {
			return refuse(enc, "the message has a line longer than 998 octets");
		}
		if (emit(enc, data + i, j - i) != SMTP_OK) {
			return enc->error;
		}
		enc->line_len += j - i;
		enc->at_line_start = 0;
		i = j;
	}
	return SMTP_OK;
}

smtp_status smtp_data_finish(smtp_data_encoder *enc)
{
	if (enc->error != SMTP_OK) {
		return enc->error;
	}
	if (enc->pending_cr) {
		enc->pending_cr = 0;
		return end_line(enc);
	}
	if (!enc->at_line_start) {
		return end_line(enc);
	}
	return SMTP_OK;
}
