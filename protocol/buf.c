/*
 * buf.c - a growable byte buffer that is also a sink.
 */
#include <stdlib.h>
#include <string.h>

#include "smtp_internal.h"

static smtp_status buf_sink_write(smtp_sink *sink, const char *data, size_t len)
{
	return smtp_buf_append((smtp_buf *)sink, data, len);
}

void smtp_buf_init(smtp_buf *b)
{
	b->sink.write = buf_sink_write;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
	b->secret = 0;
}

void smtp_buf_init_secret(smtp_buf *b)
{
	smtp_buf_init(b);
	b->secret = 1;
}

/*
 * memset() called through a volatile function pointer: the compiler cannot know which function it calls,
 * so it cannot drop the stores as dead (a plain memset() before free() or a return may be removed).
 */
static void *(*const volatile secure_memset)(void *, int, size_t) = memset;

void smtp_secure_zero(void *p, size_t n)
{
	if (p && n) {
		secure_memset(p, 0, n);
	}
}

void smtp_buf_free(smtp_buf *b)
{
	if (b->secret) {
		smtp_secure_zero(b->data, b->cap);
	}
	free(b->data);
	smtp_buf_init(b);
}

void smtp_buf_reset(smtp_buf *b)
{
	b->len = 0;
	b->failed = 0;
}

/* Room for extra more bytes plus a terminating NUL. */
static smtp_status buf_reserve(smtp_buf *b, size_t extra)
{
	size_t need, cap;
	char *grown;

	if (b->failed) {
		return SMTP_ERR_NOMEM;
	}
	if (extra > (size_t)-1 - b->len - 1) {
		b->failed = 1;
		return SMTP_ERR_NOMEM;
	}
	need = b->len + extra + 1;
	if (need <= b->cap) {
		return SMTP_OK;
	}
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	}
	if (b->secret) {
		/* not realloc(): the old block would go back to the allocator with the secret in it */
		grown = malloc(cap);
		if (grown && b->data) {
			memcpy(grown, b->data, b->len);
			smtp_secure_zero(b->data, b->cap);
			free(b->data);
		}
	} else {
		grown = realloc(b->data, cap);
	}
	if (!grown) {
		b->failed = 1;
		return SMTP_ERR_NOMEM;
	}
	b->data = grown;
	b->cap = cap;
	return SMTP_OK;
}

smtp_status smtp_buf_append(smtp_buf *b, const char *data, size_t len)
{
	if (buf_reserve(b, len) != SMTP_OK) {
		return SMTP_ERR_NOMEM;
	}
	if (len) {
		memcpy(b->data + b->len, data, len);
	}
	b->len += len;
	b->data[b->len] = '\0';
	return SMTP_OK;
}

char *smtp_buf_extend(smtp_buf *b, size_t n)
{
	char *at;
	if (buf_reserve(b, n) != SMTP_OK) {
		return NULL;
	}
	at = b->data + b->len;
	b->len += n;
	b->data[b->len] = '\0';
	return at;
}

smtp_status smtp_buf_append_str(smtp_buf *b, const char *s)
{
	return smtp_buf_append(b, s, strlen(s));
}

smtp_status smtp_buf_terminate(smtp_buf *b)
{
	return smtp_buf_append(b, "", 0);
}

void smtp_buf_wipe(smtp_buf *b)
{
	smtp_secure_zero(b->data, b->cap);
	smtp_buf_free(b);
}
