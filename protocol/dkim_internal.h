/*
 * dkim_internal.h - what the two DKIM files share. Not part of the interface (smtp_dkim.h).
 *
 *   dkim.c            parameters, body and header canonicalization, the sink of the first pass
 *   dkim_signature.c  the header section: fields picked for h= (over-signing), the DKIM-Signature field
 */
#ifndef SMTP_DKIM_INTERNAL_H
#define SMTP_DKIM_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_dkim.h"
#include "smtp_mime.h"

/* ---- dkim.c ------------------------------------------------------------------------------ */

int dkim_is_wsp(char c);

int dkim_equal_nocase(const char *a, size_t alen, const char *b, size_t blen);

/* host is domain or one of its subdomains */
int dkim_within(const char *host, size_t hlen, const char *domain, size_t dlen);

#endif
