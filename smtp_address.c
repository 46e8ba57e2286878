/*
 * smtp_address.c - mailboxes as PHP code gives them: the one address check every entry point uses, and
 * the "Name <a@b>, c@d" lists written in header values (sendMail()'s headers, smtp_mail()'s To and Cc).
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"

#include "protocol/smtp_core.h"
#include "smtp_address.h"

/* ---- mailbox lists ------------------------------------------------------------------------------- */

void smtp_mailbox_list_free(smtp_php_mailbox_list *l)
{
	uint32_t i;
	for (i = 0; i < l->count; i++) {
		zend_string_release(l->items[i].address);
		if (l->items[i].name) {
			zend_string_release(l->items[i].name);
		}
	}
	if (l->items) {
		efree(l->items);
	}
	memset(l, 0, sizeof(*l));
}

/* Takes its own references to address and name. */
zend_result smtp_mailbox_list_push(smtp_php_mailbox_list *l, zend_string *address, zend_string *name)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = safe_erealloc(l->items, l->cap, sizeof(*l->items), 0);
	}
	l->items[l->count].address = zend_string_copy(address);
	l->items[l->count].name = name && ZSTR_LEN(name) ? zend_string_copy(name) : NULL;
	l->count++;
	return SUCCESS;
}

bool smtp_check_address(zend_string *address, uint32_t arg_num, const char *what)
{
	const char *why = NULL;
	if (!smtp_address_valid(ZSTR_VAL(address), ZSTR_LEN(address), 1, &why)) {
		if (what) {
			zend_argument_value_error(arg_num, "must contain only valid email addresses, %s is not: %s", what,
				why ? why : "invalid");
		} else {
			zend_argument_value_error(arg_num, "must be a valid email address: %s", why ? why : "invalid");
		}
		return false;
	}
	return true;
}

/* ---- address lists as written in headers ("Name <a@b>, c@d") ----------------------------------- */

/* Trim spaces and tabs. */
static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) {
		(*len)--;
	}
}

/* The angle brackets of an angle-addr (the first '<', the last '>' after it), not those inside a quoted
 * string ("<x>"@example.com); NULL when absent. */
static void find_angle_addr(const char *s, size_t len, const char **lt, const char **gt)
{
	size_t i;
	int quoted = 0;
	*lt = *gt = NULL;
	for (i = 0; i < len; i++) {
		if (quoted) {
			if (s[i] == '\\' && i + 1 < len) {
				i++;
			} else if (s[i] == '"') {
				quoted = 0;
			}
		} else if (s[i] == '"') {
			quoted = 1;
		} else if (s[i] == '<' && !*lt) {
			*lt = s + i;
		} else if (s[i] == '>' && *lt) {
			*gt = s + i;
		}
	}
}

static zend_result parse_one_mailbox(const char *s, size_t len, smtp_php_mailbox_list *out, uint32_t arg_num)
{
	const char *lt, *gt;
	zend_string *addr, *name = NULL;
	zend_result rc;

	trim(&s, &len);
	if (len == 0) {
		return SUCCESS;
	}
	find_angle_addr(s, len, &lt, &gt);
	if (lt && gt && gt > lt) {
		const char *n = s;
		size_t nl = (size_t)(lt - s);
		trim(&n, &nl);
		if (nl >= 2 && n[0] == '"' && n[nl - 1] == '"') {
			/* quoted display name: undo the quoting */
			size_t i;
			smart_str buf = {0};
			for (i = 1; i + 1 < nl; i++) {
				if (n[i] == '\\' && i + 2 < nl) {
					i++;
				}
				smart_str_appendc(&buf, n[i]);
			}
			name = buf.s ? smart_str_extract(&buf) : NULL;
		} else if (nl) {
			name = zend_string_init(n, nl, 0);
		}
		addr = zend_string_init(lt + 1, (size_t)(gt - lt - 1), 0);
		if (gt + 1 != s + len) {
			const char *rest = gt + 1;
			size_t rl = (size_t)(s + len - rest);
			trim(&rest, &rl);
			if (rl) {
				zend_string_release(addr);
				if (name) {
					zend_string_release(name);
				}
				zend_argument_value_error(arg_num, "must contain only valid email addresses");
				return FAILURE;
			}
		}
	} else {
		addr = zend_string_init(s, len, 0);
	}
	if (!smtp_check_address(addr, arg_num, "an entry")) {
		rc = FAILURE;
	} else if (name && smtp_has_line_break(ZSTR_VAL(name), ZSTR_LEN(name))) {
		zend_argument_value_error(arg_num, "must not contain CR, LF or NUL characters");
		rc = FAILURE;
	} else if (name && !smtp_utf8_valid(ZSTR_VAL(name), ZSTR_LEN(name))) {
		zend_argument_value_error(arg_num, "must be valid UTF-8");
		rc = FAILURE;
	} else {
		rc = smtp_mailbox_list_push(out, addr, name);
	}
	zend_string_release(addr);
	if (name) {
		zend_string_release(name);
	}
	return rc;
}

/* Split on commas outside quotes and angle brackets. */
zend_result smtp_parse_address_list(const char *s, size_t len, smtp_php_mailbox_list *out, uint32_t arg_num)
{
	size_t i, start = 0;
	int in_quote = 0, in_angle = 0;
	for (i = 0; i <= len; i++) {
		char ch = i < len ? s[i] : ',';
		if (in_quote) {
			if (ch == '\\' && i + 1 < len) {
				i++;
			} else if (ch == '"') {
				in_quote = 0;
			}
			continue;
		}
		if (ch == '"') {
			in_quote = 1;
		} else if (ch == '<') {
			in_angle = 1;
		} else if (ch == '>') {
			in_angle = 0;
		} else if (ch == ',' && !in_angle) {
			if (parse_one_mailbox(s + start, i - start, out, arg_num) != SUCCESS) {
				return FAILURE;
			}
			start = i + 1;
		}
	}
	if (in_quote) {
		zend_argument_value_error(arg_num, "must contain only valid email addresses (unbalanced quote)");
		return FAILURE;
	}
	return SUCCESS;
}
