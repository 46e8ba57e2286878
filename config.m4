dnl config.m4 for the smtp extension

PHP_ARG_ENABLE([smtp],
  [whether to enable the smtp extension],
  [AS_HELP_STRING([--enable-smtp], [Enable the SMTP client extension (class Smtp, smtp_mail())])])

if test "$PHP_SMTP" != "no"; then
  dnl The core in protocol/ is portable C99 with its own MD5 and SHA-256; TLS comes from ext/openssl
  dnl through PHP streams at run time. libcrypto is linked for the private-key operation of DKIM only
  dnl (smtp_dkim.c and smtp_dkim_config.c; see the README's DKIM section).
  PHP_SETUP_OPENSSL([SMTP_SHARED_LIBADD], [], [AC_MSG_ERROR([smtp needs OpenSSL's libcrypto for DKIM])])
  PHP_SUBST([SMTP_SHARED_LIBADD])
  SMTP_BINDING_SOURCES="smtp.c smtp_ini.c smtp_values.c smtp_options.c smtp_client.c smtp_client_connect.c smtp_hosts.c \
    smtp_connection.c smtp_transport.c smtp_persistent.c smtp_outgoing.c smtp_result.c smtp_exceptions.c \
    smtp_batch.c smtp_batch_parallel.c smtp_message.c smtp_message_parts.c smtp_message_build.c smtp_boundary.c smtp_address.c smtp_headers.c \
    smtp_sendmail.c smtp_render.c smtp_mail.c smtp_mail_args.c smtp_mail_message.c smtp_dsn.c smtp_idn.c \
    smtp_dkim.c smtp_dkim_config.c smtp_smime.c"
  SMTP_CORE_SOURCES="protocol/buf.c protocol/reply.c protocol/check.c protocol/encode.c protocol/data.c \
    protocol/session.c protocol/wire.c protocol/session_auth.c protocol/envelope.c protocol/transaction.c \
    protocol/batch.c protocol/auth.c protocol/scram.c protocol/md5.c protocol/sha1.c protocol/sha256.c \
    protocol/hmac.c protocol/mime.c protocol/mime_header.c protocol/mime_check.c protocol/dkim.c \
    protocol/dkim_signature.c"

  PHP_NEW_EXTENSION([smtp], [$SMTP_BINDING_SOURCES $SMTP_CORE_SOURCES], [$ext_shared],,
    [-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1])
  PHP_ADD_BUILD_DIR([$ext_builddir/protocol])
  AC_DEFINE([HAVE_SMTP], [1], [Whether the smtp extension is enabled])
  PHP_ADD_EXTENSION_DEP([smtp], [spl])
  PHP_ADD_EXTENSION_DEP([smtp], [date])
  PHP_ADD_EXTENSION_DEP([smtp], [random])
fi
