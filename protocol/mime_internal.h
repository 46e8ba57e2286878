/*
 * mime_internal.h - what the MIME writer's files share: its limits, the writer's state, and the helpers
 * one file offers the others. Not part of the interface (smtp_mime.h).
 *
 *   mime.c         the writer: structure, boundaries, bodies, the message header, entry points
 *   mime_header.c  header fields: RFC 2047 words, folding at 78 columns, address lists
 *   mime_check.c   the checks of everything the user gave, before a byte is written
 */
#ifndef SMTP_MIME_INTERNAL_H
#define SMTP_MIME_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_mime.h"

#define HEADER_LINE_LIMIT   78      /* RFC 5322 2.1.1: SHOULD */
#define LINE_LIMIT          998     /* RFC 5322 2.1.1: MUST (SMTP_MAX_TEXT_LINE) */
#define MAX_CHARSET_NAME    40      /* RFC 2978 */
#define MAX_HEADER_NAME     76
#define MAX_CONTENT_TYPE    200
#define MAX_CONTENT_ID      250
#define MAX_PLAIN_PIECE     900     /* a longer unfoldable run in a header value gets encoded instead */

#define BASE64_LINE_BYTES   57      /* 57 bytes make one 76-character line */
#define BASE64_CHUNK_LINES  864     /* so attachments are read 49248 bytes (about 48 KB) at a time */
#define BASE64_CHUNK        (BASE64_LINE_BYTES * BASE64_CHUNK_LINES)
#define TEXT_SLICE          65536   /* text bodies are encoded and pushed about this much at a time */

#define BOUNDARY_RANDOM     24      /* random characters in a boundary */
#define BOUNDARY_LEN        (2 + BOUNDARY_RANDOM + 2)
#define BOUNDARY_ATTEMPTS   8

typedef enum entity_kind {
	ENTITY_NONE,
	ENTITY_MIXED,
	ENTITY_RELATED,
	ENTITY_ALTERNATIVE,
	ENTITY_TEXT,
	ENTITY_HTML,
	ENTITY_PART
} entity_kind;

/* Index of each multipart level's boundary. */
enum { LEVEL_MIXED, LEVEL_RELATED, LEVEL_ALTERNATIVE, LEVEL_COUNT };

typedef enum text_encoding {
	ENCODING_7BIT,
	ENCODING_QUOTED_PRINTABLE
} text_encoding;

typedef struct mime_writer {
	const smtp_message *m;
	smtp_sink *out;
	smtp_buf buf;                  /* header text and encoded bodies on their way to out */
	char charset[MAX_CHARSET_NAME + 1];
	text_encoding text_encoding;
	text_encoding html_encoding;
	size_t attachment_count;
	size_t inline_count;
	char boundary[LEVEL_COUNT][BOUNDARY_LEN + 1];
	smtp_random_fn random;
	void *random_ctx;
	unsigned long fallback_random; /* state of the generator used when no random function is given */
	unsigned char *chunk;          /* attachment bytes, BASE64_CHUNK of them */
	char *encoded;                 /* their base64 lines */
	char last_byte;                /* last byte pushed: the message must end with CRLF */
	int measure;                   /* smtp_mime_measure(): count attachment bytes instead of encoding them */
	uint64_t counted;              /* bytes counted but not pushed (measure) */
	char *err;
	size_t errlen;
} mime_writer;

/* ---- mime_header.c ----------------------------------------------------------------------- */

/* Whether s[0..len) equals the NUL-terminated word, ignoring ASCII case. */
int mime_equals_nocase(const char *s, size_t len, const char *word);

/* Whether needle occurs in hay (memmem is not portable). */
int mime_contains_bytes(const char *hay, size_t hay_len, const char *needle, size_t needle_len);

/* Whether s has a NUL (memchr() must not be given the NULL of an empty string). */
int mime_has_nul(const char *s, size_t len);

/* atext (RFC 5322 3.2.3). */
int mime_is_atext(unsigned char c);

/* Printable ASCII and space only. */
int mime_is_printable_ascii(const char *s, size_t len);

int mime_is_utf8_charset(const char *charset);

/* A charset name (RFC 2978 mime-charset): also what keeps '?' and quotes out of encoded-words. */
int mime_charset_name_valid(const char *s, size_t len);

/* Whether header text may go out in the charset: single line, and valid when the charset is UTF-8. */
int mime_header_text_valid(const char *s, size_t len, const char *charset);

/* ---- mime_check.c ------------------------------------------------------------------------ */

/* Everything is checked before the first byte goes out, so bad input never leaves half a message. */
smtp_status mime_check_message(mime_writer *w);

/* ---- mime.c ------------------------------------------------------------------------------ */

void mime_set_error(mime_writer *w, const char *format, ...);

#endif
