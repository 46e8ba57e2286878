/*
 * smtp_boundary.h - random bytes for MIME boundaries (smtp_boundary.c), as the core's smtp_random_fn.
 */
#ifndef SMTP_BOUNDARY_H
#define SMTP_BOUNDARY_H

#include "php.h"

/* PHP's CSPRNG (smtp_random_fn; ctx unused): a message written once (toString(), mail()). */
void smtp_php_random(void *ctx, unsigned char *buf, size_t len);

/* A Message's boundary generator: seeded by its Message-ID and Date, so every write of the message gives
 * the same boundaries (DKIM hashes it in a first pass, then sends it). */
typedef struct smtp_boundary_rng smtp_boundary_rng;
smtp_boundary_rng *smtp_boundary_rng_new(zend_string *message_id, zend_string *date);
/* Back to the first boundary: called before each write of the message (NULL: nothing). */
void smtp_boundary_rng_rewind(smtp_boundary_rng *rng);
void smtp_boundary_rng_free(smtp_boundary_rng *rng);
/* smtp_random_fn over a smtp_boundary_rng (ctx NULL: PHP's CSPRNG). */
void smtp_boundary_random(void *ctx, unsigned char *buf, size_t len);

#endif /* SMTP_BOUNDARY_H */
