/*
 * smtp_message.h - Smtp\Message: the object PHP code fills, and the core's smtp_message built from it.
 *
 * The API, by file:
 *   - smtp_message.c: the object's life (create, clone, free) and its checked setters. Every setter that
 *     other entry points share (sendMail()'s headers, listUnsubscribe()) goes through
 *     smtp_message_add_address(), smtp_message_set_text_field() or smtp_message_add_header(), so a value
 *     refused by Message::header() is refused everywhere, with a ValueError naming the caller's argument.
 *   - smtp_message_parts.c: attachments and inline parts (attach(), attachData(), embed()), their MIME
 *     types checked and normalised when given, or guessed from the file name.
 *   - smtp_message_build.c: smtp_message_build_init() turns a Message into the core's smtp_message right
 *     before it is written (a private copy, attachment files opened, Date and Message-ID generated when
 *     not set); toString(). smtp_message_id_new() and smtp_date_now() are the only generators of a
 *     Message-ID and a Date in the extension (mail() uses them too).
 * Mailboxes and address lists are in smtp_address.h.
 */
#ifndef SMTP_MESSAGE_H
#define SMTP_MESSAGE_H

#include "php.h"
#include "php_smtp_compat.h"
#include "protocol/smtp_core.h"
#include "protocol/smtp_mime.h"
#include "smtp_address.h"

extern zend_class_entry *smtp_ce_Message;

typedef struct smtp_php_header {
	zend_string *name;
	zend_string *value;
} smtp_php_header;

typedef struct smtp_php_part {
	smtp_part_disposition disposition;
	zend_string *path;       /* read when the message is written; NULL for in-memory data */
	zend_string *data;       /* in-memory content; NULL for a file */
	zend_string *filename;
	zend_string *type;       /* NULL: guessed from the file name */
	zend_string *cid;        /* inline parts */
} smtp_php_part;

typedef struct smtp_message_obj {
	zend_string *from_address, *from_name;
	zend_string *sender_address, *sender_name;
	smtp_php_mailbox_list to, cc, bcc, reply_to;
	zend_string *subject;
	zend_string *text;
	zend_string *html;
	zend_string *charset;    /* NULL: UTF-8 */
	zend_string *message_id; /* set through header("Message-ID", ...) */
	zend_string *date;       /* set through header("Date", ...) */
	zval dsn;                /* dsn() in its normal form (smtp_dsn.c), or UNDEF */
	bool require_tls;        /* requireTls(): REQUIRETLS (RFC 8689) on MAIL */
	zval smime;              /* smime() in its normal form (smtp_smime.c), or UNDEF */
	void *smime_key;         /* its signing key, parsed (an EVP_PKEY): neither the PEM nor the passphrase is kept */
	smtp_php_header *headers;
	uint32_t header_count, header_cap;
	smtp_php_part *parts;
	uint32_t part_count, part_cap;
	zend_object std;
} smtp_message_obj;

/* smtp_smime.c: another reference to a parsed S/MIME key (NULL stays NULL); its release (NULL: nothing). */
void *smtp_smime_key_ref(void *key);
void smtp_smime_key_release(void *key);

static inline smtp_message_obj *smtp_message_from_obj(zend_object *obj)
{
	return smtp_compat_container(smtp_message_obj, obj);
}

/* Whether a (pointer, length) is the ASCII string b, case aside. */
static inline bool smtp_ascii_ieq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	return alen == blen && zend_binary_strcasecmp(a, alen, b, blen) == 0;
}

/* ---- the object (smtp_message.c) ----------------------------------------------------------------- */

void smtp_message_register_handlers(void);
zend_object *smtp_message_create(zend_class_entry *ce);
/* A copy of a Message (its strings shared, not copied). */
zend_object *smtp_message_clone(zend_object *old);

/* Add an address to a list, after checking it; arg_num (and arg_num + 1 for the name) for the ValueError. */
zend_result smtp_message_add_address(smtp_message_obj *m, smtp_php_mailbox_list *list, zend_string *address,
	zend_string *name, uint32_t arg_num);
/* Set a text field (subject, text, html) after checking it: single_line refuses CR, LF and NUL; under UTF-8
 * the value must be valid UTF-8. */
zend_result smtp_message_set_text_field(smtp_message_obj *m, zend_string **field, zend_string *value,
	uint32_t arg_num, bool single_line);
/* Message::header(name, value): refuses names the library writes itself (From, Content-Type, ...); Date and
 * Message-ID are checked and kept apart. name_arg/value_arg for the ValueError. */
zend_result smtp_message_add_header(smtp_message_obj *m, zend_string *name, zend_string *value, uint32_t name_arg,
	uint32_t value_arg);

/* ---- attachments (smtp_message_parts.c) ---------------------------------------------------------- */

/* The MIME type of a file name by its extension, "application/octet-stream" when unknown. */
const char *smtp_guess_content_type(zend_string *filename);

/* ---- the core's message (smtp_message_build.c) --------------------------------------------------- */

/*
 * A Message turned into the core's smtp_message, with everything it borrows or owns: mailbox arrays,
 * the generated Date and Message-ID, and the open attachment streams. Built right before writing.
 */
typedef struct smtp_message_build {
	smtp_message msg;
	zend_object *snapshot;       /* the copy of the Message msg borrows from */
	smtp_mailbox *mailboxes;     /* to, cc, reply_to in one allocation */
	smtp_header_field *headers;
	smtp_part *parts;
	struct smtp_file_source *sources;
	uint32_t source_count;
	zend_string *date;
	zend_string *message_id;
	char error[256];
} smtp_message_build;

/* Fill b from m. Opens attachment files (a failure throws Smtp\Exception and returns FAILURE).
 * default_domain is used for the Message-ID when the From address has no usable domain. */
zend_result smtp_message_build_init(smtp_message_build *b, smtp_message_obj *m, const char *default_domain);
void smtp_message_build_free(smtp_message_build *b);
/* Rewind the attachment sources so the message can be written again (after a failed attempt). */
void smtp_message_build_rewind(smtp_message_build *b);
/* A new Message-ID, "<32 hex digits@domain>": 128 random bits at the domain of address (NULL or without a
 * usable ASCII domain: default_domain, else "localhost"). */
zend_string *smtp_message_id_new(const zend_string *address, const char *default_domain);
/* The Date field's value for now (RFC 5322 date-time, local time). */
zend_string *smtp_date_now(void);

#endif /* SMTP_MESSAGE_H */
