/*
 * span.h - pieces of an untrusted buffer (not NUL-terminated) and the
 * few operations the file parsers (dirfile.c, provfile.c) share.
 */
#ifndef UPDPROBE_SPAN_H
#define UPDPROBE_SPAN_H

#include <stddef.h>

/* Bytes of untrusted content a message quotes at most. */
#define SPAN_QUOTE_MAX	32

struct span {
	const char	*p;
	size_t		 n;
};

int		span_is_blank(char);
/* Without leading and trailing blanks (space, tab). */
struct span	span_trim(struct span);
int		span_eq(struct span, const char *);
/*
 * Copy at most SPAN_QUOTE_MAX bytes of s into dst for a message:
 * non-printable bytes become '?', a cut is marked with "...".
 * dst needs SPAN_QUOTE_MAX + 4 bytes to hold the longest.
 */
void		span_quote(char *dst, size_t dstlen, struct span s);
/*
 * Cut the next line off *cur (LF or CRLF end) and return it trimmed.
 * *raw is the line as read, without its LF, for byte checks.  Consumes
 * at least one byte of a non-empty *cur, so loops over it are bounded by
 * the length.
 */
struct span	span_next_line(struct span *cur, struct span *raw);

#endif
