/*
 * provfile.c - reader of m3 provisioning files (DESIGN.md section 2).
 *
 * A target can point at the provisioning file its base stations read, so
 * the probe sees the server, folder and protocol the device sees.  Only
 * those three settings are kept; every other name is skipped unchecked, so
 * a setting this reader does not know cannot make a good file fail.
 *
 * Decisions where the design is silent (kept here, and in the README):
 * - Lines end with LF or CRLF; blanks around names, ':' and values are
 *   trimmed; a UTF-8 byte order mark at the start is skipped.
 * - END_OF_FILE must be a line of its own (blanks around it allowed);
 *   nothing after it is read, not even for NUL bytes.  A file without it
 *   is refused before any other check: a cut transfer also cuts a line,
 *   and "truncated" is the diagnosis that helps.
 * - Strings are "..." with no escapes: the value ends at the next '"', and
 *   only blanks may follow it.  The three kept names need quotes for the
 *   two strings and a bare number for the protocol.
 * - A name given twice: the last one wins, as the device applies the
 *   lines in order.
 * - The length limit applies to the kept values; other names may hold
 *   values of any length (their content is not ours to judge).
 * - On error *out is reset to the "nothing set" state.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "provfile.h"
#include "span.h"
#include "util.h"

#define END_MARK	"END_OF_FILE"
/* Room for one "line N: reason" before the load path prefixes it. */
#define REASON_MAX	256

static const char utf8_bom[] = "\xef\xbb\xbf";
#define UTF8_BOM_LEN	(sizeof(utf8_bom) - 1)

enum prov_kind {
	PROV_STRING,
	PROV_NUMBER
};

/* The names a firmware update depends on. */
enum prov_name {
	NAME_SERVER,
	NAME_PATH,
	NAME_PROTOCOL,
	NAME_COUNT,
	NAME_OTHER = -1
};

static const struct {
	const char	*name;
	enum prov_kind	 kind;
} prov_names[NAME_COUNT] = {
	{ "NETWORK_FWU_SERVER",			PROV_STRING },
	{ "FWU_TFTP_SERVER_PATH",		PROV_STRING },
	{ "MANAGEMENT_TRANSFER_PROTOCOL",	PROV_NUMBER }
};

/* Where parsing failed: the line (0 if none applies) and why. */
struct prov_error {
	unsigned long	lineno;
	char		reason[REASON_MAX];
};

static int	prov_fail(struct prov_error *, unsigned long, const char *, ...)
		    __attribute__((format(printf, 3, 4)));


static int
prov_fail(struct prov_error *pe, unsigned long lineno, const char *fmt, ...)
{
	va_list	ap;

	pe->lineno = lineno;
	va_start(ap, fmt);
	(void)vsnprintf(pe->reason, sizeof(pe->reason), fmt, ap);
	va_end(ap);
	return -1;
}

static int
is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static void
prov_init(struct provfile *out)
{
	memset(out, 0, sizeof(*out));
	out->protocol = PROV_PROTO_UNSET;
}

static enum prov_name
lookup_name(struct span name)
{
	int	i;

	for (i = 0; i < NAME_COUNT; i++)
		if (span_eq(name, prov_names[i].name))
			return (enum prov_name)i;
	return NAME_OTHER;
}

/*
 * A quoted value: *val becomes the text between the quotes.  Only blanks
 * may follow the closing quote.
 */
static int
unquote(struct span *val, unsigned long lineno, struct prov_error *pe)
{
	const char	*close;
	struct span	 rest;
	char		 q[SPAN_QUOTE_MAX + 4];

	close = memchr(val->p + 1, '"', val->n - 1);
	if (close == NULL)
		return prov_fail(pe, lineno, "unterminated quote");
	rest = span_trim((struct span){ close + 1,
	    val->n - (size_t)(close + 1 - val->p) });
	if (rest.n > 0) {
		span_quote(q, sizeof(q), rest);
		return prov_fail(pe, lineno, "text after the closing quote: %s", q);
	}
	*val = (struct span){ val->p + 1, (size_t)(close - val->p - 1) };
	return 0;
}

/* A bare number: decimal, or hex with 0x as the m3's own files write it. */
static int
parse_number(struct span val, unsigned long *num)
{
	unsigned long	n = 0, base = 10, d;
	size_t		i = 0;

	if (val.n > 2 && val.p[0] == '0' &&
	    (val.p[1] == 'x' || val.p[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i >= val.n)
		return -1;
	for (; i < val.n; i++) {
		char c = val.p[i];

		if (c >= '0' && c <= '9')
			d = (unsigned long)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned long)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned long)(c - 'A' + 10);
		else
			return -1;
		/* Anything above 1 is refused anyway: stop before overflow. */
		if (n > 0xffff)
			return -1;
		n = n * base + d;
	}
	*num = n;
	return 0;
}

static int
store(struct provfile *out, enum prov_name id, struct span val, int quoted,
    unsigned long lineno, struct prov_error *pe)
{
	const char	*name = prov_names[id].name;
	unsigned long	 num;
	char		 q[SPAN_QUOTE_MAX + 4];

	if (prov_names[id].kind == PROV_STRING) {
		if (!quoted)
			return prov_fail(pe, lineno, "%%%s%% needs a value in "
			    "double quotes", name);
		if (val.n > PROVFILE_MAX_VALUE - 1)
			return prov_fail(pe, lineno, "%%%s%% value is %zu bytes, "
			    "longer than %d", name, val.n,
			    PROVFILE_MAX_VALUE - 1);
		memcpy(id == NAME_SERVER ? out->server : out->path, val.p,
		    val.n);
		(id == NAME_SERVER ? out->server : out->path)[val.n] = '\0';
		if (id == NAME_SERVER)
			out->has_server = 1;
		return 0;
	}
	if (val.n == 0)
		return prov_fail(pe, lineno, "%%%s%% has no value", name);
	span_quote(q, sizeof(q), val);
	if (quoted || parse_number(val, &num) == -1)
		return prov_fail(pe, lineno, "%%%s%% value %s is not a number",
		    name, q);
	if (num != (unsigned long)PROV_PROTO_TFTP &&
	    num != (unsigned long)PROV_PROTO_HTTP)
		return prov_fail(pe, lineno, "%%%s%% is %s; expected 0 (TFTP) or "
		    "1 (HTTP)", name, q);
	out->protocol = (enum prov_protocol)num;
	return 0;
}

/* One `%NAME%: value` line, already trimmed and known not to be blank. */
static int
parse_setting(struct provfile *out, struct span s, unsigned long lineno,
    struct prov_error *pe)
{
	struct span	 name, val;
	const char	*pct;
	enum prov_name	 id;
	int		 quoted;
	char		 q[SPAN_QUOTE_MAX + 4];
	size_t		 i;

	span_quote(q, sizeof(q), s);
	if (s.p[0] != '%' ||
	    (pct = memchr(s.p + 1, '%', s.n - 1)) == NULL)
		return prov_fail(pe, lineno, "expected %%NAME%%: value, not %s", q);
	name = (struct span){ s.p + 1, (size_t)(pct - s.p - 1) };
	for (i = 0; i < name.n; i++)
		if (!is_name_char(name.p[i]))
			break;
	if (name.n == 0 || i < name.n)
		return prov_fail(pe, lineno, "bad setting name in %s", q);
	val = span_trim((struct span){ pct + 1, s.n - (size_t)(pct + 1 - s.p) });
	if (val.n == 0 || val.p[0] != ':')
		return prov_fail(pe, lineno, "expected ':' after %%%.*s%%",
		    (int)name.n, name.p);
	val = span_trim((struct span){ val.p + 1, val.n - 1 });
	quoted = val.n > 0 && val.p[0] == '"';
	if (quoted && unquote(&val, lineno, pe) == -1)
		return -1;
	if ((id = lookup_name(name)) == NAME_OTHER)
		return 0;
	return store(out, id, val, quoted, lineno, pe);
}

/*
 * The part of the file before its END_OF_FILE line.  A file without one
 * is refused whatever else it holds: a cut transfer usually also cuts a
 * line in half, and "truncated" is then the diagnosis that helps.
 */
static int
find_end(struct span body, struct span *before)
{
	struct span	cur = body, raw, s;

	while (cur.n > 0) {
		s = span_next_line(&cur, &raw);
		if (span_eq(s, END_MARK)) {
			*before = (struct span){ body.p,
			    (size_t)(raw.p - body.p) };
			return 0;
		}
	}
	return -1;
}

/* The parser proper; the public functions only differ in their messages. */
static int
parse(const char *buf, size_t len, struct provfile *out,
    struct prov_error *pe)
{
	struct span	 cur, raw, s;
	unsigned long	 lineno = 0;

	if (buf == NULL)
		len = 0;
	if (len > PROVFILE_MAX_SIZE)
		return prov_fail(pe, 0, "%zu bytes, larger than %d", len,
		    PROVFILE_MAX_SIZE);
	if (len >= UTF8_BOM_LEN && memcmp(buf, utf8_bom, UTF8_BOM_LEN) == 0) {
		buf += UTF8_BOM_LEN;
		len -= UTF8_BOM_LEN;
	}
	if (find_end((struct span){ buf, len }, &cur) == -1)
		return prov_fail(pe, 0, "missing " END_MARK " (truncated file?)");
	while (cur.n > 0) {
		lineno++;
		s = span_next_line(&cur, &raw);
		if (memchr(raw.p, '\0', raw.n) != NULL)
			return prov_fail(pe, lineno, "NUL byte");
		if (s.n == 0 || s.p[0] == '#' || s.p[0] == ';')
			continue;
		if (parse_setting(out, s, lineno, pe) == -1)
			return -1;
	}
	return 0;
}

int
provfile_parse(const char *buf, size_t len, struct provfile *out, char *err,
    size_t errlen)
{
	struct prov_error	pe;

	prov_init(out);
	(void)errorf(err, errlen, "%s", "");
	if (parse(buf, len, out, &pe) == 0)
		return 0;
	prov_init(out);
	if (pe.lineno != 0)
		(void)errorf(err, errlen, "line %lu: %s", pe.lineno, pe.reason);
	else
		(void)errorf(err, errlen, "%s", pe.reason);
	return -1;
}

/*
 * Read all of fd into a new buffer of at most PROVFILE_MAX_SIZE bytes.
 * Returns the buffer (the caller frees it), or NULL with err holding
 * "PATH: reason".
 */
static char *
read_all(int fd, const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct stat	 sb;
	char		*buf;
	size_t		 cap, len = 0;
	ssize_t		 n;

	if (fstat(fd, &sb) == -1) {
		(void)errorf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		(void)errorf(err, errlen, "%s: not a regular file", path);
		return NULL;
	}
	if (sb.st_size > PROVFILE_MAX_SIZE) {
		(void)errorf(err, errlen, "%s: larger than %d bytes", path,
		    PROVFILE_MAX_SIZE);
		return NULL;
	}
	/* One byte more than the size, to notice a file that grew. */
	cap = (size_t)sb.st_size + 1;
	if ((buf = malloc(cap)) == NULL) {
		(void)errorf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while (len < cap) {
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			(void)errorf(err, errlen, "%s: %s", path, strerror(errno));
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == cap) {
		/* It is being rewritten: better no answer than half of one. */
		(void)errorf(err, errlen, "%s: changed while being read", path);
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}

int
provfile_load(const char *path, struct provfile *out, char *err,
    size_t errlen)
{
	struct prov_error	 pe;
	char			*buf;
	size_t			 len = 0;
	int			 fd, rc;

	prov_init(out);
	(void)errorf(err, errlen, "%s", "");
	/* O_NONBLOCK: a FIFO in place of the file must not hang the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		(void)errorf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = read_all(fd, path, &len, err, errlen);
	(void)close(fd);
	if (buf == NULL)
		return -1;
	rc = parse(buf, len, out, &pe);
	free(buf);
	if (rc == 0)
		return 0;
	prov_init(out);
	if (pe.lineno != 0)
		(void)errorf(err, errlen, "%s:%lu: %s", path, pe.lineno, pe.reason);
	else
		(void)errorf(err, errlen, "%s: %s", path, pe.reason);
	return -1;
}
