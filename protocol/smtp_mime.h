/*
 * smtp_mime.h - the RFC 5322 / MIME message writer: portable C99, no PHP header.
 *
 * A message is described by plain structs of borrowed strings; smtp_mime_write() pushes its bytes into a
 * sink (the DATA encoder while sending, a buffer for toString()). Attachments are pulled from sources in
 * chunks while writing, so a large file never sits in memory.
 */
#ifndef SMTP_MIME_H
#define SMTP_MIME_H

#include "smtp_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A string that may contain any byte: pointer and length. */
typedef struct smtp_str {
	const char *s;
	size_t len;
} smtp_str;

typedef struct smtp_mailbox {
	smtp_str address;      /* addr-spec, already validated */
	smtp_str name;         /* display name, UTF-8 in the message charset, or len 0 */
} smtp_mailbox;

typedef struct smtp_header_field {
	smtp_str name;         /* field name, validated (printable ASCII, no ':') */
	smtp_str value;        /* unstructured value, single line; encoded-words when not ASCII */
} smtp_header_field;

/* Where attachment bytes come from when they are not in memory. */
typedef struct smtp_source {
	void *ctx;
	/* Open for reading. Returns 0, or non-zero with a message in err. */
	int (*open)(void *ctx, char *err, size_t errlen);
	/* Read up to cap bytes: count, 0 at the end, negative on error. */
	long (*read)(void *ctx, char *buf, size_t cap);
	void (*close)(void *ctx);
	/* How many bytes read will give in all, or -1 when unknown. May be NULL (unknown). Used only to
	 * measure the message for SIZE without reading it. */
	int64_t (*size)(void *ctx);
} smtp_source;

typedef enum smtp_part_disposition {
	SMTP_PART_ATTACHMENT = 0,   /* Content-Disposition: attachment, in multipart/mixed */
	SMTP_PART_INLINE = 1        /* embedded (Content-ID), in multipart/related with the HTML */
} smtp_part_disposition;

typedef struct smtp_part {
	smtp_part_disposition disposition;
	smtp_str filename;     /* UTF-8; written with RFC 2231 when needed */
	smtp_str content_type; /* "image/png"; "application/octet-stream" when len 0 */
	smtp_str content_id;   /* for inline parts, without <> */
	smtp_str data;         /* in-memory content, used when source is NULL */
	const smtp_source *source;
} smtp_part;

typedef struct smtp_message {
	smtp_mailbox from;
	int has_from;
	smtp_mailbox sender;
	int has_sender;
	const smtp_mailbox *to;       size_t to_count;
	const smtp_mailbox *cc;       size_t cc_count;
	const smtp_mailbox *reply_to; size_t reply_to_count;
	/* Bcc is envelope-only: never written. */
	smtp_str subject;             /* single line; UTF-8 in charset */
	smtp_str text;                /* text/plain body, or len 0 with has_text 0 */
	int has_text;
	smtp_str html;                /* text/html body */
	int has_html;
	smtp_str charset;             /* "UTF-8" when len 0 */
	const smtp_header_field *headers; size_t header_count;  /* extra fields, written after the standard ones */
	const smtp_part *parts;       size_t part_count;
	smtp_str date;                /* RFC 5322 date-time, formatted by the caller */
	smtp_str message_id;          /* "<id@domain>", made by the caller */
} smtp_message;

/* Random bytes for boundaries. */
typedef void (*smtp_random_fn)(void *ctx, unsigned char *buf, size_t len);

/*
 * Write the whole message. Structure: a single part when there is one body and no attachment; text and
 * HTML as multipart/alternative; inline parts with the HTML in multipart/related; attachments around all
 * of it in multipart/mixed. Text bodies are 7bit when every line is ASCII and short enough, otherwise
 * quoted-printable; parts are base64 in 76-character lines. Every output line ends in CRLF and none is
 * over 998 octets. On error, err (when non-NULL) gets a message.
 */
smtp_status smtp_mime_write(const smtp_message *m, smtp_sink *out, smtp_random_fn random, void *random_ctx,
	char *err, size_t errlen);

/*
 * The number of octets smtp_mime_write() would produce for m (CRLF line ends, before dot-stuffing), for
 * the SIZE parameter of MAIL (RFC 1870). Attachments from sources are counted from their size, not read.
 * Returns SMTP_ERR_SOURCE when a source cannot tell its size; boundaries are made with a fixed generator,
 * so the figure can differ from a real write only in the rare case a boundary collides with content.
 */
smtp_status smtp_mime_measure(const smtp_message *m, uint64_t *size);

/* Whether writing m needs 8BITMIME (never: we encode) or SMTPUTF8 (UTF-8 in an address). */
int smtp_mime_needs_smtputf8(const smtp_message *m);

/* ---- encoders used by the writer and exposed for tests ------------------------------------------- */

/* Base64 of len bytes, no line breaks. Returns the encoded length (4 * ceil(len / 3)); out must hold it. */
size_t smtp_base64_encode(const unsigned char *in, size_t len, char *out);
/* Decode base64 (no whitespace). Returns the decoded length, or (size_t)-1 when invalid. */
size_t smtp_base64_decode(const char *in, size_t len, unsigned char *out);

/*
 * Quoted-printable (RFC 2045 6.7) of a text body, appended to out. Every line end (CRLF, bare CR, bare LF)
 * becomes a CRLF hard break; soft breaks keep lines at 76 characters at most. '=', control bytes, bytes
 * >= 127, white space before a line end, and a '.' or "From " starting a line are encoded. Nothing is
 * added after the last input byte.
 */
smtp_status smtp_qp_encode(smtp_buf *out, const char *in, size_t len);

/*
 * Append text as RFC 2047 B encoded-words to a header line now at *column (updated). Each word is preceded
 * by a space, or by a fold (CRLF SP) when it would pass column 78; a word is at most 75 characters and
 * never splits a multibyte character of charset.
 */
smtp_status smtp_mime_encoded_words(smtp_buf *out, size_t *column, const char *text, size_t len,
	const char *charset);

/*
 * Append a file name parameter (param is "filename" or "name") as "; param=..." to a header line now at
 * *column (updated), folded: a quoted string when name is short printable ASCII without '"', '\' or ';',
 * else RFC 2231 UTF-8 percent-encoding, split into continuations when long. name must be UTF-8 without NUL.
 */
smtp_status smtp_mime_filename_param(smtp_buf *out, size_t *column, const char *param, const char *name,
	size_t len);

/*
 * Append an unstructured header field "Name: value" folded at 78 columns, encoded as RFC 2047 words
 * (B encoding) when value is not plain printable ASCII; encoded words never split a UTF-8 character.
 * Ends with CRLF.
 */
smtp_status smtp_mime_header_unstructured(smtp_buf *out, const char *name, const char *value, size_t len,
	const char *charset);

/* Append "Name: mailbox, mailbox" folded, display names quoted or encoded as needed. Ends with CRLF. */
smtp_status smtp_mime_header_addresses(smtp_buf *out, const char *name, const smtp_mailbox *list, size_t count,
	const char *charset);

#ifdef __cplusplus
}
#endif

#endif
