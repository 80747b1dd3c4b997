/*
 * dirfile.c - parser of the DirFile model (dirlist.txt), DESIGN.md section 3.
 *
 * The parser decides between three outcomes that the m3 shows as different
 * codes: a DirFile (OK), something that is not a DirFile at all (code 10:
 * empty, binary, markup, another product's file) and a DirFile that breaks
 * the grammar (code 9).  The first problem in file order wins, so the
 * message points at the line an operator has to fix.
 *
 * Decisions where the design is silent (kept here, and in the README):
 * - A UTF-8 byte order mark at the start is skipped (Windows editors write
 *   one); other bytes >= 0x80 are text (DisplayInfo may hold accents).
 * - Binary means NUL, a control byte other than TAB, CR and LF, or DEL.
 * - CR is accepted only as part of CRLF (or as the last byte of the body);
 *   a CR inside a line is a syntax error, as it would end up in a name.
 * - Leading and trailing blanks of a line, a key and a value are trimmed;
 *   there are no inline comments ("a=b # c" has the value "b # c").
 * - Keys are case-sensitive.  A known key spelt differently is treated as
 *   unknown, and the "missing" message points at it.
 * - Values may be empty, except GwFile and PpFile (no file to fetch),
 *   DisplayName (the handset menu would show nothing) and the numeric and
 *   date keys (an empty string is not a number).
 * - Duplicates are detected for the keys of the model; unknown keys are
 *   ignored entirely, duplicates included (forward compatible).
 * - A "[...]" line with a name other than 4 digits is a DirFile with a
 *   syntax error (9), even as the first line: it is recognisably INI-like.
 * - Lines before the first section may only be blank or comments; a
 *   Key=Value line there means "not a DirFile" (10).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dirfile.h"
#include "span.h"
#include "util.h"

/* Number of possible 4-digit section names, for the duplicate bitmap. */
#define SECTION_NAMES		10000
/* Length of a section name and of the date keys (YYMMDDhhmm). */
#define SECTION_NAME_LEN	4
#define DATE_LEN		10
/* First allocation of the version array; it doubles up to the maximum. */
#define VERSIONS_INITIAL	8

/* The UTF-8 byte order mark. */
static const char utf8_bom[] = "\xef\xbb\xbf";
#define UTF8_BOM_LEN		(sizeof(utf8_bom) - 1)

/* The keys of the model.  Keep in the order of the key_names table. */
enum key_id {
	KEY_DISPLAY_NAME,
	KEY_DISPLAY_INFO,
	KEY_DISPLAY_REL_DATE,
	KEY_LINK_DATE,
	KEY_LANGUAGES,
	KEY_GW_FILE,
	KEY_GW_CODE_SIZE,
	KEY_PP_FILE,
	KEY_PP_CODE_SIZE,
	KEY_COUNT,
	KEY_UNKNOWN = -1
};

static const char *const key_names[KEY_COUNT] = {
	"DisplayName",
	"DisplayInfo",
	"DisplayRelDate",
	"LinkDate",
	"Languages",
	"GwFile",
	"GwCodeSize",
	"PpFile",
	"PpCodeSize"
};

/* Keys without which the device cannot offer or fetch a version. */
static const enum key_id required_keys[] = {
	KEY_GW_FILE, KEY_PP_FILE, KEY_DISPLAY_NAME
};

/* Parser state; lives on the caller's stack for one dirfile_parse(). */
struct parser {
	struct dirfile	*out;
	size_t		 cap;	/* entries allocated in out->versions */
	unsigned long	 lineno;	/* current line, from 1 */
	char		*err;
	size_t		 errlen;
	/* Per section: line of each known key, 0 if not seen yet. */
	unsigned long	 key_line[KEY_COUNT];
	/* Per section: a known key spelt with other case, for the message. */
	unsigned long	 key_ci_line[KEY_COUNT];
	struct span	 key_ci_spelling[KEY_COUNT];
	unsigned char	 seen_section[(SECTION_NAMES + 7) / 8];
};



static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_key_char(char c)
{
	return is_digit(c) || c == '_' ||
	    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Bytes that no text file holds: the mark of a binary body. */
static int
is_binary(unsigned char c)
{
	if (c == '\t' || c == '\r' || c == '\n')
		return 0;
	return c < 0x20 || c == 0x7f;
}

static int
all_digits(struct span s)
{
	size_t	i;

	for (i = 0; i < s.n; i++)
		if (!is_digit(s.p[i]))
			return 0;
	return 1;
}

static int
span_caseeq(struct span s, const char *str)
{
	size_t	i;

	if (strlen(str) != s.n)
		return 0;
	for (i = 0; i < s.n; i++) {
		char a = s.p[i], b = str[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

/* Case-insensitive prefix test, for markup detection. */
static int
span_has_prefix(struct span s, const char *prefix)
{
	size_t	n = strlen(prefix);

	if (s.n < n)
		return 0;
	return span_caseeq((struct span){ s.p, n }, prefix);
}

static void
span_copy(char *dst, size_t dstlen, struct span s)
{
	size_t	n = s.n < dstlen - 1 ? s.n : dstlen - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

static struct dirfile_version *
current(struct parser *ps)
{
	return &ps->out->versions[ps->out->nversions - 1];
}

static enum dirfile_status
syntax(struct parser *ps, const char *what, struct span s, const char *tail)
{
	char	q[SPAN_QUOTE_MAX + 4];

	span_quote(q, sizeof(q), s);
	(void)errorf(ps->err, ps->errlen, "line %lu: %s%s%s", ps->lineno, what, q,
	    tail);
	return DIRFILE_SYNTAX;
}

/*
 * The whole body is scanned before any line is parsed: a binary byte on
 * line 40 means "not a DirFile" (10) even if line 3 has a grammar error.
 */
static enum dirfile_status
check_binary(const char *buf, size_t len, char *err, size_t errlen)
{
	unsigned long	lineno = 1;
	size_t		i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n')
			lineno++;
		else if (is_binary(c)) {
			(void)errorf(err, errlen, "line %lu: not a DirFile: binary "
			    "byte 0x%02x at offset %zu", lineno, c, i);
			return DIRFILE_UNKNOWN_FORMAT;
		}
	}
	return DIRFILE_OK;
}

/*
 * The first line that is neither blank nor a comment tells a DirFile from
 * anything else: an HTML error page, an XML file, another product's list.
 */
static enum dirfile_status
check_format(struct parser *ps, struct span s)
{
	const char	*what;

	if (s.p[0] == '[')
		return DIRFILE_OK;
	if (span_has_prefix(s, "<html") || span_has_prefix(s, "<!doctype html"))
		what = "HTML markup";
	else if (span_has_prefix(s, "<?xml"))
		what = "XML markup";
	else if (s.p[0] == '<')
		what = "markup";
	else
		what = "first line is not a [section]";
	(void)errorf(ps->err, ps->errlen, "line %lu: not a DirFile: %s", ps->lineno,
	    what);
	return DIRFILE_UNKNOWN_FORMAT;
}

/* Called when a section ends: the device needs these keys in each. */
static enum dirfile_status
close_section(struct parser *ps)
{
	const struct dirfile_version	*v;
	size_t				 i;

	if (ps->out->nversions == 0)
		return DIRFILE_OK;
	v = current(ps);
	for (i = 0; i < sizeof(required_keys) / sizeof(required_keys[0]); i++) {
		enum key_id	k = required_keys[i];
		char		q[SPAN_QUOTE_MAX + 4];

		if (ps->key_line[k] != 0)
			continue;
		if (ps->key_ci_line[k] == 0) {
			(void)errorf(ps->err, ps->errlen, "section [%s]: missing %s",
			    v->version, key_names[k]);
			return DIRFILE_SYNTAX;
		}
		span_quote(q, sizeof(q), ps->key_ci_spelling[k]);
		(void)errorf(ps->err, ps->errlen, "section [%s]: missing %s (line "
		    "%lu has %s; keys are case-sensitive)", v->version,
		    key_names[k], ps->key_ci_line[k], q);
		return DIRFILE_SYNTAX;
	}
	return DIRFILE_OK;
}

/* Room for one more section; the array only grows, up to the maximum. */
static int
grow(struct parser *ps)
{
	struct dirfile_version	*nv;
	size_t			 ncap;

	if (ps->out->nversions < ps->cap)
		return 0;
	ncap = ps->cap == 0 ? VERSIONS_INITIAL : ps->cap * 2;
	if (ncap > DIRFILE_MAX_SECTIONS)
		ncap = DIRFILE_MAX_SECTIONS;
	nv = realloc(ps->out->versions, ncap * sizeof(*nv));
	if (nv == NULL)
		return -1;
	ps->out->versions = nv;
	ps->cap = ncap;
	return 0;
}

/* The value of a name already checked to be 4 digits. */
static unsigned int
section_number(struct span name)
{
	unsigned int	num = 0;
	size_t		i;

	for (i = 0; i < name.n; i++)
		num = num * 10 + (unsigned int)(name.p[i] - '0');
	return num;
}

static enum dirfile_status
parse_section(struct parser *ps, struct span s)
{
	struct dirfile_version	*v;
	struct span		 name;
	const char		*close;
	unsigned int		 num;
	enum dirfile_status	 st;

	/* The previous section ends here, and its errors come first. */
	if ((st = close_section(ps)) != DIRFILE_OK)
		return st;
	if ((close = memchr(s.p, ']', s.n)) == NULL)
		return syntax(ps, "section header ", s, " has no closing ]");
	if (close != s.p + s.n - 1)
		return syntax(ps, "text after ] in section header ", s, "");
	name = (struct span){ s.p + 1, s.n - 2 };
	if (name.n != SECTION_NAME_LEN || !all_digits(name))
		return syntax(ps, "section name [", name, "] is not 4 digits");
	num = section_number(name);
	if (ps->seen_section[num / 8] & (1u << (num % 8)))
		return syntax(ps, "duplicate section [", name, "]");
	ps->seen_section[num / 8] |= (unsigned char)(1u << (num % 8));
	if (ps->out->nversions >= DIRFILE_MAX_SECTIONS) {
		(void)errorf(ps->err, ps->errlen, "line %lu: more than %d sections",
		    ps->lineno, DIRFILE_MAX_SECTIONS);
		return DIRFILE_SYNTAX;
	}
	if (grow(ps) == -1) {
		/* Not the file's fault, but the caller can only say 9 or 10;
		 * the message tells the operator what happened. */
		(void)errorf(ps->err, ps->errlen, "line %lu: out of memory",
		    ps->lineno);
		return DIRFILE_SYNTAX;
	}
	v = &ps->out->versions[ps->out->nversions++];
	memset(v, 0, sizeof(*v));
	span_copy(v->version, sizeof(v->version), name);
	memset(ps->key_line, 0, sizeof(ps->key_line));
	memset(ps->key_ci_line, 0, sizeof(ps->key_ci_line));
	return DIRFILE_OK;
}

const char *
dirfile_file_name_problem(const char *name, size_t len)
{
	size_t	i;

	if (len == 0)
		return " is empty";
	if (len == 1 && name[0] == '.')
		return " is the folder itself";
	for (i = 0; i < len; i++) {
		if (name[i] == '/' || name[i] == '\\' ||
		    (name[i] == '.' && i + 1 < len && name[i + 1] == '.'))
			return " must not contain '/', '\\' or '..'";
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return " must not contain a control character";
	}
	return NULL;
}

/* A file of the folder, never another place: the rule above. */
static enum dirfile_status
check_file_name(struct parser *ps, enum key_id k, struct span val)
{
	const char	*why;

	if (val.n == 0)
		return syntax(ps, "empty ", (struct span){ key_names[k],
		    strlen(key_names[k]) }, "");
	if ((why = dirfile_file_name_problem(val.p, val.n)) != NULL)
		return syntax(ps, "file name ", val, why);
	return DIRFILE_OK;
}

/* A decimal size with no sign, no blanks, that fits in 64 bits. */
static enum dirfile_status
parse_code_size(struct parser *ps, enum key_id k, struct span val, uint64_t *sz)
{
	char		what[64];
	uint64_t	n = 0;
	size_t		i;

	(void)snprintf(what, sizeof(what), "%s ", key_names[k]);
	if (val.n == 0)
		return syntax(ps, "empty ", (struct span){ key_names[k],
		    strlen(key_names[k]) }, "");
	if (!all_digits(val))
		return syntax(ps, what, val, " is not a decimal number");
	for (i = 0; i < val.n; i++) {
		unsigned int d = (unsigned int)(val.p[i] - '0');

		if (n > (UINT64_MAX - d) / 10)
			return syntax(ps, what, val,
			    " does not fit in 64 bits");
		n = n * 10 + d;
	}
	*sz = n;
	return DIRFILE_OK;
}

/* Check and keep the value of a known key in the current section. */
static enum dirfile_status
store(struct parser *ps, enum key_id k, struct span val)
{
	struct dirfile_version	*v = current(ps);
	char			 what[64];

	(void)snprintf(what, sizeof(what), "%s ", key_names[k]);
	switch (k) {
	case KEY_DISPLAY_NAME:
		if (val.n == 0)
			return syntax(ps, "empty DisplayName in [",
			    (struct span){ v->version, SECTION_NAME_LEN }, "]");
		span_copy(v->display_name, sizeof(v->display_name), val);
		break;
	case KEY_DISPLAY_REL_DATE:
	case KEY_LINK_DATE:
		if (val.n == 0)
			return syntax(ps, "empty ", (struct span){ key_names[k],
			    strlen(key_names[k]) }, "");
		if (val.n != DATE_LEN || !all_digits(val))
			return syntax(ps, what, val, " is not 10 digits");
		break;
	case KEY_LANGUAGES:
		span_copy(v->languages, sizeof(v->languages), val);
		break;
	case KEY_GW_FILE:
	case KEY_PP_FILE:
		if (check_file_name(ps, k, val) != DIRFILE_OK)
			return DIRFILE_SYNTAX;
		span_copy(k == KEY_GW_FILE ? v->gw_file : v->pp_file,
		    sizeof(v->gw_file), val);
		break;
	case KEY_GW_CODE_SIZE:
		if (parse_code_size(ps, k, val, &v->gw_size) != DIRFILE_OK)
			return DIRFILE_SYNTAX;
		v->has_gw_size = 1;
		break;
	case KEY_PP_CODE_SIZE:
		if (parse_code_size(ps, k, val, &v->pp_size) != DIRFILE_OK)
			return DIRFILE_SYNTAX;
		v->has_pp_size = 1;
		break;
	default:
		/* DisplayInfo is checked for duplicates only. */
		break;
	}
	return DIRFILE_OK;
}

static enum key_id
lookup_key(struct span key)
{
	int	k;

	for (k = 0; k < KEY_COUNT; k++)
		if (span_eq(key, key_names[k]))
			return (enum key_id)k;
	return KEY_UNKNOWN;
}

/* Remember "gwfile=" so that "missing GwFile" can point at it. */
static void
note_other_case(struct parser *ps, struct span key)
{
	int	k;

	for (k = 0; k < KEY_COUNT; k++) {
		if (span_caseeq(key, key_names[k]) && ps->key_ci_line[k] == 0) {
			ps->key_ci_line[k] = ps->lineno;
			ps->key_ci_spelling[k] = key;
		}
	}
}

static enum dirfile_status
parse_key_value(struct parser *ps, struct span s)
{
	const char	*eq;
	struct span	 key, val;
	enum key_id	 k;
	size_t		 i;

	if ((eq = memchr(s.p, '=', s.n)) == NULL)
		return syntax(ps, "expected [NNNN], Key=Value or a comment, "
		    "not ", s, "");
	key = span_trim((struct span){ s.p, (size_t)(eq - s.p) });
	val = span_trim((struct span){ eq + 1, s.n - (size_t)(eq - s.p) - 1 });
	if (key.n == 0)
		return syntax(ps, "empty key before =", key, "");
	for (i = 0; i < key.n; i++)
		if (!is_key_char(key.p[i]))
			return syntax(ps, "key ", key,
			    " may only hold letters, digits and _");
	if ((k = lookup_key(key)) == KEY_UNKNOWN) {
		/* Forward compatible: a newer MakeDirList may add keys. */
		note_other_case(ps, key);
		return DIRFILE_OK;
	}
	if (ps->key_line[k] != 0) {
		(void)errorf(ps->err, ps->errlen, "line %lu: duplicate key %s in "
		    "[%s] (first at line %lu)", ps->lineno, key_names[k],
		    current(ps)->version, ps->key_line[k]);
		return DIRFILE_SYNTAX;
	}
	ps->key_line[k] = ps->lineno;
	return store(ps, k, val);
}

/*
 * One line: raw as read without its LF (a CR before the LF is still
 * there), s trimmed.
 */
static enum dirfile_status
parse_line(struct parser *ps, struct span raw, struct span s)
{
	enum dirfile_status	st;
	int			comment;

	if (raw.n > 0 && raw.p[raw.n - 1] == '\r')
		raw.n--;
	comment = s.n > 0 && (s.p[0] == '#' || s.p[0] == ';');
	/* Format before grammar: a long HTML line is 10, not 9. */
	if (ps->out->nversions == 0 && s.n > 0 && !comment &&
	    (st = check_format(ps, s)) != DIRFILE_OK)
		return st;
	if (raw.n > DIRFILE_MAX_LINE) {
		(void)errorf(ps->err, ps->errlen, "line %lu: %zu bytes, longer than "
		    "%d", ps->lineno, raw.n, DIRFILE_MAX_LINE);
		return DIRFILE_SYNTAX;
	}
	if (memchr(raw.p, '\r', raw.n) != NULL) {
		(void)errorf(ps->err, ps->errlen, "line %lu: carriage return inside "
		    "the line (only CRLF or LF line ends)", ps->lineno);
		return DIRFILE_SYNTAX;
	}
	if (s.n == 0 || comment)
		return DIRFILE_OK;
	if (s.p[0] == '[')
		return parse_section(ps, s);
	return parse_key_value(ps, s);
}

static enum dirfile_status
parse_lines(struct parser *ps, const char *buf, size_t len)
{
	struct span		 cur = { buf, len }, raw, s;
	enum dirfile_status	 st;

	/* Each turn consumes at least one byte: bounded by len. */
	while (cur.n > 0) {
		ps->lineno++;
		s = span_next_line(&cur, &raw);
		if ((st = parse_line(ps, raw, s)) != DIRFILE_OK)
			return st;
	}
	if ((st = close_section(ps)) != DIRFILE_OK)
		return st;
	if (ps->out->nversions == 0) {
		(void)errorf(ps->err, ps->errlen, "not a DirFile: no [section], only "
		    "blank and comment lines");
		return DIRFILE_UNKNOWN_FORMAT;
	}
	return DIRFILE_OK;
}

enum dirfile_status
dirfile_parse(const char *buf, size_t len, struct dirfile *out, char *err,
    size_t errlen)
{
	struct parser		ps;
	enum dirfile_status	st;

	out->nversions = 0;
	out->versions = NULL;
	(void)errorf(err, errlen, "%s", "");
	if (buf == NULL)
		len = 0;
	if (len == 0) {
		(void)errorf(err, errlen, "empty body");
		return DIRFILE_UNKNOWN_FORMAT;
	}
	if (len > DIRFILE_MAX_BODY) {
		(void)errorf(err, errlen, "not a DirFile: body is %zu bytes, larger "
		    "than %d", len, DIRFILE_MAX_BODY);
		return DIRFILE_UNKNOWN_FORMAT;
	}
	if ((st = check_binary(buf, len, err, errlen)) != DIRFILE_OK)
		return st;
	if (len >= UTF8_BOM_LEN && memcmp(buf, utf8_bom, UTF8_BOM_LEN) == 0) {
		buf += UTF8_BOM_LEN;
		len -= UTF8_BOM_LEN;
	}
	memset(&ps, 0, sizeof(ps));
	ps.out = out;
	ps.err = err;
	ps.errlen = errlen;
	if ((st = parse_lines(&ps, buf, len)) != DIRFILE_OK) {
		dirfile_free(out);
		return st;
	}
	return DIRFILE_OK;
}

void
dirfile_free(struct dirfile *df)
{
	if (df == NULL)
		return;
	free(df->versions);
	df->versions = NULL;
	df->nversions = 0;
}

const struct dirfile_version *
dirfile_find(const struct dirfile *df, const char *version)
{
	size_t	i;

	if (df == NULL || version == NULL)
		return NULL;
	for (i = 0; i < df->nversions; i++)
		if (strcmp(df->versions[i].version, version) == 0)
			return &df->versions[i];
	return NULL;
}

const struct dirfile_version *
dirfile_newest(const struct dirfile *df)
{
	const struct dirfile_version	*best = NULL;
	size_t				 i;

	if (df == NULL)
		return NULL;
	/* Versions are exactly 4 digits: string order is numeric order. */
	for (i = 0; i < df->nversions; i++)
		if (best == NULL ||
		    strcmp(df->versions[i].version, best->version) > 0)
			best = &df->versions[i];
	return best;
}

int
dirfile_has_language(const struct dirfile_version *v, const char *lang)
{
	struct span	want, item;
	const char	*p, *end, *comma;

	if (v == NULL || lang == NULL)
		return 0;
	want = span_trim((struct span){ lang, strlen(lang) });
	if (want.n == 0)
		return 0;
	p = v->languages;
	end = p + strlen(p);
	/* Each turn consumes at least one byte (the item or its comma). */
	while (p <= end) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		item = span_trim((struct span){ p, (size_t)(comma - p) });
		if (item.n == want.n && memcmp(item.p, want.p, want.n) == 0)
			return 1;
		p = comma + 1;
	}
	return 0;
}
