/*
 * smtp_dsn.c - delivery status notifications (RFC 3461): how a user asks for them, and what that puts on
 * the envelope.
 *
 * One array shape, given to Smtp\Message::dsn() or as send()'s $dsn (which then replaces the message's):
 *
 *   [
 *     'notify'     => 'SUCCESS,FAILURE' | ['success', 'delay'] | 'NEVER',   // every recipient
 *     'ret'        => 'FULL' | 'HDRS',                                      // what a bounce returns
 *     'envid'      => 'order-1234',                                         // echoed in every DSN
 *     'orcpt'      => true,                                                 // ORCPT=rfc822;<address>
 *     'recipients' => [                                                    // per recipient overrides
 *         'archive@example.com' => 'NEVER',                                 // its NOTIFY
 *         'boss@example.com'    => ['notify' => ['failure'], 'orcpt' => 'rfc822;ceo@example.com'],
 *     ],
 *   ]
 *
 * The array is checked when it is given (ValueError naming the argument and the key) and kept in a normal
 * form: upper-case keywords, 'recipients' keyed by the lower-cased address. The parameters go on the wire
 * only when the server advertises DSN (the core leaves them out otherwise).
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"

#include "protocol/smtp_core.h"
#include "smtp_dsn.h"
#include "smtp_address.h"
#include "smtp_outgoing.h"

#define ENVID_MAX 100 /* RFC 3461 4.4: the xtext-encoded ENVID */
#define ORCPT_MAX 500 /* RFC 3461 4.2: the encoded ORCPT value */

/* ---- checks -------------------------------------------------------------------------------------- */

static bool keyword_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && zend_binary_strncasecmp(s, len, word, len, len) == 0;
}

/* Add one NOTIFY keyword (any case, spaces around it allowed) to the set in *bits. */
static bool notify_word(const char *s, size_t len, unsigned *bits, uint32_t arg_num, const char *where)
{
	static const char *const words[] = {"SUCCESS", "FAILURE", "DELAY", "NEVER"};
	unsigned i;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
		len--;
	}
	for (i = 0; i < 4; i++) {
		if (keyword_is(s, len, words[i])) {
			*bits |= 1u << i;
			return true;
		}
	}
	zend_argument_value_error(arg_num, "%s must be SUCCESS, FAILURE and/or DELAY, or NEVER alone, \"%.*s\" given",
		where, (int)(len > 40 ? 40 : len), s);
	return false;
}

/* 'notify': a comma-separated string or a list of keywords; its normal form "SUCCESS,FAILURE,DELAY". */
static zend_string *parse_notify(zval *v, uint32_t arg_num, const char *where)
{
	unsigned bits = 0;
	smart_str out = {0};

	ZVAL_DEREF(v);
	if (Z_TYPE_P(v) == IS_STRING) {
		const char *p = Z_STRVAL_P(v), *end = p + Z_STRLEN_P(v);
		for (;;) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			if (!notify_word(p, (size_t)((comma ? comma : end) - p), &bits, arg_num, where)) {
				return NULL;
			}
			if (!comma) {
				break;
			}
			p = comma + 1;
		}
	} else if (Z_TYPE_P(v) == IS_ARRAY && zend_hash_num_elements(Z_ARRVAL_P(v)) > 0) {
		zval *w;
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(v), w) {
			ZVAL_DEREF(w);
			if (Z_TYPE_P(w) != IS_STRING) {
				zend_argument_type_error(arg_num, "%s must contain only strings, %s given", where,
					zend_zval_type_name(w));
				return NULL;
			}
			if (!notify_word(Z_STRVAL_P(w), Z_STRLEN_P(w), &bits, arg_num, where)) {
				return NULL;
			}
		} ZEND_HASH_FOREACH_END();
	} else {
		zend_argument_type_error(arg_num, "%s must be a string or a non-empty list of strings, %s given", where,
			zend_zval_type_name(v));
		return NULL;
	}
	if ((bits & 8u) && bits != 8u) {
		zend_argument_value_error(arg_num, "%s must not combine NEVER with other values", where);
		return NULL;
	}
	if (bits & 8u) {
		return zend_string_init("NEVER", 5, 0);
	}
	if (bits & 1u) {
		smart_str_appends(&out, "SUCCESS");
	}
	if (bits & 2u) {
		smart_str_appends(&out, out.s ? ",FAILURE" : "FAILURE");
	}
	if (bits & 4u) {
		smart_str_appends(&out, out.s ? ",DELAY" : "DELAY");
	}
	return smart_str_extract(&out);
}

/* A string of printable characters without line breaks, for ORCPT addresses and ENVID. */
static bool printable(const zend_string *s, bool allow_utf8)
{
	const unsigned char *p = (const unsigned char *)ZSTR_VAL(s), *end = p + ZSTR_LEN(s);
	for (; p < end; p++) {
		if (*p < 32 || *p == 127 || (*p >= 128 && !allow_utf8)) {
			return false;
		}
	}
	return !allow_utf8 || smtp_utf8_valid(ZSTR_VAL(s), ZSTR_LEN(s));
}

/* ORCPT for an address as given: rfc822, or utf-8 (RFC 6533) when it is not ASCII. */
static zend_string *auto_orcpt(zend_string *address)
{
	bool ascii = smtp_is_ascii(ZSTR_VAL(address), ZSTR_LEN(address));
	return zend_string_concat2(ascii ? "rfc822;" : "utf-8;", ascii ? 7 : 6, ZSTR_VAL(address), ZSTR_LEN(address));
}

/* The length of an ORCPT value on the wire (the core encodes it), or 0 when the core refuses it. */
static size_t orcpt_wire_length(const zend_string *orcpt)
{
	smtp_buf encoded;
	size_t len;
	smtp_buf_init(&encoded);
	len = smtp_orcpt_append(&encoded, ZSTR_VAL(orcpt)) == SMTP_OK ? encoded.len : 0;
	smtp_buf_free(&encoded);
	return len;
}

/* An explicit ORCPT: "type;address" as given when it starts with an address type (an atom and ';'),
 * else an address, typed rfc822 (utf-8 when it is not ASCII). */
static zend_string *parse_orcpt(zend_string *v, uint32_t arg_num, const char *where)
{
	const char *p = ZSTR_VAL(v), *semi = memchr(p, ';', ZSTR_LEN(v));
	size_t i, tl = semi ? (size_t)(semi - p) : 0;
	bool typed = tl > 0;

	for (i = 0; i < tl && typed; i++) {
		typed = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')
			|| p[i] == '-';
	}
	bool ascii = smtp_is_ascii(ZSTR_VAL(v), ZSTR_LEN(v));
	size_t wire;
	zend_string *out;
	const char *why = NULL;

	if (ZSTR_LEN(v) == 0 || (typed && ZSTR_LEN(v) == tl + 1) || !printable(v, true)) {
		zend_argument_value_error(arg_num, "%s must be an address or \"type;address\" of printable characters", where);
		return NULL;
	}
	if (typed) {
		if (!ascii && !(tl == 5 && zend_binary_strncasecmp(p, 5, "utf-8", 5, 5) == 0)) {
			zend_argument_value_error(arg_num, "%s must be ASCII for type %.*s (use the utf-8 type, RFC 6533)", where,
				(int)tl, p);
			return NULL;
		}
		out = zend_string_copy(v);
	} else {
		/* a bare address: it is the recipient's original address, so it must be one */
		if (!smtp_address_valid(ZSTR_VAL(v), ZSTR_LEN(v), 1, &why)) {
			zend_argument_value_error(arg_num, "%s must be a valid email address or \"type;address\": %s", where,
				why ? why : "invalid");
			return NULL;
		}
		out = auto_orcpt(v);
	}
	wire = orcpt_wire_length(out);
	if (wire == 0) {
		zend_argument_value_error(arg_num, "%s must be \"type;address\" with a valid UTF-8 address", where);
	} else if (wire > ORCPT_MAX) {
		zend_argument_value_error(arg_num, "%s must be at most %d characters once encoded (RFC 3461)", where, ORCPT_MAX);
	}
	if (wire == 0 || wire > ORCPT_MAX) {
		zend_string_release(out);
		return NULL;
	}
	return out;
}

/* One entry of 'recipients': a NOTIFY value, or ['notify' => ..., 'orcpt' => ...]. */
static bool parse_recipient(zend_string *address, zval *v, zval *out, uint32_t arg_num)
{
	char where[320];
	zval *w;
	zend_string *key;

	snprintf(where, sizeof where, "['recipients']['%s']", ZSTR_VAL(address));
	array_init(out);
	ZVAL_DEREF(v);
	if (Z_TYPE_P(v) == IS_STRING || (Z_TYPE_P(v) == IS_ARRAY && zend_array_is_list(Z_ARRVAL_P(v))
		&& zend_hash_num_elements(Z_ARRVAL_P(v)) > 0)) {
		zend_string *notify = parse_notify(v, arg_num, where);
		if (!notify) {
			return false;
		}
		add_assoc_str(out, "notify", notify);
		return true;
	}
	if (Z_TYPE_P(v) != IS_ARRAY) {
		zend_argument_type_error(arg_num, "%s must be a NOTIFY value or an array with keys notify and orcpt, "
			"%s given", where, zend_zval_type_name(v));
		return false;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL_P(v), key, w) {
		char sub[360];
		ZVAL_DEREF(w);
		if (key && zend_string_equals_literal(key, "notify")) {
			zend_string *notify;
			snprintf(sub, sizeof sub, "%s['notify']", where);
			if (!(notify = parse_notify(w, arg_num, sub))) {
				return false;
			}
			add_assoc_str(out, "notify", notify);
		} else if (key && zend_string_equals_literal(key, "orcpt")) {
			snprintf(sub, sizeof sub, "%s['orcpt']", where);
			if (Z_TYPE_P(w) == IS_TRUE || Z_TYPE_P(w) == IS_FALSE) {
				add_assoc_bool(out, "orcpt", Z_TYPE_P(w) == IS_TRUE);
			} else if (Z_TYPE_P(w) == IS_STRING) {
				zend_string *orcpt = parse_orcpt(Z_STR_P(w), arg_num, sub);
				if (!orcpt) {
					return false;
				}
				add_assoc_str(out, "orcpt", orcpt);
			} else {
				zend_argument_type_error(arg_num, "%s must be of type string|bool, %s given", sub,
					zend_zval_type_name(w));
				return false;
			}
		} else {
			zend_argument_value_error(arg_num, "%s has an unknown key (known: notify, orcpt)", where);
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

/* ['envid']: 1 to ENVID_MAX printable characters once xtext-encoded (RFC 3461 4.4) */
static bool parse_envid(zval *v, zval *out, uint32_t arg_num)
{
	size_t encoded = 0, i;
	if (Z_TYPE_P(v) != IS_STRING) {
		zend_argument_type_error(arg_num, "['envid'] must be of type string, %s given", zend_zval_type_name(v));
		return false;
	}
	for (i = 0; i < Z_STRLEN_P(v); i++) {
		char c = Z_STRVAL_P(v)[i];
		encoded += (c == ' ' || c == '+' || c == '=') ? 3 : 1;
	}
	if (Z_STRLEN_P(v) == 0 || !printable(Z_STR_P(v), false) || encoded > ENVID_MAX) {
		zend_argument_value_error(arg_num, "['envid'] must be 1 to %d printable ASCII characters "
			"(space, '+' and '=' count three)", ENVID_MAX);
		return false;
	}
	add_assoc_str(out, "envid", zend_string_copy(Z_STR_P(v)));
	return true;
}

/* ['recipients']: address => [notify, orcpt], keyed by the lower-cased address in out */
static bool parse_recipients(zval *v, zval *out, uint32_t arg_num)
{
	zval list, entry, *w;
	zend_string *address;
	if (Z_TYPE_P(v) != IS_ARRAY) {
		zend_argument_type_error(arg_num, "['recipients'] must be of type array, %s given", zend_zval_type_name(v));
		return false;
	}
	array_init(&list);
	add_assoc_zval(out, "recipients", &list);
	ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL_P(v), address, w) {
		zend_string *lc;
		if (!address) {
			zend_argument_value_error(arg_num, "['recipients'] must be keyed by address");
			return false;
		}
		if (!smtp_check_address(address, arg_num, "a ['recipients'] key")) {
			return false;
		}
		if (!parse_recipient(address, w, &entry, arg_num)) {
			zval_ptr_dtor(&entry);
			return false;
		}
		lc = zend_string_tolower(address);
		zend_hash_update(Z_ARRVAL(list), lc, &entry); /* list's table, now held by out */
		zend_string_release(lc);
	} ZEND_HASH_FOREACH_END();
	return true;
}

zend_result smtp_dsn_normalize(HashTable *options, zval *out, uint32_t arg_num)
{
	zend_string *key;
	zval *v;

	array_init(out);
	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, v) {
		ZVAL_DEREF(v);
		if (!key) {
			zend_argument_value_error(arg_num, "must have only the keys notify, ret, envid, orcpt and recipients");
			goto fail;
		}
		if (zend_string_equals_literal(key, "notify")) {
			zend_string *notify = parse_notify(v, arg_num, "['notify']");
			if (!notify) {
				goto fail;
			}
			add_assoc_str(out, "notify", notify);
		} else if (zend_string_equals_literal(key, "ret")) {
			if (Z_TYPE_P(v) != IS_STRING) {
				zend_argument_type_error(arg_num, "['ret'] must be of type string, %s given", zend_zval_type_name(v));
				goto fail;
			}
			if (!(keyword_is(Z_STRVAL_P(v), Z_STRLEN_P(v), "FULL")
				|| keyword_is(Z_STRVAL_P(v), Z_STRLEN_P(v), "HDRS"))) {
				zend_argument_value_error(arg_num, "['ret'] must be \"FULL\" or \"HDRS\"");
				goto fail;
			}
			add_assoc_string(out, "ret", (Z_STRVAL_P(v)[0] | 0x20) == 'f' ? "FULL" : "HDRS");
		} else if (zend_string_equals_literal(key, "envid")) {
			if (!parse_envid(v, out, arg_num)) {
				goto fail;
			}
		} else if (zend_string_equals_literal(key, "orcpt")) {
			if (Z_TYPE_P(v) != IS_TRUE && Z_TYPE_P(v) != IS_FALSE) {
				zend_argument_type_error(arg_num, "['orcpt'] must be of type bool, %s given", zend_zval_type_name(v));
				goto fail;
			}
			if (Z_TYPE_P(v) == IS_TRUE) {
				add_assoc_bool(out, "orcpt", true);
			}
		} else if (zend_string_equals_literal(key, "recipients")) {
			if (!parse_recipients(v, out, arg_num)) {
				goto fail;
			}
		} else {
			zend_argument_value_error(arg_num, "has an unknown key \"%s\" (known: notify, ret, envid, orcpt, recipients)",
				ZSTR_VAL(key));
			goto fail;
		}
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
fail:
	zval_ptr_dtor(out);
	ZVAL_UNDEF(out);
	return FAILURE;
}

/* ---- onto the envelope --------------------------------------------------------------------------- */

zend_result smtp_dsn_prepare(smtp_outgoing *o, const zval *dsn, const char *source)
{
	HashTable *ht, *recipients = NULL;
	zval *v, *notify_all;
	bool orcpt_all;
	uint32_t i;

	if (!dsn || Z_TYPE_P(dsn) != IS_ARRAY || zend_hash_num_elements(Z_ARRVAL_P(dsn)) == 0) {
		return SUCCESS;
	}
	ht = Z_ARRVAL_P(dsn);
	if ((v = zend_hash_str_find(ht, "recipients", sizeof("recipients") - 1)) != NULL) {
		zend_string *lc;
		recipients = Z_ARRVAL_P(v);
		/* every address it names must be one the message goes to: a typo would silently do nothing */
		ZEND_HASH_FOREACH_STR_KEY(recipients, lc) {
			bool found = false;
			for (i = 0; i < o->rcpt_count && !found; i++) {
				found = zend_string_equals_ci(lc, o->rcpt[i]);
			}
			if (!found) {
				zend_value_error("%s['recipients'] names %s, which is not a recipient of this message", source,
					ZSTR_VAL(lc));
				return FAILURE;
			}
		} ZEND_HASH_FOREACH_END();
	}
	if ((v = zend_hash_str_find(ht, "ret", sizeof("ret") - 1)) != NULL) {
		o->dsn_ret = zend_string_copy(Z_STR_P(v));
	}
	if ((v = zend_hash_str_find(ht, "envid", sizeof("envid") - 1)) != NULL) {
		o->dsn_envid = zend_string_copy(Z_STR_P(v));
	}
	notify_all = zend_hash_str_find(ht, "notify", sizeof("notify") - 1);
	orcpt_all = zend_hash_str_exists(ht, "orcpt", sizeof("orcpt") - 1);
	o->dsn_notify = ecalloc(o->rcpt_count, sizeof(*o->dsn_notify));
	o->dsn_orcpt = ecalloc(o->rcpt_count, sizeof(*o->dsn_orcpt));
	for (i = 0; i < o->rcpt_count; i++) {
		zval *entry = NULL, *notify = notify_all, *orcpt;
		bool want_orcpt = orcpt_all;
		if (recipients) {
			zend_string *lc = zend_string_tolower(o->rcpt[i]);
			entry = zend_hash_find(recipients, lc);
			zend_string_release(lc);
		}
		if (entry && (v = zend_hash_str_find(Z_ARRVAL_P(entry), "notify", sizeof("notify") - 1)) != NULL) {
			notify = v;
		}
		if (notify) {
			o->dsn_notify[i] = zend_string_copy(Z_STR_P(notify));
		}
		orcpt = entry ? zend_hash_str_find(Z_ARRVAL_P(entry), "orcpt", sizeof("orcpt") - 1) : NULL;
		if (orcpt && Z_TYPE_P(orcpt) == IS_STRING) {
			o->dsn_orcpt[i] = zend_string_copy(Z_STR_P(orcpt));
			continue;
		}
		if (orcpt) {
			want_orcpt = Z_TYPE_P(orcpt) == IS_TRUE;
		}
		if (want_orcpt) {
			o->dsn_orcpt[i] = auto_orcpt(o->rcpt[i]);
		}
	}
	return SUCCESS;
}

void smtp_dsn_release(smtp_outgoing *o)
{
	uint32_t i;
	if (o->dsn_notify || o->dsn_orcpt) {
		for (i = 0; i < o->rcpt_count; i++) {
			if (o->dsn_notify && o->dsn_notify[i]) {
				zend_string_release(o->dsn_notify[i]);
			}
			if (o->dsn_orcpt && o->dsn_orcpt[i]) {
				zend_string_release(o->dsn_orcpt[i]);
			}
		}
		if (o->dsn_notify) {
			efree(o->dsn_notify);
		}
		if (o->dsn_orcpt) {
			efree(o->dsn_orcpt);
		}
		o->dsn_notify = o->dsn_orcpt = NULL;
	}
	if (o->dsn_ret) {
		zend_string_release(o->dsn_ret);
		o->dsn_ret = NULL;
	}
	if (o->dsn_envid) {
		zend_string_release(o->dsn_envid);
		o->dsn_envid = NULL;
	}
}
