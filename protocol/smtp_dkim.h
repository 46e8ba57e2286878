/*
 * smtp_dkim.h - DKIM signing (RFC 6376, RFC 8463, RFC 8301) without the private-key operation: portable
 * C99, no PHP header, no crypto library.
 *
 * The core canonicalizes and hashes; whoever holds the key signs the 32-byte header digest:
 *   1. smtp_dkim_init() with one smtp_dkim_params per signature;
 *   2. write the whole message, in its final CRLF form and not dot-stuffed (what the DATA encoder gets
 *      before stuffing), into the smtp_dkim's sink: the body is hashed as it streams, only the header
 *      section is kept;
 *   3. smtp_dkim_finish(); then for each signer sign smtp_dkim_digest() (rsa-sha256: PKCS#1 v1.5 over the
 *      SHA-256 digest; ed25519-sha256: PureEd25519 over the 32 digest bytes, RFC 8463 3) and give the
 *      signature to smtp_dkim_set_signature();
 *   4. send each smtp_dkim_field() in front of the same message bytes.
 * Never l= (a body length lets anyone append to a signed message); never rsa-sha1 (RFC 8301).
 */
#ifndef SMTP_DKIM_H
#define SMTP_DKIM_H

#include "smtp_core.h"
#include "smtp_sha256.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum smtp_dkim_algorithm {
	SMTP_DKIM_RSA_SHA256 = 0,
	SMTP_DKIM_ED25519_SHA256 = 1
} smtp_dkim_algorithm;

typedef enum smtp_dkim_canon {
	SMTP_DKIM_SIMPLE = 0,
	SMTP_DKIM_RELAXED = 1
} smtp_dkim_canon;

/* The header section kept for signing is at most this long. */
#define SMTP_DKIM_MAX_HEADER (1024 * 1024)

typedef struct smtp_dkim_params {
	smtp_dkim_algorithm algorithm;
	smtp_dkim_canon header_canon;
	smtp_dkim_canon body_canon;
	const char *domain;         /* d=, checked by smtp_dkim_check_params() */
	const char *selector;       /* s= */
	const char *identity;       /* i=, or NULL */
	const char *headers;        /* h=: field names separated by ':', or NULL for the default list
	                             * (smtp_dkim_default_headers); either way over-signed: each field named
	                             * is signed once more than the message has it (a list naming it more
	                             * often keeps its count), so none of them can be added */
	int64_t timestamp;          /* t=, seconds since the epoch; negative: none */
	int64_t expire;             /* x= = t + expire when > 0 */
} smtp_dkim_params;

/* The default list, every field of it over-signed (signed once more than the message has it). */
extern const char *const smtp_dkim_default_headers[];

/*
 * Another SHA-256 for the body hashes (the bulk of the work: every byte of every attachment), e.g. a
 * crypto library's with CPU instructions. Optional: without it the core's own is used.
 */
typedef struct smtp_hash_ops {
	void *(*create)(void);                                    /* a started SHA-256 context, or NULL */
	void (*update)(void *ctx, const void *data, size_t len);
	void (*finish)(void *ctx, unsigned char out[SMTP_SHA256_LEN]); /* the digest; frees ctx */
	void (*discard)(void *ctx);                               /* frees ctx without a digest */
} smtp_hash_ops;

typedef struct smtp_dkim_body {
	smtp_sha256 hash;
	const smtp_hash_ops *ops;   /* NULL: hash above */
	void *ext;                  /* the context of ops */
	smtp_dkim_canon canon;
	uint64_t empty_lines;       /* empty lines seen and not yet hashed (dropped when nothing follows) */
	int in_wsp;                 /* relaxed: white space seen in the line, not yet hashed */
	int line_has_content;
	int any;                    /* something hashed */
	int pending_cr;
	char out[4096];             /* hashed in blocks */
	size_t out_len;
} smtp_dkim_body;

typedef struct smtp_dkim_signer {
	smtp_dkim_params p;
	smtp_dkim_body body;
	size_t body_of;             /* the signer whose body hash this one shares (same body canonicalization) */
	unsigned char body_hash[SMTP_SHA256_LEN];
	unsigned char digest[SMTP_SHA256_LEN];
	smtp_buf field;             /* "DKIM-Signature: ...b=" after finish, complete with CRLF after the signature */
} smtp_dkim_signer;

typedef struct smtp_dkim {
	smtp_sink sink;             /* first member: a smtp_dkim * is a smtp_sink * (step 2) */
	smtp_dkim_signer *signers;
	size_t count;
	smtp_buf head;              /* the header section, up to and including the CRLF of its last field */
	int in_body;
	smtp_status error;
	char reason[160];
} smtp_dkim;

/* Check one signer's parameters; 0, or -1 with why (for the caller's ValueError). */
int smtp_dkim_check_params(const smtp_dkim_params *p, char *why, size_t whylen);
smtp_status smtp_dkim_init(smtp_dkim *d, const smtp_dkim_params *params, size_t count);
/* The same, hashing the body with ops (NULL: the core's SHA-256). */
smtp_status smtp_dkim_init_ex(smtp_dkim *d, const smtp_dkim_params *params, size_t count, const smtp_hash_ops *ops);
void smtp_dkim_free(smtp_dkim *d);
/* After the message was written into d->sink. SMTP_ERR_INPUT (reason set) when it cannot be signed: no
 * From field, a header section over SMTP_DKIM_MAX_HEADER. */
smtp_status smtp_dkim_finish(smtp_dkim *d);
const unsigned char *smtp_dkim_digest(const smtp_dkim *d, size_t i);
smtp_status smtp_dkim_set_signature(smtp_dkim *d, size_t i, const unsigned char *sig, size_t len);
/* The complete DKIM-Signature field of signer i, with its CRLF. */
const char *smtp_dkim_field(const smtp_dkim *d, size_t i, size_t *len);
/* Whether the domain of the message's From address is d= of signer i or a subdomain or parent of it
 * (DMARC relaxed alignment, without the public suffix list). */
int smtp_dkim_aligned(const smtp_dkim *d, size_t i);
/* The length a DKIM-Signature field will have (for SIZE), given a signature of sig_len bytes; computed
 * after smtp_dkim_finish(). */
size_t smtp_dkim_field_size(const smtp_dkim *d, size_t i, size_t sig_len);

/* Canonicalization pieces, exposed for the unit tests. */
void smtp_dkim_body_init(smtp_dkim_body *b, smtp_dkim_canon canon);
/* With another SHA-256; SMTP_ERR_NOMEM when its context cannot be made. */
smtp_status smtp_dkim_body_init_ex(smtp_dkim_body *b, smtp_dkim_canon canon, const smtp_hash_ops *ops);
/* Free a body state that will not be finished. */
void smtp_dkim_body_discard(smtp_dkim_body *b);
void smtp_dkim_body_update(smtp_dkim_body *b, const char *data, size_t len);
void smtp_dkim_body_final(smtp_dkim_body *b, unsigned char out[SMTP_SHA256_LEN]);
/* One header field (name, colon, value with its folds, final CRLF) canonicalized, appended to out. */
smtp_status smtp_dkim_canon_header(smtp_buf *out, smtp_dkim_canon canon, const char *field, size_t len);

#ifdef __cplusplus
}
#endif

#endif
