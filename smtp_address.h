/*
 * smtp_address.h - mailboxes as PHP code gives them (smtp_address.c): an address with an optional display
 * name, lists of them, and the "Name <a@b>, c@d" lists written in header values.
 *
 * Every address is checked the same way at every entry point (smtp_check_address(): RFC 5321 syntax,
 * UTF-8 local parts allowed); a failure is a ValueError naming the PHP argument that gave it.
 */
#ifndef SMTP_ADDRESS_H
#define SMTP_ADDRESS_H

#include "php.h"

typedef struct smtp_php_mailbox {
	zend_string *address;
	zend_string *name;       /* NULL when none */
} smtp_php_mailbox;

typedef struct smtp_php_mailbox_list {
	smtp_php_mailbox *items;
	uint32_t count, cap;
} smtp_php_mailbox_list;

/* Check an address the way every entry point does; throws ValueError naming the argument. */
bool smtp_check_address(zend_string *address, uint32_t arg_num, const char *what);
/* Parse a "Name <addr>" / "addr" list as in a To: header; returns the mailboxes as a list. */
zend_result smtp_parse_address_list(const char *s, size_t len, smtp_php_mailbox_list *out, uint32_t arg_num);
void smtp_mailbox_list_free(smtp_php_mailbox_list *l);
/* Takes its own references to address and name (an empty name counts as none). */
zend_result smtp_mailbox_list_push(smtp_php_mailbox_list *l, zend_string *address, zend_string *name);

#endif /* SMTP_ADDRESS_H */
