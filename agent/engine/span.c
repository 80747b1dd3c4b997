/* span.c - pieces of an untrusted buffer, for the file parsers. */
#include <string.h>

#include "span.h"

int
span_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

struct span
span_trim(struct span s)
{
	while (s.n > 0 && span_is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && span_is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

int
span_eq(struct span s, const char *str)
{
	return strlen(str) == s.n && memcmp(s.p, str, s.n) == 0;
}

void
span_quote(char *dst, size_t dstlen, struct span s)
{
	size_t	i, n, j = 0;

	if (dstlen == 0)
		return;
	n = s.n > SPAN_QUOTE_MAX ? SPAN_QUOTE_MAX : s.n;
	for (i = 0; i < n && j + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)s.p[i];

		dst[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n < s.n && j + 3 < dstlen) {
		memcpy(dst + j, "...", 3);
		j += 3;
	}
	dst[j] = '\0';
}

struct span
span_next_line(struct span *cur, struct span *raw)
{
	const char	*end = cur->p + cur->n, *nl, *next;
	struct span	 line;

	if ((nl = memchr(cur->p, '\n', cur->n)) == NULL)
		nl = end;
	line = (struct span){ cur->p, (size_t)(nl - cur->p) };
	*raw = line;
	next = nl < end ? nl + 1 : end;
	*cur = (struct span){ next, (size_t)(end - next) };
	if (line.n > 0 && line.p[line.n - 1] == '\r')
		line.n--;
	return span_trim(line);
}
