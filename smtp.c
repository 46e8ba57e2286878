/*
 * smtp.c - the smtp extension's module: class registration, INI, phpinfo().
 *
 * The binding is split by concept: smtp_client.c (class Smtp), smtp_message.c (Smtp\Message),
 * smtp_transport.c (the core's transport on PHP streams), smtp_exceptions.c (status -> exception),
 * smtp_mail.c (smtp_mail() and the mail() override), smtp_batch.c (Smtp::sendBatch()),
 * smtp_persistent.c (connections kept across requests). The protocol is in protocol/.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "SAPI.h"
#include "zend_attributes.h"
#include "ext/standard/info.h"
#include "ext/spl/spl_exceptions.h"

#include "php_smtp.h"
#include "smtp_dkim_binding.h"
#include "smtp_arginfo.h"

ZEND_DECLARE_MODULE_GLOBALS(smtp)

zend_class_entry *smtp_ce_Smtp;
zend_class_entry *smtp_ce_Message;
zend_class_entry *smtp_ce_Result;
zend_class_entry *smtp_ce_Exception;
zend_class_entry *smtp_ce_ConnectionException;
zend_class_entry *smtp_ce_TlsException;
zend_class_entry *smtp_ce_AuthenticationException;
zend_class_entry *smtp_ce_ResponseException;
zend_class_entry *smtp_ce_RecipientException;

/* smtp.tls: empty (automatic: implicit TLS on port 465, else STARTTLS), a mode name, or its number */
static ZEND_INI_MH(OnUpdateSmtpTls)
{
	if (new_value && ZSTR_LEN(new_value) && smtp_parse_tls_mode(ZSTR_VAL(new_value)) < 0) {
		if (stage != ZEND_INI_STAGE_STARTUP && stage != ZEND_INI_STAGE_SHUTDOWN) {
			php_error_docref(NULL, E_WARNING,
				"smtp.tls must be empty, \"none\", \"starttls\", \"implicit\" or \"opportunistic\"");
		}
		return FAILURE;
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static ZEND_INI_MH(OnUpdateSmtpPort)
{
	zend_long port = new_value ? ZEND_STRTOL(ZSTR_VAL(new_value), NULL, 10) : 0;
	if (port < 0 || port > 65535) {
		return FAILURE;
	}
	return OnUpdateLong(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static ZEND_INI_MH(OnUpdateSmtpTimeout)
{
	double t = new_value ? zend_strtod(ZSTR_VAL(new_value), NULL) : 0;
	if (!(t > 0) || !zend_finite(t)) {
		return FAILURE;
	}
	return OnUpdateReal(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* phpinfo() shows whether a password is set, never the password */
static ZEND_INI_DISP(smtp_password_displayer)
{
	zend_string *value = type == ZEND_INI_DISPLAY_ORIG && ini_entry->modified ? ini_entry->orig_value
		: ini_entry->value;
	if (value && ZSTR_LEN(value)) {
		PUTS("********");
	} else if (sapi_module.phpinfo_as_text) {
		PUTS("no value");
	} else {
		PUTS("<i>no value</i>");
	}
}

PHP_INI_BEGIN()
	STD_PHP_INI_ENTRY("smtp.host", "localhost", PHP_INI_ALL, OnUpdateString, host, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.port", "0", PHP_INI_ALL, OnUpdateSmtpPort, port, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.tls", "", PHP_INI_ALL, OnUpdateSmtpTls, tls, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.username", "", PHP_INI_ALL, OnUpdateString, username, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY_EX("smtp.password", "", PHP_INI_ALL, OnUpdateString, password, zend_smtp_globals,
		smtp_globals, smtp_password_displayer)
	STD_PHP_INI_ENTRY("smtp.helo", "", PHP_INI_ALL, OnUpdateString, helo, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.timeout", "30", PHP_INI_ALL, OnUpdateSmtpTimeout, timeout, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.from", "", PHP_INI_ALL, OnUpdateString, from, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_BOOLEAN("smtp.override_mail", "0", PHP_INI_SYSTEM, OnUpdateBool, override_mail, zend_smtp_globals,
		smtp_globals)
PHP_INI_END()

static PHP_GINIT_FUNCTION(smtp)
{
#if defined(COMPILE_DL_SMTP) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	memset(smtp_globals, 0, sizeof(*smtp_globals));
}

static PHP_GSHUTDOWN_FUNCTION(smtp)
{
	if (smtp_globals->default_helo) {
		zend_string_release_ex(smtp_globals->default_helo, 1);
		smtp_globals->default_helo = NULL;
	}
}

static PHP_MINIT_FUNCTION(smtp)
{
	REGISTER_INI_ENTRIES();

	smtp_ce_Smtp = register_class_Smtp();
	smtp_ce_Smtp->create_object = smtp_client_create;
	smtp_ce_Message = register_class_Smtp_Message();
	smtp_ce_Message->create_object = smtp_message_create;
	smtp_ce_Result = register_class_Smtp_Result();

	smtp_ce_Exception = register_class_Smtp_Exception(spl_ce_RuntimeException);
	smtp_ce_ConnectionException = register_class_Smtp_ConnectionException(smtp_ce_Exception);
	smtp_ce_TlsException = register_class_Smtp_TlsException(smtp_ce_ConnectionException);
	smtp_ce_AuthenticationException = register_class_Smtp_AuthenticationException(smtp_ce_Exception);
	smtp_ce_ResponseException = register_class_Smtp_ResponseException(smtp_ce_Exception);
	smtp_ce_RecipientException = register_class_Smtp_RecipientException(smtp_ce_Exception);

	smtp_client_register_handlers();
	smtp_message_register_handlers();
	smtp_persistent_minit(module_number);
	smtp_dkim_minit(module_number);

	if (SMTP_G(override_mail)) {
		smtp_mail_override_install();
	}
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(smtp)
{
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

static PHP_RINIT_FUNCTION(smtp)
{
	(void)type;
	(void)module_number;
#if defined(COMPILE_DL_SMTP) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(smtp)
{
	php_info_print_table_start();
	php_info_print_table_row(2, "SMTP client", "enabled");
	php_info_print_table_row(2, "Version", PHP_SMTP_VERSION);
	php_info_print_table_row(2, "TLS (through ext/openssl streams)", smtp_tls_available() ? "available" : "unavailable");
	php_info_print_table_row(2, "AUTH mechanisms", "SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER");
	php_info_print_table_row(2, "Extensions used", "PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8, SIZE, DSN, "
		"ENHANCEDSTATUSCODES, STARTTLS");
	php_info_print_table_row(2, "mail() override", SMTP_G(override_mail) ? "active" : "off");
	php_info_print_table_end();

	DISPLAY_INI_ENTRIES();
}

static const zend_module_dep smtp_deps[] = {
	ZEND_MOD_REQUIRED("spl")
	ZEND_MOD_REQUIRED("date")
	ZEND_MOD_REQUIRED("standard")
	ZEND_MOD_OPTIONAL("openssl")
	ZEND_MOD_END
};

zend_module_entry smtp_module_entry = {
	STANDARD_MODULE_HEADER_EX,
	NULL,
	smtp_deps,
	"smtp",
	ext_functions,
	PHP_MINIT(smtp),
	PHP_MSHUTDOWN(smtp),
	PHP_RINIT(smtp),
	NULL,
	PHP_MINFO(smtp),
	PHP_SMTP_VERSION,
	PHP_MODULE_GLOBALS(smtp),
	PHP_GINIT(smtp),
	PHP_GSHUTDOWN(smtp),
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_SMTP
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(smtp)
#endif
