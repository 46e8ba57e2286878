/*
 * smtp.c - the smtp extension's module: class registration, INI, phpinfo().
 *
 * The binding is split by concept, one header each (DESIGN.md lists them). The protocol is in protocol/.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "zend_attributes.h"
#include "ext/standard/info.h"
#include "zend_smart_str.h"
#include "ext/spl/spl_exceptions.h"

#include "php_smtp.h"
#include "protocol/smtp_core.h"
#include "smtp_client.h"
#include "smtp_dkim_binding.h"
#include "smtp_exceptions.h"
#include "smtp_globals.h"
#include "smtp_ini.h"
#include "smtp_mail.h"
#include "smtp_message.h"
#include "smtp_persistent.h"
#include "smtp_result.h"
#include "smtp_transport.h"
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
	smtp_ini_minit(type, module_number);

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
	smtp_ini_mshutdown(type, module_number);
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

static PHP_RSHUTDOWN_FUNCTION(smtp)
{
	(void)type;
	(void)module_number;
	smtp_mail_request_end();
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(smtp)
{
	php_info_print_table_start();
	php_info_print_table_row(2, "SMTP client", "enabled");
	php_info_print_table_row(2, "Version", PHP_SMTP_VERSION);
	php_info_print_table_row(2, "TLS (through ext/openssl streams)", smtp_tls_available() ? "available" : "unavailable");
	{
		/* the core's mechanism table, so a new mechanism shows up here by itself */
		smart_str names = {0};
		size_t i, n;
		const smtp_auth_mechanism *m = smtp_auth_mechanisms(&n);
		for (i = 0; i < n; i++) {
			smart_str_appends(&names, i ? ", " : "");
			smart_str_appends(&names, m[i].name);
		}
		smart_str_0(&names);
		php_info_print_table_row(2, "AUTH mechanisms", ZSTR_VAL(names.s));
		smart_str_free(&names);
	}
	php_info_print_table_row(2, "Extensions used", "PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8, SIZE, DSN, "
		"ENHANCEDSTATUSCODES, STARTTLS");
	php_info_print_table_row(2, "mail() override", SMTP_G(override_mail) ? "active" : "off");
	{
		/* where smtp_mail() (and mail() with the override) sends, after the fallback to SMTP/smtp_port */
		static const char *const modes[] = {"none", "STARTTLS", "implicit TLS", "opportunistic STARTTLS"};
		const char *host;
		zend_long port;
		int tls;
		char server[320];
		smtp_mail_server(&host, &port, &tls);
		snprintf(server, sizeof(server), "%s:" ZEND_LONG_FMT ", TLS: %s", host, port,
			tls >= 0 && tls <= 3 ? modes[tls] : "?");
		php_info_print_table_row(2, "smtp_mail() server", server);
	}
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
	PHP_RSHUTDOWN(smtp),
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
