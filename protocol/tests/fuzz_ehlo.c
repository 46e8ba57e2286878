/*
 * fuzz_ehlo.c - libFuzzer target for the EHLO capability parser (smtp_capabilities_parse).
 *
 * Each input goes two ways:
 *   1. as arbitrary text straight into smtp_capabilities_parse (any byte, NUL included);
 *   2. as server bytes through the reply parser, and when that gives a complete 250 reply, its text
 *      into smtp_capabilities_parse, as the session does after EHLO.
 * Properties:
 *   - no crash, no sanitizer report, SMTP_OK (no allocation fails here);
 *   - every keyword is non-empty-looking upper case: no byte 'a'-'z', no ' ' or '=', and keyword and
 *     parameter are NUL-terminated strings without '\n';
 *   - smtp_capability_param() finds every listed keyword (on long lists: the first 32 and every 16th),
 *     in any case, and returns the parameter of the first item with that keyword; a keyword that is not
 *     listed is not found;
 *   - the flags agree with the keywords (PIPELINING, CHUNKING, STARTTLS, 8BITMIME, SMTPUTF8, DSN,
 *     ENHANCEDSTATUSCODES, SIZE), and an AUTH flag is only set when an AUTH item names the mechanism;
 *   - through the reply parser: no more items than reply lines after the greeting line;
 *   - parsing twice into the same struct gives the same result (the first result is freed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_core.h"

#define FAIL(...) \
	do { \
		fprintf(stderr, "fuzz_ehlo: property failed at %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} while (0)

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int ieq(const char *a, const char *b)
{
	while (*a && *b && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

static const smtp_capability *first_item(const smtp_capabilities *caps, const char *kw)
{
	size_t i;
	for (i = 0; i < caps->count; i++) {
		if (ieq(caps->items[i].keyword, kw)) {
			return &caps->items[i];
		}
	}
	return NULL;
}

/* Whether the space-separated list names word (any case). */
static int names(const char *list, const char *word)
{
	size_t wl = strlen(word);
	while (*list) {
		size_t n = 0, k;
		while (*list == ' ') {
			list++;
		}
		while (list[n] && list[n] != ' ') {
			n++;
		}
		if (n == wl) {
			for (k = 0; k < n && lower(list[k]) == lower(word[k]); k++) {
			}
			if (k == n) {
				return 1;
			}
		}
		list += n;
	}
	return 0;
}

static int auth_names(const smtp_capabilities *caps, const char *mech)
{
	size_t i;
	for (i = 0; i < caps->count; i++) {
		if (!strcmp(caps->items[i].keyword, "AUTH") && names(caps->items[i].param, mech)) {
			return 1;
		}
	}
	return 0;
}

static void check_flag(const smtp_capabilities *caps, int flag, const char *kw)
{
	if (!flag != !first_item(caps, kw)) {
		FAIL("flag for %s is %d but the keyword is %s", kw, flag, first_item(caps, kw) ? "listed" : "absent");
	}
}

static void check_caps(const smtp_capabilities *caps)
{
	size_t i;
	char mixed[64];

	if (caps->count > 0 && caps->items == NULL) {
		FAIL("%zu items but no array", caps->count);
	}
	for (i = 0; i < caps->count; i++) {
		const char *kw = caps->items[i].keyword, *param = caps->items[i].param, *found;
		size_t k, kl;
		if (kw == NULL || param == NULL) {
			FAIL("item %zu has a NULL keyword or parameter", i);
		}
		kl = strlen(kw);
		for (k = 0; k < kl; k++) {
			if ((kw[k] >= 'a' && kw[k] <= 'z') || kw[k] == ' ' || kw[k] == '=' || kw[k] == '\n') {
				FAIL("keyword \"%s\" is not an upper-case keyword", kw);
			}
		}
		if (strchr(param, '\n')) {
			FAIL("parameter of %s spans lines", kw);
		}
		/* a lookup is linear: on long lists look up the first 32 items and every 16th after them */
		if (i >= 32 && i % 16 != 0) {
			continue;
		}
		found = smtp_capability_param(caps, kw);
		if (found == NULL) {
			FAIL("smtp_capability_param does not find \"%s\"", kw);
		}
		if (found != first_item(caps, kw)->param) {
			FAIL("smtp_capability_param(\"%s\") is not the first item's parameter", kw);
		}
		/* the same keyword in mixed case */
		if (kl < sizeof(mixed)) {
			for (k = 0; k < kl; k++) {
				mixed[k] = (k & 1) ? lower(kw[k]) : kw[k];
			}
			mixed[kl] = '\0';
			if (smtp_capability_param(caps, mixed) != found) {
				FAIL("smtp_capability_param(\"%s\") differs from (\"%s\")", mixed, kw);
			}
		}
	}
	if (smtp_capability_param(caps, "X-NOT-ADVERTISED-\x01") != NULL) {
		FAIL("an absent keyword was found");
	}
	check_flag(caps, caps->pipelining, "PIPELINING");
	check_flag(caps, caps->chunking, "CHUNKING");
	check_flag(caps, caps->starttls, "STARTTLS");
	check_flag(caps, caps->eightbitmime, "8BITMIME");
	check_flag(caps, caps->smtputf8, "SMTPUTF8");
	check_flag(caps, caps->dsn, "DSN");
	check_flag(caps, caps->enhanced, "ENHANCEDSTATUSCODES");
	check_flag(caps, caps->size_advertised, "SIZE");
	if (!caps->size_advertised && caps->size_limit != 0) {
		FAIL("a size limit without SIZE");
	}
	{
		size_t i, n;
		const smtp_auth_mechanism *m = smtp_auth_mechanisms(&n);
		for (i = 0; i < n; i++) {
			int offered = smtp_capabilities_offer_auth(caps, m[i].mech);
			if (offered && !auth_names(caps, m[i].name)) {
				FAIL("an AUTH mechanism flag without an AUTH item naming it");
			}
			if (!offered && auth_names(caps, m[i].name)) {
				FAIL("an AUTH item names a mechanism whose flag is not set");
			}
		}
	}
}

static void parse_twice(const char *text, size_t len)
{
	smtp_capabilities caps, again;
	size_t i;

	memset(&caps, 0, sizeof(caps));
	memset(&again, 0, sizeof(again));
	if (smtp_capabilities_parse(&caps, text, len) != SMTP_OK) {
		FAIL("smtp_capabilities_parse failed");
	}
	check_caps(&caps);
	/* parse into a struct that already holds a result: the old one is freed (LeakSanitizer checks) */
	if (smtp_capabilities_parse(&again, "250-x\n250 OLD", 13) != SMTP_OK
		|| smtp_capabilities_parse(&again, text, len) != SMTP_OK) {
		FAIL("smtp_capabilities_parse failed the second time");
	}
	if (again.count != caps.count || again.pipelining != caps.pipelining || again.size_limit != caps.size_limit
		|| again.auth_offered != caps.auth_offered) {
		FAIL("parsing twice gives different results");
	}
	for (i = 0; i < caps.count; i++) {
		if (strcmp(caps.items[i].keyword, again.items[i].keyword) || strcmp(caps.items[i].param, again.items[i].param)) {
			FAIL("parsing twice gives different item %zu", i);
		}
	}
	smtp_capabilities_free(&caps);
	smtp_capabilities_free(&again);
	if (caps.count != 0 || caps.items != NULL) {
		FAIL("smtp_capabilities_free left items");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtp_reply_parser p;
	size_t used = 0;
	smtp_status st;

	/* 1. arbitrary text */
	parse_twice((const char *)data, size);

	/* 2. server bytes -> reply parser -> capabilities */
	smtp_reply_parser_init(&p);
	st = smtp_reply_parser_feed(&p, (const char *)data, size, &used);
	if (st == SMTP_OK && p.done && p.reply.code == 250) {
		smtp_capabilities caps;
		memset(&caps, 0, sizeof(caps));
		if (smtp_capabilities_parse(&caps, p.reply.text.data, p.reply.text.len) != SMTP_OK) {
			FAIL("smtp_capabilities_parse failed on a reply");
		}
		check_caps(&caps);
		if (caps.count + 1 > p.reply.lines && caps.count > 0) {
			FAIL("%zu capabilities from a reply of %zu lines", caps.count, p.reply.lines);
		}
		smtp_capabilities_free(&caps);
	}
	smtp_reply_parser_free(&p);
	return 0;
}
