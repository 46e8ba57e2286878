/*
 * smtp_idn.c - internationalized domain names for servers without SMTPUTF8.
 *
 * An address like user@bücher.example can go to any server: its domain has an ASCII form, the A-label
 * (xn--bcher-kva.example, RFC 5890). When the server offers SMTPUTF8 the address is sent as it is; when
 * it does not, every non-ASCII domain of the envelope and of the From/Sender/To/Cc/Reply-To header is
 * converted with ext/intl's idn_to_ascii() (UTS #46, non-transitional, as browsers and Symfony Mailer do).
 * A non-ASCII local part has no ASCII form: such a message needs SMTPUTF8, and the send fails before
 * MAIL with a clear error. So does a missing ext/intl. Results still name the recipients as given.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"

#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"
#include "smtp_idn.h"
#include "smtp_exceptions.h"
#include "smtp_outgoing.h"

static bool intl_loaded(void)
{
	return zend_hash_str_exists(CG(function_table), "idn_to_ascii", sizeof("idn_to_ascii") - 1);
}

static zend_long intl_constant(const char *name)
{
	zval *v = zend_get_constant_str(name, strlen(name));
	return v && Z_TYPE_P(v) == IS_LONG ? Z_LVAL_P(v) : 0;
}

/* idn_to_ascii($domain, flags, INTL_IDNA_VARIANT_UTS46), or NULL when intl refuses the domain. */
static zend_string *domain_to_ascii(const char *domain, size_t len)
{
	zval fn, args[3], ret;
	zend_string *out = NULL;

	ZVAL_STRINGL(&fn, "idn_to_ascii", sizeof("idn_to_ascii") - 1);
	ZVAL_STRINGL(&args[0], domain, len);
	ZVAL_LONG(&args[1], intl_constant("IDNA_DEFAULT") | intl_constant("IDNA_USE_STD3_RULES")
		| intl_constant("IDNA_CHECK_BIDI") | intl_constant("IDNA_CHECK_CONTEXTJ")
		| intl_constant("IDNA_NONTRANSITIONAL_TO_ASCII"));
	ZVAL_LONG(&args[2], intl_constant("INTL_IDNA_VARIANT_UTS46"));
	ZVAL_UNDEF(&ret);
	if (call_user_function(NULL, NULL, &fn, &ret, 3, args) == SUCCESS && !EG(exception)
		&& Z_TYPE(ret) == IS_STRING && Z_STRLEN(ret) > 0 && smtp_is_ascii(Z_STRVAL(ret), Z_STRLEN(ret))) {
		out = zend_string_copy(Z_STR(ret));
	}
	zval_ptr_dtor(&ret);
	zval_ptr_dtor(&args[0]);
	zval_ptr_dtor(&fn);
	return out;
}

/* Keep a converted address for as long as o is built. */
static const char *keep(smtp_outgoing *o, zend_string *s)
{
	o->idn = safe_erealloc(o->idn, o->idn_count + 1, sizeof(*o->idn), 0);
	o->idn[o->idn_count++] = s;
	return ZSTR_VAL(s);
}

/*
 * The ASCII form of one address (s, len): itself when ASCII, else local@A-label. NULL with an exception
 * thrown when it has none. what says where the address is, for the message.
 */
static const char *ascii_address(smtp_outgoing *o, const char *s, size_t len, const char *what)
{
	const char *at = zend_memrchr(s, '@', len);
	zend_string *domain, *address;

	if (smtp_is_ascii(s, len)) {
		return s;
	}
	if (!at || !smtp_is_ascii(s, (size_t)(at - s))) {
		smtp_throw(smtp_ce_ResponseException, 0, NULL, NULL, false,
			"Not sent: the %s address %.*s has a non-ASCII local part, which needs SMTPUTF8, and the server does "
			"not offer SMTPUTF8", what, (int)len, s);
		return NULL;
	}
	if (!intl_loaded()) {
		smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false,
			"Not sent: the %s address %.*s has an internationalized domain; the server does not offer SMTPUTF8, "
			"and converting the domain to its ASCII form (A-label) needs the intl extension, which is not loaded",
			what, (int)len, s);
		return NULL;
	}
	domain = domain_to_ascii(at + 1, len - (size_t)(at + 1 - s));
	if (EG(exception)) {
		if (domain) {
			zend_string_release(domain);
		}
		return NULL;
	}
	if (!domain) {
		smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false,
			"Not sent: the domain of the %s address %.*s is not a valid internationalized domain name "
			"(idn_to_ascii() refused it)", what, (int)len, s);
		return NULL;
	}
	address = zend_string_concat3(s, (size_t)(at + 1 - s), ZSTR_VAL(domain), ZSTR_LEN(domain), "", 0);
	zend_string_release(domain);
	return keep(o, address);
}

static bool convert_mailboxes(smtp_outgoing *o, smtp_mailbox *list, size_t count, const char *what)
{
	size_t i;
	for (i = 0; i < count; i++) {
		const char *a = ascii_address(o, list[i].address.s, list[i].address.len, what);
		if (!a) {
			return false;
		}
		if (a != list[i].address.s) {
			list[i].address.s = a;
			list[i].address.len = strlen(a);
		}
	}
	return true;
}

zend_result smtp_idn_prepare(smtp_outgoing *o)
{
	uint32_t i;
	const char *from;

	from = ascii_address(o, ZSTR_VAL(o->from), ZSTR_LEN(o->from), "sender");
	if (!from) {
		return FAILURE;
	}
	o->env.from = from;
	for (i = 0; i < o->rcpt_count; i++) {
		const char *a = ascii_address(o, ZSTR_VAL(o->rcpt[i]), ZSTR_LEN(o->rcpt[i]), "recipient");
		if (!a) {
			return FAILURE;
		}
		if (a != ZSTR_VAL(o->rcpt[i])) {
			o->list[i].address = a;
			o->list[i].label = ZSTR_VAL(o->rcpt[i]); /* results name it as the caller wrote it */
		}
	}
	if (o->m) {
		/* the header must name the same mailboxes: RFC 2047 cannot encode an address */
		smtp_message *msg = &o->b.msg;
		size_t n = msg->to_count + msg->cc_count + msg->reply_to_count;
		if ((msg->has_from && !convert_mailboxes(o, &msg->from, 1, "From"))
			|| (msg->has_sender && !convert_mailboxes(o, &msg->sender, 1, "Sender"))
			|| !convert_mailboxes(o, o->b.mailboxes, n, "header")) {
			return FAILURE;
		}
	}
	o->env.smtputf8 = 0;
	return SUCCESS;
}

void smtp_idn_release(smtp_outgoing *o)
{
	uint32_t i;
	for (i = 0; i < o->idn_count; i++) {
		zend_string_release(o->idn[i]);
	}
	if (o->idn) {
		efree(o->idn);
	}
	o->idn = NULL;
	o->idn_count = 0;
}
