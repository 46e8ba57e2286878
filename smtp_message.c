/*
 * smtp_message.c - Smtp\Message: a fluent description of a message, checked when each piece is set and
 * turned into the core's smtp_message (smtp_mime.h) right before it is written.
 *
 * Everything that could break the message structure is refused at set time with a ValueError naming the
 * argument: invalid addresses, CR/LF/NUL in single-line values, NUL in bodies, invalid UTF-8 under UTF-8,
 * header names that are not field names or that the library writes itself.
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"
#include "ext/standard/php_string.h"
#include "ext/date/php_date.h"
#include "ext/random/php_random.h"

#include "smtp_outgoing.h"
#include "smtp_transport.h"
#include "smtp_exceptions.h"

static zend_object_handlers smtp_message_handlers;

/* ---- small helpers ----------------------------------------------------------------------------- */

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

static void mailbox_list_copy(smtp_php_mailbox_list *dst, const smtp_php_mailbox_list *src)
{
	uint32_t i;
	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->count; i++) {
		smtp_mailbox_list_push(dst, src->items[i].address, src->items[i].name);
	}
}

static zend_string *str_copy_or_null(zend_string *s)
{
	return s ? zend_string_copy(s) : NULL;
}

static void str_release(zend_string **s)
{
	if (*s) {
		zend_string_release(*s);
		*s = NULL;
	}
}

static void str_set(zend_string **dst, zend_string *value)
{
	str_release(dst);
	*dst = value ? zend_string_copy(value) : NULL;
}

static bool ascii_ieq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	return alen == blen && zend_binary_strcasecmp(a, alen, b, blen) == 0;
}

static bool charset_is_utf8(const smtp_message_obj *m)
{
	return !m->charset || ascii_ieq(ZSTR_VAL(m->charset), ZSTR_LEN(m->charset), "UTF-8")
		|| ascii_ieq(ZSTR_VAL(m->charset), ZSTR_LEN(m->charset), "UTF8");
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

/* A single-line value (name, subject, header value) or a body. */
static bool check_text(const smtp_message_obj *m, zend_string *value, uint32_t arg_num, bool single_line)
{
	if (single_line) {
		if (smtp_has_line_break(ZSTR_VAL(value), ZSTR_LEN(value))) {
			zend_argument_value_error(arg_num, "must not contain CR, LF or NUL characters");
			return false;
		}
	} else if (memchr(ZSTR_VAL(value), '\0', ZSTR_LEN(value))) {
		zend_argument_value_error(arg_num, "must not contain NUL bytes");
		return false;
	}
	if (charset_is_utf8(m) && !smtp_utf8_valid(ZSTR_VAL(value), ZSTR_LEN(value))) {
		zend_argument_value_error(arg_num, "must be valid UTF-8");
		return false;
	}
	return true;
}

zend_result smtp_message_add_address(smtp_message_obj *m, smtp_php_mailbox_list *list, zend_string *address,
	zend_string *name, uint32_t arg_num)
{
	if (!smtp_check_address(address, arg_num, NULL)) {
		return FAILURE;
	}
	if (name && !check_text(m, name, arg_num + 1, true)) {
		return FAILURE;
	}
	return smtp_mailbox_list_push(list, address, name);
}

zend_result smtp_message_set_text_field(smtp_message_obj *m, zend_string **field, zend_string *value,
	uint32_t arg_num, bool single_line)
{
	if (!check_text(m, value, arg_num, single_line)) {
		return FAILURE;
	}
	str_set(field, value);
	return SUCCESS;
}

/* RFC 5322 field name: printable ASCII but ':' */
static bool field_name_ok(const char *s, size_t len)
{
	size_t i;
	if (len == 0 || len > 76) {
		return false;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 33 || ch > 126 || ch == ':') {
			return false;
		}
	}
	return true;
}

/* "<left@right>": printable ASCII, no space, one pair of angle brackets */
static bool msg_id_ok(const char *s, size_t len)
{
	size_t i;
	const char *at;
	if (len < 5 || len > 250 || s[0] != '<' || s[len - 1] != '>') {
		return false;
	}
	for (i = 1; i + 1 < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 33 || ch > 126 || ch == '<' || ch == '>') {
			return false;
		}
	}
	at = memchr(s, '@', len);
	return at && at > s + 1 && at < s + len - 2;
}

zend_result smtp_message_add_header(smtp_message_obj *m, zend_string *name, zend_string *value, uint32_t name_arg,
	uint32_t value_arg)
{
	static const char *const own_method[][2] = {
		{"From", "from()"}, {"Sender", "sender()"}, {"To", "to()"}, {"Cc", "cc()"}, {"Bcc", "bcc()"},
		{"Reply-To", "replyTo()"}, {"Subject", "subject()"},
	};
	static const char *const own_mime[] = {
		"MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
	};
	const char *n = ZSTR_VAL(name);
	size_t nl = ZSTR_LEN(name), i;

	if (!field_name_ok(n, nl)) {
		zend_argument_value_error(name_arg, "must be a header field name (printable ASCII without \":\", at most "
			"76 characters)");
		return FAILURE;
	}
	for (i = 0; i < sizeof(own_method) / sizeof(own_method[0]); i++) {
		if (ascii_ieq(n, nl, own_method[i][0])) {
			zend_argument_value_error(name_arg, "must not be \"%s\": use Smtp\\Message::%s", own_method[i][0],
				own_method[i][1]);
			return FAILURE;
		}
	}
	for (i = 0; i < sizeof(own_mime) / sizeof(own_mime[0]); i++) {
		if (ascii_ieq(n, nl, own_mime[i])) {
			zend_argument_value_error(name_arg, "must not be \"%s\": the MIME structure is written by Smtp\\Message",
				own_mime[i]);
			return FAILURE;
		}
	}
	if (smtp_has_line_break(ZSTR_VAL(value), ZSTR_LEN(value))) {
		zend_argument_value_error(value_arg, "must not contain CR, LF or NUL characters");
		return FAILURE;
	}
	if (ascii_ieq(n, nl, "Message-ID")) {
		if (!msg_id_ok(ZSTR_VAL(value), ZSTR_LEN(value))) {
			zend_argument_value_error(value_arg, "must be a message identifier \"<id@domain>\" for Message-ID");
			return FAILURE;
		}
		str_set(&m->message_id, value);
		return SUCCESS;
	}
	if (ascii_ieq(n, nl, "Date")) {
		if (ZSTR_LEN(value) == 0 || !smtp_is_ascii(ZSTR_VAL(value), ZSTR_LEN(value))) {
			zend_argument_value_error(value_arg, "must be an RFC 5322 date for Date");
			return FAILURE;
		}
		str_set(&m->date, value);
		return SUCCESS;
	}
	if (!check_text(m, value, value_arg, true)) {
		return FAILURE;
	}
	if (m->header_count == m->header_cap) {
		m->header_cap = m->header_cap ? m->header_cap * 2 : 4;
		m->headers = safe_erealloc(m->headers, m->header_cap, sizeof(*m->headers), 0);
	}
	m->headers[m->header_count].name = zend_string_copy(name);
	m->headers[m->header_count].value = zend_string_copy(value);
	m->header_count++;
	return SUCCESS;
}

bool smtp_message_needs_smtputf8(const smtp_message_obj *m)
{
	const smtp_php_mailbox_list *lists[4];
	uint32_t i, k;
	lists[0] = &m->to;
	lists[1] = &m->cc;
	lists[2] = &m->bcc;
	lists[3] = &m->reply_to;
	if ((m->from_address && !smtp_is_ascii(ZSTR_VAL(m->from_address), ZSTR_LEN(m->from_address)))
		|| (m->sender_address && !smtp_is_ascii(ZSTR_VAL(m->sender_address), ZSTR_LEN(m->sender_address)))) {
		return true;
	}
	for (k = 0; k < 4; k++) {
		for (i = 0; i < lists[k]->count; i++) {
			zend_string *a = lists[k]->items[i].address;
			if (!smtp_is_ascii(ZSTR_VAL(a), ZSTR_LEN(a))) {
				return true;
			}
		}
	}
	return false;
}

/* ---- content types ------------------------------------------------------------------------------ */

static const char *const content_types[][2] = {
	{"txt", "text/plain"}, {"htm", "text/html"}, {"html", "text/html"}, {"csv", "text/csv"},
	{"ics", "text/calendar"}, {"vcf", "text/vcard"}, {"xml", "application/xml"}, {"json", "application/json"},
	{"pdf", "application/pdf"}, {"zip", "application/zip"}, {"gz", "application/gzip"},
	{"tar", "application/x-tar"}, {"7z", "application/x-7z-compressed"}, {"rtf", "application/rtf"},
	{"eml", "message/rfc822"}, {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
	{"gif", "image/gif"}, {"webp", "image/webp"}, {"svg", "image/svg+xml"}, {"bmp", "image/bmp"},
	{"ico", "image/x-icon"}, {"tif", "image/tiff"}, {"tiff", "image/tiff"}, {"avif", "image/avif"},
	{"mp3", "audio/mpeg"}, {"wav", "audio/wav"}, {"ogg", "audio/ogg"}, {"mp4", "video/mp4"},
	{"webm", "video/webm"}, {"doc", "application/msword"},
	{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xls", "application/vnd.ms-excel"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt", "application/vnd.ms-powerpoint"},
	{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	{"odt", "application/vnd.oasis.opendocument.text"},
	{"ods", "application/vnd.oasis.opendocument.spreadsheet"},
};

static const char *guess_type(zend_string *filename)
{
	const char *dot = filename ? zend_memrchr(ZSTR_VAL(filename), '.', ZSTR_LEN(filename)) : NULL;
	size_t i, len;
	if (!dot) {
		return "application/octet-stream";
	}
	dot++;
	len = ZSTR_LEN(filename) - (size_t)(dot - ZSTR_VAL(filename));
	for (i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++) {
		if (ascii_ieq(dot, len, content_types[i][0])) {
			return content_types[i][1];
		}
	}
	return "application/octet-stream";
}

/* type "/" subtype, RFC 6838 restricted names */
static bool content_type_ok(zend_string *t)
{
	const char *s = ZSTR_VAL(t);
	size_t len = ZSTR_LEN(t), i, slash = 0;
	if (len == 0 || len > 255) {
		return false;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '/') {
			if (slash || i == 0) {
				return false;
			}
			slash = i;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '!'
			|| ch == '#' || ch == '$' || ch == '&' || ch == '^' || ch == '_' || ch == '.' || ch == '+'
			|| ch == '-')) {
			return false;
		}
	}
	return slash && slash + 1 < len;
}

/* Content-ID: printable ASCII without space, brackets or quotes */
static bool cid_ok(zend_string *cid)
{
	size_t i;
	if (ZSTR_LEN(cid) == 0 || ZSTR_LEN(cid) > 200) {
		return false;
	}
	for (i = 0; i < ZSTR_LEN(cid); i++) {
		unsigned char ch = (unsigned char)ZSTR_VAL(cid)[i];
		if (ch < 33 || ch > 126 || ch == '<' || ch == '>' || ch == '"' || ch == '(' || ch == ')' || ch == ','
			|| ch == ';' || ch == '\\' || ch == '[' || ch == ']') {
			return false;
		}
	}
	return true;
}

static smtp_php_part *add_part(smtp_message_obj *m)
{
	smtp_php_part *p;
	if (m->part_count == m->part_cap) {
		m->part_cap = m->part_cap ? m->part_cap * 2 : 4;
		m->parts = safe_erealloc(m->parts, m->part_cap, sizeof(*m->parts), 0);
	}
	p = &m->parts[m->part_count++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* ---- object life --------------------------------------------------------------------------------- */

static void message_clear(smtp_message_obj *m)
{
	uint32_t i;
	str_release(&m->from_address);
	str_release(&m->from_name);
	str_release(&m->sender_address);
	str_release(&m->sender_name);
	smtp_mailbox_list_free(&m->to);
	smtp_mailbox_list_free(&m->cc);
	smtp_mailbox_list_free(&m->bcc);
	smtp_mailbox_list_free(&m->reply_to);
	str_release(&m->subject);
	str_release(&m->text);
	str_release(&m->html);
	str_release(&m->charset);
	str_release(&m->message_id);
	str_release(&m->date);
	zval_ptr_dtor(&m->dsn);
	ZVAL_UNDEF(&m->dsn);
	zval_ptr_dtor(&m->smime);
	ZVAL_UNDEF(&m->smime);
	for (i = 0; i < m->header_count; i++) {
		zend_string_release(m->headers[i].name);
		zend_string_release(m->headers[i].value);
	}
	if (m->headers) {
		efree(m->headers);
	}
	m->headers = NULL;
	m->header_count = m->header_cap = 0;
	for (i = 0; i < m->part_count; i++) {
		str_release(&m->parts[i].path);
		str_release(&m->parts[i].data);
		str_release(&m->parts[i].filename);
		str_release(&m->parts[i].type);
		str_release(&m->parts[i].cid);
	}
	if (m->parts) {
		efree(m->parts);
	}
	m->parts = NULL;
	m->part_count = m->part_cap = 0;
}

zend_object *smtp_message_create(zend_class_entry *ce)
{
	smtp_message_obj *m = zend_object_alloc(sizeof(smtp_message_obj), ce);
	zend_object_std_init(&m->std, ce);
	object_properties_init(&m->std, ce);
	m->std.handlers = &smtp_message_handlers;
	return &m->std;
}

static void smtp_message_free(zend_object *obj)
{
	message_clear(smtp_message_from_obj(obj));
	zend_object_std_dtor(obj);
}

static zend_object *smtp_message_clone(zend_object *old)
{
	smtp_message_obj *src = smtp_message_from_obj(old);
	zend_object *obj = smtp_message_create(old->ce);
	smtp_message_obj *dst = smtp_message_from_obj(obj);
	uint32_t i;

	zend_objects_clone_members(obj, old);
	dst->from_address = str_copy_or_null(src->from_address);
	dst->from_name = str_copy_or_null(src->from_name);
	dst->sender_address = str_copy_or_null(src->sender_address);
	dst->sender_name = str_copy_or_null(src->sender_name);
	mailbox_list_copy(&dst->to, &src->to);
	mailbox_list_copy(&dst->cc, &src->cc);
	mailbox_list_copy(&dst->bcc, &src->bcc);
	mailbox_list_copy(&dst->reply_to, &src->reply_to);
	dst->subject = str_copy_or_null(src->subject);
	dst->text = str_copy_or_null(src->text);
	dst->html = str_copy_or_null(src->html);
	dst->charset = str_copy_or_null(src->charset);
	dst->message_id = str_copy_or_null(src->message_id);
	dst->date = str_copy_or_null(src->date);
	ZVAL_COPY(&dst->dsn, &src->dsn);
	dst->require_tls = src->require_tls;
	ZVAL_COPY(&dst->smime, &src->smime);
	if (src->header_count) {
		dst->headers = safe_emalloc(src->header_count, sizeof(*dst->headers), 0);
		dst->header_cap = dst->header_count = src->header_count;
		for (i = 0; i < src->header_count; i++) {
			dst->headers[i].name = zend_string_copy(src->headers[i].name);
			dst->headers[i].value = zend_string_copy(src->headers[i].value);
		}
	}
	if (src->part_count) {
		dst->parts = safe_emalloc(src->part_count, sizeof(*dst->parts), 0);
		dst->part_cap = dst->part_count = src->part_count;
		for (i = 0; i < src->part_count; i++) {
			dst->parts[i].disposition = src->parts[i].disposition;
			dst->parts[i].path = str_copy_or_null(src->parts[i].path);
			dst->parts[i].data = str_copy_or_null(src->parts[i].data);
			dst->parts[i].filename = str_copy_or_null(src->parts[i].filename);
			dst->parts[i].type = str_copy_or_null(src->parts[i].type);
			dst->parts[i].cid = str_copy_or_null(src->parts[i].cid);
		}
	}
	return obj;
}

void smtp_message_register_handlers(void)
{
	memcpy(&smtp_message_handlers, zend_get_std_object_handlers(), sizeof(zend_object_handlers));
	smtp_message_handlers.offset = offsetof(smtp_message_obj, std);
	smtp_message_handlers.free_obj = smtp_message_free;
	smtp_message_handlers.clone_obj = smtp_message_clone;
}

/* ---- building the core's message --------------------------------------------------------------- */

typedef struct smtp_file_source {
	smtp_source src;
	php_stream *stream;
	zend_string *path;
} smtp_file_source;

static int file_source_open(void *ctx, char *err, size_t errlen)
{
	smtp_file_source *fs = ctx;
	if (!fs->stream) {
		snprintf(err, errlen, "%s: not open", ZSTR_VAL(fs->path));
		return -1;
	}
	/* opened before the transaction started; rewound when the message is written again */
	if (php_stream_tell(fs->stream) != 0 && php_stream_seek(fs->stream, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: cannot read it again", ZSTR_VAL(fs->path));
		return -1;
	}
	return 0;
}

static long file_source_read(void *ctx, char *buf, size_t cap)
{
	smtp_file_source *fs = ctx;
	ssize_t n = php_stream_read(fs->stream, buf, cap);
	if (n < 0) {
		return -1;
	}
	return (long)n;
}

static void file_source_close(void *ctx)
{
	(void)ctx; /* closed by smtp_message_build_free() */
}

int64_t smtp_stream_file_size(php_stream *stream)
{
	php_stream_statbuf ssb;
	int reporting = EG(error_reporting), rc;
	if (!stream) {
		return -1;
	}
	/* a stream wrapper without stream_stat() has no size: that is no reason for a warning */
	EG(error_reporting) = 0;
	rc = php_stream_stat(stream, &ssb);
	EG(error_reporting) = reporting;
	if (rc != 0 || (ssb.sb.st_mode & S_IFMT) != S_IFREG) {
		return -1;
	}
	return (int64_t)ssb.sb.st_size;
}

/* The file's size, for SIZE: what reading it from the start will give. */
static int64_t file_source_size(void *ctx)
{
	return smtp_stream_file_size(((smtp_file_source *)ctx)->stream);
}

void smtp_php_random(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	if (php_random_bytes_silent(buf, len) != SUCCESS) {
		/* the CSPRNG failed: boundaries only need to be unlikely in the content */
		size_t i;
		for (i = 0; i < len; i++) {
			buf[i] = (unsigned char)php_mt_rand_range(0, 255);
		}
	}
}

static zend_string *make_message_id(const smtp_message_obj *m, const char *default_domain)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[16];
	char id[33];
	const char *domain = NULL;
	size_t dlen = 0, i;
	zend_string *addr = m->from_address ? m->from_address : m->sender_address;

	if (addr) {
		const char *at = zend_memrchr(ZSTR_VAL(addr), '@', ZSTR_LEN(addr));
		if (at) {
			domain = at + 1;
			dlen = ZSTR_LEN(addr) - (size_t)(domain - ZSTR_VAL(addr));
			if (dlen == 0 || !smtp_is_ascii(domain, dlen)) {
				domain = NULL;
			}
		}
	}
	if (!domain) {
		domain = default_domain && default_domain[0] ? default_domain : "localhost";
		dlen = strlen(domain);
	}
	smtp_php_random(NULL, rnd, sizeof(rnd));
	for (i = 0; i < sizeof(rnd); i++) {
		id[2 * i] = hex[rnd[i] >> 4];
		id[2 * i + 1] = hex[rnd[i] & 15];
	}
	id[32] = '\0';
	return zend_strpprintf(0, "<%s@%.*s>", id, (int)dlen, domain);
}

static smtp_str zstr(zend_string *s)
{
	smtp_str r;
	r.s = s ? ZSTR_VAL(s) : NULL;
	r.len = s ? ZSTR_LEN(s) : 0;
	return r;
}

static void fill_mailboxes(smtp_mailbox *out, const smtp_php_mailbox_list *l)
{
	uint32_t i;
	for (i = 0; i < l->count; i++) {
		out[i].address = zstr(l->items[i].address);
		out[i].name = zstr(l->items[i].name);
	}
}

/* Open a file the way attach() promises: local files only (no URL wrappers), open_basedir applies. */
static php_stream *open_attachment(zend_string *path, char *err, size_t errlen)
{
	zend_error_handling eh;
	php_stream *stream;

	err[0] = '\0';
	zend_replace_error_handling(EH_THROW, zend_ce_error_exception, &eh);
	stream = php_stream_open_wrapper_ex(ZSTR_VAL(path), "rb", IGNORE_URL | REPORT_ERRORS, NULL, NULL);
	zend_restore_error_handling(&eh);
	if (EG(exception)) {
		zval rv, *msg = zend_read_property_ex(zend_ce_exception, EG(exception), ZSTR_KNOWN(ZEND_STR_MESSAGE), 1, &rv);
		snprintf(err, errlen, "%s", msg && Z_TYPE_P(msg) == IS_STRING ? Z_STRVAL_P(msg) : "cannot open it");
		zend_clear_exception();
		if (stream) {
			php_stream_close(stream);
			stream = NULL;
		}
	} else if (!stream) {
		snprintf(err, errlen, "cannot open it");
	}
	return stream;
}

zend_result smtp_message_build_init(smtp_message_build *b, smtp_message_obj *m, const char *default_domain)
{
	smtp_message *msg = &b->msg;
	uint32_t n_mailboxes = m->to.count + m->cc.count + m->reply_to.count, i;
	smtp_mailbox *mb;

	memset(b, 0, sizeof(*b));
	/* The core borrows the strings while it writes, and user code (the logger) runs meanwhile and may
	 * change the message: write a private copy (the strings are shared, not copied). */
	b->snapshot = smtp_message_clone(&m->std);
	m = smtp_message_from_obj(b->snapshot);
	if (m->from_address) {
		msg->from.address = zstr(m->from_address);
		msg->from.name = zstr(m->from_name);
		msg->has_from = 1;
	}
	if (m->sender_address) {
		msg->sender.address = zstr(m->sender_address);
		msg->sender.name = zstr(m->sender_name);
		msg->has_sender = 1;
	}
	if (n_mailboxes) {
		b->mailboxes = safe_emalloc(n_mailboxes, sizeof(smtp_mailbox), 0);
	}
	mb = b->mailboxes;
	fill_mailboxes(mb, &m->to);
	msg->to = mb;
	msg->to_count = m->to.count;
	mb += m->to.count;
	fill_mailboxes(mb, &m->cc);
	msg->cc = mb;
	msg->cc_count = m->cc.count;
	mb += m->cc.count;
	fill_mailboxes(mb, &m->reply_to);
	msg->reply_to = mb;
	msg->reply_to_count = m->reply_to.count;

	msg->subject = zstr(m->subject);
	msg->text = zstr(m->text);
	msg->has_text = m->text != NULL;
	msg->html = zstr(m->html);
	msg->has_html = m->html != NULL;
	msg->charset = zstr(m->charset);

	if (m->header_count) {
		b->headers = safe_emalloc(m->header_count, sizeof(smtp_header_field), 0);
		for (i = 0; i < m->header_count; i++) {
			b->headers[i].name = zstr(m->headers[i].name);
			b->headers[i].value = zstr(m->headers[i].value);
		}
	}
	msg->headers = b->headers;
	msg->header_count = m->header_count;

	if (m->part_count) {
		b->parts = safe_emalloc(m->part_count, sizeof(smtp_part), 0);
		b->sources = ecalloc(m->part_count, sizeof(smtp_file_source));
		for (i = 0; i < m->part_count; i++) {
			const smtp_php_part *pp = &m->parts[i];
			smtp_part *p = &b->parts[i];
			memset(p, 0, sizeof(*p));
			p->disposition = pp->disposition;
			p->filename = zstr(pp->filename);
			p->content_id = zstr(pp->cid);
			if (pp->type) {
				p->content_type = zstr(pp->type);
			} else {
				p->content_type.s = guess_type(pp->filename ? pp->filename : pp->path);
				p->content_type.len = strlen(p->content_type.s);
			}
			if (pp->path) {
				smtp_file_source *fs = &b->sources[b->source_count++];
				char err[256];
				err[0] = '\0';
				fs->path = pp->path;
				fs->stream = open_attachment(pp->path, err, sizeof(err));
				if (!fs->stream) {
					smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "Cannot read attachment \"%s\": %s",
						ZSTR_VAL(pp->path), err);
					msg->parts = b->parts;
					msg->part_count = i;
					smtp_message_build_free(b);
					return FAILURE;
				}
				fs->src.ctx = fs;
				fs->src.open = file_source_open;
				fs->src.read = file_source_read;
				fs->src.close = file_source_close;
				fs->src.size = file_source_size;
				p->source = &fs->src;
			} else {
				p->data = zstr(pp->data);
			}
		}
	}
	msg->parts = b->parts;
	msg->part_count = m->part_count;

	b->date = m->date ? zend_string_copy(m->date)
		: php_format_date("D, d M Y H:i:s O", sizeof("D, d M Y H:i:s O") - 1, time(NULL), 1);
	b->message_id = m->message_id ? zend_string_copy(m->message_id) : make_message_id(m, default_domain);
	msg->date = zstr(b->date);
	msg->message_id = zstr(b->message_id);
	return SUCCESS;
}

void smtp_message_build_rewind(smtp_message_build *b)
{
	uint32_t i;
	for (i = 0; i < b->source_count; i++) {
		if (b->sources[i].stream) {
			php_stream_seek(b->sources[i].stream, 0, SEEK_SET);
		}
	}
}

void smtp_message_build_free(smtp_message_build *b)
{
	uint32_t i;
	for (i = 0; i < b->source_count; i++) {
		if (b->sources[i].stream) {
			php_stream_close(b->sources[i].stream);
		}
	}
	if (b->sources) {
		efree(b->sources);
	}
	if (b->parts) {
		efree(b->parts);
	}
	if (b->headers) {
		efree(b->headers);
	}
	if (b->mailboxes) {
		efree(b->mailboxes);
	}
	if (b->date) {
		zend_string_release(b->date);
	}
	if (b->message_id) {
		zend_string_release(b->message_id);
	}
	if (b->snapshot) {
		OBJ_RELEASE(b->snapshot);
	}
	memset(b, 0, sizeof(*b));
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

static zend_result parse_one_mailbox(const char *s, size_t len, smtp_php_mailbox_list *out, uint32_t arg_num)
{
	const char *lt, *gt;
	zend_string *addr, *name = NULL;
	zend_result rc;

	trim(&s, &len);
	if (len == 0) {
		return SUCCESS;
	}
	/* the angle brackets of an angle-addr, not those inside a quoted string ("<x>"@example.com) */
	lt = gt = NULL;
	{
		size_t i;
		int quoted = 0;
		for (i = 0; i < len; i++) {
			if (quoted) {
				if (s[i] == '\\' && i + 1 < len) {
					i++;
				} else if (s[i] == '"') {
					quoted = 0;
				}
			} else if (s[i] == '"') {
				quoted = 1;
			} else if (s[i] == '<' && !lt) {
				lt = s + i;
			} else if (s[i] == '>' && lt) {
				gt = s + i;
			}
		}
	}
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

/* ---- methods ------------------------------------------------------------------------------------ */

#define THIS_MESSAGE() smtp_message_from_obj(Z_OBJ_P(ZEND_THIS))

static void set_single_mailbox(INTERNAL_FUNCTION_PARAMETERS, bool sender)
{
	zend_string *address, *name = NULL;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(address)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(name)
	ZEND_PARSE_PARAMETERS_END();

	if (!smtp_check_address(address, 1, NULL) || (name && !check_text(m, name, 2, true))) {
		RETURN_THROWS();
	}
	if (sender) {
		str_set(&m->sender_address, address);
		str_set(&m->sender_name, name && ZSTR_LEN(name) ? name : NULL);
	} else {
		str_set(&m->from_address, address);
		str_set(&m->from_name, name && ZSTR_LEN(name) ? name : NULL);
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

static void add_list_mailbox(INTERNAL_FUNCTION_PARAMETERS, size_t list_offset)
{
	zend_string *address, *name = NULL;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(address)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(name)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_message_add_address(m, (smtp_php_mailbox_list *)((char *)m + list_offset), address, name, 1)
		!= SUCCESS) {
		RETURN_THROWS();
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, from)
{
	set_single_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, false);
}

ZEND_METHOD(Smtp_Message, sender)
{
	set_single_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, true);
}

ZEND_METHOD(Smtp_Message, to)
{
	add_list_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, to));
}

ZEND_METHOD(Smtp_Message, cc)
{
	add_list_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, cc));
}

ZEND_METHOD(Smtp_Message, bcc)
{
	add_list_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, bcc));
}

ZEND_METHOD(Smtp_Message, replyTo)
{
	add_list_mailbox(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, reply_to));
}

static void set_text(INTERNAL_FUNCTION_PARAMETERS, size_t field_offset, bool single_line)
{
	zend_string *value;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(value)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_message_set_text_field(m, (zend_string **)((char *)m + field_offset), value, 1, single_line)
		!= SUCCESS) {
		RETURN_THROWS();
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, subject)
{
	set_text(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, subject), true);
}

ZEND_METHOD(Smtp_Message, text)
{
	set_text(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, text), false);
}

ZEND_METHOD(Smtp_Message, html)
{
	set_text(INTERNAL_FUNCTION_PARAM_PASSTHRU, offsetof(smtp_message_obj, html), false);
}

/* RFC 2978 mime-charset */
static bool charset_name_ok(zend_string *cs)
{
	size_t i;
	if (ZSTR_LEN(cs) == 0 || ZSTR_LEN(cs) > 40) {
		return false;
	}
	for (i = 0; i < ZSTR_LEN(cs); i++) {
		unsigned char ch = (unsigned char)ZSTR_VAL(cs)[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '!'
			|| ch == '#' || ch == '$' || ch == '%' || ch == '&' || ch == '\'' || ch == '+' || ch == '-'
			|| ch == '^' || ch == '_' || ch == '`' || ch == '{' || ch == '}' || ch == '~')) {
			return false;
		}
	}
	return true;
}

static bool utf8_or_null(zend_string *s)
{
	return !s || smtp_utf8_valid(ZSTR_VAL(s), ZSTR_LEN(s));
}

ZEND_METHOD(Smtp_Message, charset)
{
	zend_string *cs;
	smtp_message_obj *m = THIS_MESSAGE();
	bool utf8;
	uint32_t i;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(cs)
	ZEND_PARSE_PARAMETERS_END();

	if (!charset_name_ok(cs)) {
		zend_argument_value_error(1, "must be a charset name such as \"UTF-8\" or \"ISO-8859-1\"");
		RETURN_THROWS();
	}
	utf8 = ascii_ieq(ZSTR_VAL(cs), ZSTR_LEN(cs), "UTF-8") || ascii_ieq(ZSTR_VAL(cs), ZSTR_LEN(cs), "UTF8");
	if (utf8) {
		/* what was accepted under another charset must still hold */
		bool ok = utf8_or_null(m->from_name) && utf8_or_null(m->sender_name) && utf8_or_null(m->subject)
			&& utf8_or_null(m->text) && utf8_or_null(m->html);
		const smtp_php_mailbox_list *lists[4];
		uint32_t k;
		lists[0] = &m->to;
		lists[1] = &m->cc;
		lists[2] = &m->bcc;
		lists[3] = &m->reply_to;
		for (k = 0; ok && k < 4; k++) {
			for (i = 0; ok && i < lists[k]->count; i++) {
				ok = utf8_or_null(lists[k]->items[i].name);
			}
		}
		for (i = 0; ok && i < m->header_count; i++) {
			ok = utf8_or_null(m->headers[i].value);
		}
		if (!ok) {
			zend_argument_value_error(1, "cannot be UTF-8: the message already holds text that is not valid UTF-8");
			RETURN_THROWS();
		}
		str_release(&m->charset); /* the default */
	} else {
		str_set(&m->charset, cs);
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

static bool check_filename(const smtp_message_obj *m, zend_string *name, uint32_t arg_num)
{
	(void)m;
	if (ZSTR_LEN(name) == 0) {
		zend_argument_value_error(arg_num, "must not be empty");
		return false;
	}
	if (memchr(ZSTR_VAL(name), '\0', ZSTR_LEN(name))) {
		zend_argument_value_error(arg_num, "must not contain NUL bytes");
		return false;
	}
	if (!smtp_utf8_valid(ZSTR_VAL(name), ZSTR_LEN(name))) {
		zend_argument_value_error(arg_num, "must be valid UTF-8");
		return false;
	}
	return true;
}

static bool mime_token_char(unsigned char c)
{
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c);
}

/*
 * A part's type as given ("text/calendar; method=REQUEST; charset=UTF-8"), checked and written the way
 * the header needs it: a token value as it is, other ASCII values quoted, a value with non-ASCII text in
 * RFC 2231 form (name*=UTF-8''...). The file name parameters come from the $name argument, not from here.
 * Returns a new string, or NULL with a ValueError thrown.
 */
static zend_string *normalize_type(zend_string *type, uint32_t arg_num)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *s = ZSTR_VAL(type), *end = s + ZSTR_LEN(type), *semi = memchr(s, ';', ZSTR_LEN(type));
	const char *be = semi ? semi : end;
	smart_str out = {0};
	HashTable seen;
	zend_string *base;
	const char *why = NULL;

	while (be > s && (be[-1] == ' ' || be[-1] == '\t')) {
		be--;
	}
	while (s < be && (*s == ' ' || *s == '\t')) {
		s++;
	}
	base = zend_string_init(s, (size_t)(be - s), 0);
	if (!content_type_ok(base)) {
		zend_string_release(base);
		zend_argument_value_error(arg_num, "must be a MIME type such as \"application/pdf\" or \"text/calendar; "
			"method=REQUEST\"");
		return NULL;
	}
	smart_str_append(&out, base);
	zend_string_release(base);
	zend_hash_init(&seen, 4, NULL, NULL, 0);
	s = semi;
	while (s && s < end && !why) {
		const char *n, *ne;
		smart_str value = {0};
		bool token = true, ascii = true;
		size_t i;
		zend_string *lname;

		s++; /* the ';' */
		while (s < end && (*s == ' ' || *s == '\t')) {
			s++;
		}
		if (s == end) {
			break; /* a trailing ';' */
		}
		for (n = s; s < end && mime_token_char((unsigned char)*s); s++) {
		}
		ne = s;
		if (ne == n || s == end || *s != '=') {
			why = "its parameters must be name=value pairs separated by ';'";
			break;
		}
		s++;
		if (s < end && *s == '"') {
			for (s++; s < end && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < end) {
					s++;
				}
				smart_str_appendc(&value, *s);
			}
			if (s == end) {
				why = "a quoted parameter value is not closed";
				smart_str_free(&value);
				break;
			}
			s++;
			while (s < end && (*s == ' ' || *s == '\t')) {
				s++;
			}
			if (s < end && *s != ';') {
				why = "its parameters must be name=value pairs separated by ';'";
				smart_str_free(&value);
				break;
			}
		} else {
			const char *v = s, *ve;
			while (s < end && *s != ';') {
				s++;
			}
			for (ve = s; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--) {
			}
			smart_str_appendl(&value, v, (size_t)(ve - v));
		}
		smart_str_0(&value);
		lname = zend_string_tolower(zend_string_init(n, (size_t)(ne - n), 0));
		if (!value.s || ZSTR_LEN(value.s) == 0) {
			why = "a parameter has no value";
		} else if (zend_string_equals_literal(lname, "name") || zend_string_equals_literal(lname, "filename")) {
			why = "the file name is the $name argument, not a parameter of the type";
		} else if (ne[-1] == '*') {
			why = "parameter values are given as plain text (they are RFC 2231-encoded when needed)";
		} else if (!zend_hash_add_empty_element(&seen, lname)) {
			why = "a parameter is given twice";
		} else if (!smtp_utf8_valid(ZSTR_VAL(value.s), ZSTR_LEN(value.s))) {
			why = "parameter values must be valid UTF-8";
		}
		zend_string_release(lname);
		for (i = 0; !why && i < ZSTR_LEN(value.s); i++) {
			unsigned char c = (unsigned char)ZSTR_VAL(value.s)[i];
			if (c < 32 || c == 127) {
				why = "parameter values must not contain control characters (CR, LF, NUL, ...)";
			}
			ascii = ascii && c < 128;
			token = token && mime_token_char(c);
		}
		if (!why) {
			smart_str_appends(&out, "; ");
			smart_str_appendl(&out, n, (size_t)(ne - n));
			if (token) {
				smart_str_appendc(&out, '=');
				smart_str_append(&out, value.s);
			} else if (ascii) {
				smart_str_appends(&out, "=\"");
				for (i = 0; i < ZSTR_LEN(value.s); i++) {
					char c = ZSTR_VAL(value.s)[i];
					if (c == '"' || c == '\\') {
						smart_str_appendc(&out, '\\');
					}
					smart_str_appendc(&out, c);
				}
				smart_str_appendc(&out, '"');
			} else {
				/* RFC 2231 4: charset'language'percent-encoded octets */
				smart_str_appends(&out, "*=UTF-8''");
				for (i = 0; i < ZSTR_LEN(value.s); i++) {
					unsigned char c = (unsigned char)ZSTR_VAL(value.s)[i];
					if (mime_token_char(c) && c != '*' && c != '\'' && c != '%') {
						smart_str_appendc(&out, (char)c);
					} else {
						smart_str_appendc(&out, '%');
						smart_str_appendc(&out, hex[c >> 4]);
						smart_str_appendc(&out, hex[c & 15]);
					}
				}
			}
		}
		smart_str_free(&value);
	}
	zend_hash_destroy(&seen);
	smart_str_0(&out);
	if (!why && ZSTR_LEN(out.s) > 200) {
		why = "it is too long (at most 200 octets once encoded)";
	}
	if (why) {
		smart_str_free(&out);
		zend_argument_value_error(arg_num, "must be a MIME type with valid parameters: %s", why);
		return NULL;
	}
	return out.s;
}

/* type, checked and normalised into *out (NULL when not given); false with a ValueError thrown. */
static bool check_type(zend_string *type, uint32_t arg_num, zend_string **out)
{
	*out = NULL;
	if (type && !(*out = normalize_type(type, arg_num))) {
		return false;
	}
	return true;
}

ZEND_METHOD(Smtp_Message, attach)
{
	zend_string *path, *name = NULL, *type = NULL, *ntype;
	smtp_message_obj *m = THIS_MESSAGE();
	smtp_php_part *p;

	ZEND_PARSE_PARAMETERS_START(1, 3)
		Z_PARAM_PATH_STR(path)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(name)
		Z_PARAM_STR_OR_NULL(type)
	ZEND_PARSE_PARAMETERS_END();

	if (ZSTR_LEN(path) == 0) {
		zend_argument_value_error(1, "must not be empty");
		RETURN_THROWS();
	}
	if ((name && !check_filename(m, name, 2)) || !check_type(type, 3, &ntype)) {
		RETURN_THROWS();
	}
	p = add_part(m);
	p->disposition = SMTP_PART_ATTACHMENT;
	p->path = zend_string_copy(path);
	if (name) {
		p->filename = zend_string_copy(name);
	} else {
		zend_string *base = php_basename(ZSTR_VAL(path), ZSTR_LEN(path), NULL, 0);
		p->filename = zend_string_copy(base);
		zend_string_release(base);
	}
	p->type = ntype;
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, attachData)
{
	zend_string *data, *name, *type = NULL, *ntype;
	smtp_message_obj *m = THIS_MESSAGE();
	smtp_php_part *p;

	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(data)
		Z_PARAM_STR(name)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(type)
	ZEND_PARSE_PARAMETERS_END();

	if (!check_filename(m, name, 2) || !check_type(type, 3, &ntype)) {
		RETURN_THROWS();
	}
	p = add_part(m);
	p->disposition = SMTP_PART_ATTACHMENT;
	p->data = zend_string_copy(data);
	p->filename = zend_string_copy(name);
	p->type = ntype;
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, embed)
{
	zend_string *path, *cid, *type = NULL, *ntype;
	smtp_message_obj *m = THIS_MESSAGE();
	smtp_php_part *p;

	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_PATH_STR(path)
		Z_PARAM_STR(cid)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(type)
	ZEND_PARSE_PARAMETERS_END();

	if (ZSTR_LEN(path) == 0) {
		zend_argument_value_error(1, "must not be empty");
		RETURN_THROWS();
	}
	if (!cid_ok(cid)) {
		zend_argument_value_error(2, "must be a Content-ID without brackets, spaces or quotes");
		RETURN_THROWS();
	}
	if (!check_type(type, 3, &ntype)) {
		RETURN_THROWS();
	}
	p = add_part(m);
	p->disposition = SMTP_PART_INLINE;
	p->path = zend_string_copy(path);
	{
		zend_string *base = php_basename(ZSTR_VAL(path), ZSTR_LEN(path), NULL, 0);
		p->filename = zend_string_copy(base);
		zend_string_release(base);
	}
	p->cid = zend_string_copy(cid);
	p->type = ntype;
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, header)
{
	zend_string *name, *value;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(name)
		Z_PARAM_STR(value)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_message_add_header(m, name, value, 1, 2) != SUCCESS) {
		RETURN_THROWS();
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

/* Delivery status notifications for this message: see smtp_dsn.c for the array. [] asks for none. */
ZEND_METHOD(Smtp_Message, dsn)
{
	HashTable *options;
	smtp_message_obj *m = THIS_MESSAGE();
	zval normal;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_dsn_normalize(options, &normal, 1) != SUCCESS) {
		RETURN_THROWS();
	}
	zval_ptr_dtor(&m->dsn);
	if (zend_hash_num_elements(Z_ARRVAL(normal)) == 0) {
		zval_ptr_dtor(&normal);
		ZVAL_UNDEF(&m->dsn);
	} else {
		ZVAL_COPY_VALUE(&m->dsn, &normal);
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

/* REQUIRETLS (RFC 8689) for this message: every hop must use verified TLS, or it bounces. */
ZEND_METHOD(Smtp_Message, requireTls)
{
	bool required = true;
	smtp_message_obj *m = THIS_MESSAGE();

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(required)
	ZEND_PARSE_PARAMETERS_END();

	m->require_tls = required;
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}

ZEND_METHOD(Smtp_Message, toString)
{
	smtp_message_obj *m = THIS_MESSAGE();
	smtp_message_build b;
	smtp_buf out;
	smtp_status st;
	char err[256];

	ZEND_PARSE_PARAMETERS_NONE();

	if (smtp_message_build_init(&b, m, ZSTR_VAL(smtp_default_helo())) != SUCCESS) {
		RETURN_THROWS();
	}
	smtp_buf_init(&out);
	err[0] = '\0';
	st = smtp_mime_write(&b.msg, &out.sink, smtp_php_random, NULL, err, sizeof(err));
	smtp_message_build_free(&b);
	if (st != SMTP_OK || out.failed) {
		smtp_buf_free(&out);
		if (st == SMTP_ERR_INPUT) {
			zend_value_error("%s", err[0] ? err : smtp_status_name(st));
		} else {
			smtp_throw(smtp_ce_Exception, 0, NULL, NULL, false, "%s", err[0] ? err : smtp_status_name(st));
		}
		RETURN_THROWS();
	}
	RETVAL_STRINGL(out.data ? out.data : "", out.len);
	smtp_buf_free(&out);
}
