/*
 * mime_check.c - the checks of an smtp_message before anything is written: header names and values,
 * mailboxes, bodies, content types and ids, parts. A failure names what is wrong and leaves the sink
 * untouched.
 */
#include "mime_internal.h"

/* ---- checks ------------------------------------------------------------------------------------------ */

static int header_name_valid(const smtp_str *name)
{
	size_t i;

	if (name->len == 0 || name->len > MAX_HEADER_NAME) {
		return 0;
	}
	for (i = 0; i < name->len; i++) {
		unsigned char c = (unsigned char)name->s[i];
		if (c < 33 || c > 126 || c == ':') {
			return 0;
		}
	}
	return 1;
}

/* Fields the writer makes itself (and Bcc, which must never be written): an extra one would clash. */
static int header_name_reserved(const smtp_str *name)
{
	static const char *const reserved[] = {"Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject",
		"Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
		"Content-ID", NULL};
	size_t i;

	for (i = 0; reserved[i] != NULL; i++) {
		if (mime_equals_nocase(name->s, name->len, reserved[i])) {
			return 1;
		}
	}
	return 0;
}

static int is_token_char(unsigned char c)
{
	return c > 32 && c < 127 && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* "type/subtype", optionally followed by "; parameters" in printable ASCII. */
static int content_type_valid(const smtp_str *ct)
{
	size_t i = 0, start;

	if (ct->len > MAX_CONTENT_TYPE || !mime_is_printable_ascii(ct->s, ct->len)) {
		return 0;
	}
	for (start = i; i < ct->len && is_token_char((unsigned char)ct->s[i]); i++) {
	}
	if (i == start || i >= ct->len || ct->s[i] != '/') {
		return 0;
	}
	for (start = ++i; i < ct->len && is_token_char((unsigned char)ct->s[i]); i++) {
	}
	if (i == start) {
		return 0;
	}
	while (i < ct->len && ct->s[i] == ' ') {
		i++;
	}
	return i == ct->len || ct->s[i] == ';';
}

/* The id inside Content-ID's angle brackets: dot-atom-text, '@' allowed. */
static int content_id_valid(const smtp_str *cid)
{
	size_t i;

	if (cid->len > MAX_CONTENT_ID) {
		return 0;
	}
	for (i = 0; i < cid->len; i++) {
		unsigned char c = (unsigned char)cid->s[i];
		if (!mime_is_atext(c) && c != '.' && c != '@') {
			return 0;
		}
	}
	return 1;
}

static smtp_status check_mailboxes(mime_writer *w, const char *what, const smtp_mailbox *list, size_t count)
{
	size_t i;
	const char *why = NULL;

	for (i = 0; i < count; i++) {
		if (!smtp_address_valid(list[i].address.s, list[i].address.len, 1, &why)) {
			mime_set_error(w, "the %s address is invalid: %s", what, why);
			return SMTP_ERR_INPUT;
		}
		if (smtp_has_line_break(list[i].name.s, list[i].name.len)) {
			mime_set_error(w, "the %s name contains CR, LF or NUL", what);
			return SMTP_ERR_INPUT;
		}
		if (!mime_header_text_valid(list[i].name.s, list[i].name.len, w->charset)) {
			mime_set_error(w, "the %s name is not valid UTF-8", what);
			return SMTP_ERR_INPUT;
		}
	}
	return SMTP_OK;
}

static smtp_status check_body(mime_writer *w, const char *what, const smtp_str *body)
{
	if (mime_has_nul(body->s, body->len)) {
		mime_set_error(w, "the %s body contains NUL", what);
		return SMTP_ERR_INPUT;
	}
	if (mime_is_utf8_charset(w->charset) && !smtp_utf8_valid(body->s, body->len)) {
		mime_set_error(w, "the %s body is not valid UTF-8", what);
		return SMTP_ERR_INPUT;
	}
	return SMTP_OK;
}

static smtp_status check_part(mime_writer *w, const smtp_part *p, size_t index)
{
	if (mime_has_nul(p->filename.s, p->filename.len) || !smtp_utf8_valid(p->filename.s, p->filename.len)) {
		mime_set_error(w, "the name of attachment %lu contains NUL or is not valid UTF-8", (unsigned long)index);
		return SMTP_ERR_INPUT;
	}
	if (p->content_type.len > 0 && !content_type_valid(&p->content_type)) {
		mime_set_error(w, "the content type of attachment %lu is invalid", (unsigned long)index);
		return SMTP_ERR_INPUT;
	}
	if (!content_id_valid(&p->content_id)) {
		mime_set_error(w, "the content ID of attachment %lu is invalid", (unsigned long)index);
		return SMTP_ERR_INPUT;
	}
	return SMTP_OK;
}

/* Everything is checked before the first byte goes out, so bad input never leaves half a message. */
smtp_status mime_check_message(mime_writer *w)
{
	const smtp_message *m = w->m;
	size_t i;
	smtp_status st;

	if ((m->has_from && (st = check_mailboxes(w, "From", &m->from, 1)) != SMTP_OK)
		|| (m->has_sender && (st = check_mailboxes(w, "Sender", &m->sender, 1)) != SMTP_OK)
		|| (st = check_mailboxes(w, "Reply-To", m->reply_to, m->reply_to_count)) != SMTP_OK
		|| (st = check_mailboxes(w, "To", m->to, m->to_count)) != SMTP_OK
		|| (st = check_mailboxes(w, "Cc", m->cc, m->cc_count)) != SMTP_OK) {
		return st;
	}
	if (smtp_has_line_break(m->subject.s, m->subject.len)) {
		mime_set_error(w, "the subject contains CR, LF or NUL");
		return SMTP_ERR_INPUT;
	}
	if (!mime_header_text_valid(m->subject.s, m->subject.len, w->charset)) {
		mime_set_error(w, "the subject is not valid UTF-8");
		return SMTP_ERR_INPUT;
	}
	if ((m->has_text && (st = check_body(w, "text", &m->text)) != SMTP_OK)
		|| (m->has_html && (st = check_body(w, "HTML", &m->html)) != SMTP_OK)) {
		return st;
	}
	if (!mime_is_printable_ascii(m->date.s, m->date.len) || m->date.len > MAX_PLAIN_PIECE) {
		mime_set_error(w, "the date is not a single line of printable ASCII");
		return SMTP_ERR_INPUT;
	}
	if (m->message_id.len > 0 && (!mime_is_printable_ascii(m->message_id.s, m->message_id.len)
		|| m->message_id.len > MAX_PLAIN_PIECE || m->message_id.len < 3 || m->message_id.s[0] != '<'
		|| m->message_id.s[m->message_id.len - 1] != '>' || memchr(m->message_id.s, ' ', m->message_id.len))) {
		mime_set_error(w, "the Message-ID is not of the form <id@domain>");
		return SMTP_ERR_INPUT;
	}
	for (i = 0; i < m->header_count; i++) {
		const smtp_header_field *h = &m->headers[i];
		char name[MAX_HEADER_NAME + 1];
		if (!header_name_valid(&h->name)) {
			mime_set_error(w, "a header name is empty, too long, or not printable ASCII without ':'");
			return SMTP_ERR_INPUT;
		}
		memcpy(name, h->name.s, h->name.len);
		name[h->name.len] = '\0';
		if (header_name_reserved(&h->name)) {
			mime_set_error(w, "the header %s is made by the message itself and cannot be added", name);
			return SMTP_ERR_INPUT;
		}
		if (smtp_has_line_break(h->value.s, h->value.len)) {
			mime_set_error(w, "the value of header %s contains CR, LF or NUL", name);
			return SMTP_ERR_INPUT;
		}
		if (!mime_header_text_valid(h->value.s, h->value.len, w->charset)) {
			mime_set_error(w, "the value of header %s is not valid UTF-8", name);
			return SMTP_ERR_INPUT;
		}
	}
	for (i = 0; i < m->part_count; i++) {
		if ((st = check_part(w, &m->parts[i], i + 1)) != SMTP_OK) {
			return st;
		}
	}
	return SMTP_OK;
}
