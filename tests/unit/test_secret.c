/* Unit tests: a secret is the first line of a private regular file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"

struct dir {
	char	path[64];
	char	file[96];
};

static int
setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return -1;
	strcpy(d->path, "/tmp/test_secret.XXXXXX");
	if (mkdtemp(d->path) == NULL)
		return -1;
	snprintf(d->file, sizeof(d->file), "%s/secret", d->path);
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	struct dir *d = *state;

	unlink(d->file);
	rmdir(d->path);
	free(d);
	return 0;
}

/* Write len bytes to the test file with mode. */
static const char *
put(void **state, const char *bytes, size_t len, mode_t mode)
{
	struct dir *d = *state;
	int fd;

	unlink(d->file);
	fd = open(d->file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return d->file;
}

static int
read_secret(const char *path, char *buf, size_t len, char *err)
{
	return secret_read_file(path, buf, len, err, 256);
}

static void
the_first_line_is_the_secret(void **state)
{
	char buf[SECRET_MAX + 1], err[256];

	assert_int_equal(read_secret(put(state, "s3cret\n", 7, 0600), buf,
	    sizeof(buf), err), 0);
	assert_string_equal(buf, "s3cret");
	assert_int_equal(read_secret(put(state, "s3cret\r\nrest\n", 13, 0400),
	    buf, sizeof(buf), err), 0);
	assert_string_equal(buf, "s3cret");
	assert_int_equal(read_secret(put(state, "no-newline", 10, 0600), buf,
	    sizeof(buf), err), 0);
	assert_string_equal(buf, "no-newline");
}

/* The man pages allow 255 bytes: exactly that fits, with or without a
 * line end; one more is refused, naming the limit. */
static void
a_secret_of_255_bytes_fits(void **state)
{
	char buf[SECRET_MAX + 1], err[256], in[SECRET_MAX + 3];

	memset(in, 'p', sizeof(in));
	assert_int_equal(read_secret(put(state, in, SECRET_MAX, 0600), buf,
	    sizeof(buf), err), 0);
	assert_int_equal(strlen(buf), SECRET_MAX);
	in[SECRET_MAX] = '\n';
	assert_int_equal(read_secret(put(state, in, SECRET_MAX + 1, 0600), buf,
	    sizeof(buf), err), 0);
	assert_int_equal(strlen(buf), SECRET_MAX);
	in[SECRET_MAX] = '\r';
	in[SECRET_MAX + 1] = '\n';
	assert_int_equal(read_secret(put(state, in, SECRET_MAX + 2, 0600), buf,
	    sizeof(buf), err), 0);
	assert_int_equal(strlen(buf), SECRET_MAX);
	memset(in, 'p', sizeof(in));
	assert_int_equal(read_secret(put(state, in, SECRET_MAX + 1, 0600), buf,
	    sizeof(buf), err), -1);
	assert_non_null(strstr(err, "longer than 255 bytes"));
	assert_int_equal(buf[0], '\0');
}

/* Only the first line counts: a long second line is not read. */
static void
a_long_second_line_does_not_matter(void **state)
{
	char buf[SECRET_MAX + 1], err[256], in[1024];

	memset(in, 'x', sizeof(in));
	memcpy(in, "short\n", 6);
	assert_int_equal(read_secret(put(state, in, sizeof(in), 0600), buf,
	    sizeof(buf), err), 0);
	assert_string_equal(buf, "short");
}

static void
a_nul_byte_is_refused_not_cut(void **state)
{
	char buf[SECRET_MAX + 1], err[256];

	assert_int_equal(read_secret(put(state, "abc\0def\n", 8, 0600), buf,
	    sizeof(buf), err), -1);
	assert_non_null(strstr(err, "NUL"));
	assert_int_equal(buf[0], '\0');
	/* After the first line a NUL is no concern of ours. */
	assert_int_equal(read_secret(put(state, "abc\n\0", 5, 0600), buf,
	    sizeof(buf), err), 0);
	assert_string_equal(buf, "abc");
}

static void
empty_and_open_files_are_refused(void **state)
{
	char buf[SECRET_MAX + 1], err[256];

	assert_int_equal(read_secret(put(state, "\nsecond\n", 8, 0600), buf,
	    sizeof(buf), err), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(read_secret(put(state, "", 0, 0600), buf,
	    sizeof(buf), err), -1);
	assert_int_equal(read_secret(put(state, "s3cret\n", 7, 0640), buf,
	    sizeof(buf), err), -1);
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(read_secret(put(state, "s3cret\n", 7, 0604), buf,
	    sizeof(buf), err), -1);
	assert_int_equal(read_secret("/nonexistent/secret", buf, sizeof(buf),
	    err), -1);
	assert_non_null(strstr(err, "No such file"));
}

/* A FIFO (or a device) never blocks the reader: not a regular file. */
static void
a_fifo_is_refused_at_once(void **state)
{
	struct dir *d = *state;
	char buf[SECRET_MAX + 1], err[256];

	unlink(d->file);
	assert_int_equal(mkfifo(d->file, 0600), 0);
	assert_int_equal(read_secret(d->file, buf, sizeof(buf), err), -1);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(read_secret("/dev/zero", buf, sizeof(buf), err), -1);
	assert_non_null(strstr(err, "not a regular file"));
}

/* A smaller buffer is a smaller limit. */
static void
the_limit_is_the_buffer(void **state)
{
	char buf[8], err[256];

	assert_int_equal(read_secret(put(state, "1234567\n", 8, 0600), buf,
	    sizeof(buf), err), 0);
	assert_string_equal(buf, "1234567");
	assert_int_equal(read_secret(put(state, "12345678\n", 9, 0600), buf,
	    sizeof(buf), err), -1);
	assert_non_null(strstr(err, "longer than 7 bytes"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_first_line_is_the_secret,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(a_secret_of_255_bytes_fits,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    a_long_second_line_does_not_matter, setup, teardown),
		cmocka_unit_test_setup_teardown(a_nul_byte_is_refused_not_cut,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(empty_and_open_files_are_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(a_fifo_is_refused_at_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(the_limit_is_the_buffer, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}
