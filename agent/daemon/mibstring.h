/*
 * mibstring.h - strings as the MIB's DisplayStrings (Detail, Url): at most
 * the object's size, and a cut one ends in MIB_CUT_MARK so whoever reads
 * it sees the cut.
 */
#ifndef UPDPROBE_MIBSTRING_H
#define UPDPROBE_MIBSTRING_H

#include <stddef.h>

/* The mark at the end of a string cut to its MIB size. */
#define MIB_CUT_MARK	"..."
/* The longest DisplayString of the MIB (Detail, Url). */
#define MIB_STRING_MAX	255

/*
 * s as a DisplayString of at most max octets.  Returns s or buf
 * (MIB_STRING_MAX + 1 bytes), *len the octets to send.
 */
const char	*mib_string(const char *s, size_t max, char *buf,
		    size_t *len);

#endif
