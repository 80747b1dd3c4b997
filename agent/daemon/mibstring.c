/* mibstring.c - strings cut to their MIB size, visibly (mibstring.h). */
#include <string.h>

#include "mibstring.h"

const char *
mib_string(const char *s, size_t max, char *buf, size_t *len)
{
	size_t n = strlen(s), m = sizeof(MIB_CUT_MARK) - 1;

	if (max > MIB_STRING_MAX)
		max = MIB_STRING_MAX;
	if (n <= max || max < m) {
		*len = n <= max ? n : max;
		return s;
	}
	memcpy(buf, s, max - m);
	memcpy(buf + max - m, MIB_CUT_MARK, m);
	*len = max;
	return buf;
}
