/*
 * provdir.c - the files of a provisioning folder and the base stations'
 * names (provdir.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "provdir.h"
#include "util.h"

#define GLOB_CHARS	"*?[\\"

int
provdir_pattern_ok(const char *pattern, char *err, size_t errlen)
{
	size_t n = strlen(pattern);

	if (n == 0 || n > PROVDIR_NAME_MAX)
		return errorf(err, errlen, "pattern: 1-%d characters expected",
		    PROVDIR_NAME_MAX);
	if (strchr(pattern, '/') != NULL)
		return errorf(err, errlen, "pattern \"%s\": a file name pattern "
		    "(no '/') expected", pattern);
	return 0;
}

/* The literal extension at the end of the pattern (".cfg"), or "". */
const char *
provdir_extension(const char *pattern)
{
	const char *dot = strrchr(pattern, '.');

	if (dot == NULL || dot == pattern || dot[1] == '\0' ||
	    strpbrk(dot, GLOB_CHARS) != NULL)
		return "";
	return dot;
}

/*
 * Does file match pattern?  "*" and a literal (the usual "*.cfg") is
 * decided by its end, without fnmatch(): a folder of 100,000 files is
 * listed at every rescan.
 */
static int
matches(const char *pattern, const char *file, size_t n)
{
	size_t lit;

	if (pattern[0] == '*' && strpbrk(pattern + 1, GLOB_CHARS) == NULL) {
		lit = strlen(pattern + 1);
		return file[0] != '.' && n >= lit &&
		    memcmp(file + n - lit, pattern + 1, lit) == 0;
	}
	return fnmatch(pattern, file, FNM_PERIOD) == 0;
}

int
provdir_name(const char *pattern, const char *file, char *name,
    size_t namelen)
{
	const char *ext = provdir_extension(pattern);
	size_t n = strlen(file), e = strlen(ext);

	if (!matches(pattern, file, n))
		return -1;
	if (e > 0 && n > e && strcmp(file + n - e, ext) == 0)
		n -= e;
	if (n == 0 || n >= namelen)
		return -1;
	memcpy(name, file, n);
	name[n] = '\0';
	return 0;
}

int
provdir_list(const char *dir, const char *pattern, provdir_fn *fn, void *arg,
    char *err, size_t errlen)
{
	char name[PROVDIR_NAME_MAX + 1];
	struct dirent *de;
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL)
		return errorf(err, errlen, "%s: %s", dir, strerror(errno));
	errno = 0;
	while (rc == 0 && (de = readdir(dp)) != NULL) {
		if (provdir_name(pattern, de->d_name, name, sizeof(name)) == 0)
			rc = fn(de->d_name, name, arg);
		errno = 0;
	}
	if (rc == 0 && errno != 0)
		rc = errorf(err, errlen, "%s: %s", dir, strerror(errno));
	else if (rc != 0)
		(void)errorf(err, errlen, "%s: stopped", dir);
	closedir(dp);
	return rc;
}
