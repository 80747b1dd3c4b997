/* secret.c - a secret from the first line of a private file. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"
#include "util.h"

/*
 * Read up to want bytes, fewer only at the end of the file; -1 on a read
 * error.  Regular files give whole reads; the loop covers signals.
 */
static ssize_t
read_upto(int fd, char *buf, size_t want)
{
	size_t got = 0;
	ssize_t n;

	while (got < want) {
		n = read(fd, buf + got, want - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int
open_private(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1)
		return errorf(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return errorf(err, errlen, "%s: not a regular file", path);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return errorf(err, errlen, "%s: group or others may access it "
		    "(mode %04o): refused, chmod 600 it", path,
		    (unsigned)(st.st_mode & 07777));
	}
	return fd;
}

int
secret_read_file(const char *path, char *buf, size_t buflen, char *err,
    size_t errlen)
{
	ssize_t n;
	size_t len;
	char *end, next;
	int fd;

	if (buflen < 2 || buflen > SECRET_MAX + 1)
		return errorf(err, errlen, "%s: internal error: secret buffer "
		    "of %zu bytes", path, buflen);
	if ((fd = open_private(path, err, errlen)) == -1)
		return -1;
	/* The longest line that fits, and one byte more to tell whether
	 * the line goes on. */
	n = read_upto(fd, buf, buflen - 1);
	next = '\n';
	if (n == (ssize_t)(buflen - 1) && memchr(buf, '\n', (size_t)n) == NULL &&
	    read_upto(fd, &next, 1) == 0)
		next = '\n';	/* the end of the file ends the line */
	close(fd);
	if (n == -1) {
		explicit_bzero(buf, buflen);
		return errorf(err, errlen, "%s: %s", path, strerror(errno));
	}
	end = memchr(buf, '\n', (size_t)n);
	len = end != NULL ? (size_t)(end - buf) : (size_t)n;
	if (end == NULL && len == buflen - 1 && next != '\n' && next != '\r') {
		explicit_bzero(buf, buflen);
		return errorf(err, errlen, "%s: the first line is longer than "
		    "%zu bytes", path, buflen - 1);
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (memchr(buf, '\0', len) != NULL) {
		explicit_bzero(buf, buflen);
		return errorf(err, errlen, "%s: the first line holds a NUL "
		    "byte", path);
	}
	explicit_bzero(buf + len, buflen - len);
	if (len == 0)
		return errorf(err, errlen, "%s: the first line is empty", path);
	return 0;
}
