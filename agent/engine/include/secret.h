/*
 * secret.h - the one way a secret (an HTTP password, an SNMPv3
 * passphrase) enters updprobe: the first line of a file that only its
 * owner may read.  Secrets never come from the command line, the
 * environment or a configuration line.
 */
#ifndef UPDPROBE_SECRET_H
#define UPDPROBE_SECRET_H

#include <stddef.h>

/* The longest secret accepted, in bytes (the man pages say so). */
#define SECRET_MAX	255

/*
 * Read the first line of path into buf (buflen bytes, at most
 * SECRET_MAX + 1): the secret, without its line end (LF or CRLF).
 * Returns 0, or -1 with one line in err and buf wiped, when path is not a
 * regular file, group or others have any access to it, or its first line
 * is empty, longer than buflen - 1 bytes or holds a NUL byte.  What
 * follows the first line is never read.  The file is opened non-blocking,
 * so a FIFO cannot stall the caller.
 */
int	secret_read_file(const char *path, char *buf, size_t buflen, char *err,
	    size_t errlen);

#endif
