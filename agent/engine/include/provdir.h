/*
 * provdir.h - a folder of m3 provisioning files, one per base station
 * (the provisioning server's document root): which files count and what
 * each base station is called.  Reading a file is target.h's
 * target_set_provisioning().
 */
#ifndef UPDPROBE_PROVDIR_H
#define UPDPROBE_PROVDIR_H

#include <stddef.h>

/* The default pattern of the files (updprobed.conf(5), updprobe(1)). */
#define PROVDIR_DEFAULT_PATTERN	"*.cfg"
/* The longest pattern and file name. */
#define PROVDIR_NAME_MAX	255

/* A pattern: a shell glob (fnmatch) of file names, no '/'. */
int	provdir_pattern_ok(const char *pattern, char *err, size_t errlen);
/*
 * If file matches pattern (a leading '.' only when the pattern says so),
 * the base station's name: file without the pattern's extension (the
 * literal ".cfg" of "*.cfg"; a pattern without one strips nothing).
 * Returns 0 with the name in name, -1 when the file does not match or
 * the name would be empty.  The name may still not be a valid target
 * name: target_set_name() says.
 */
int	provdir_name(const char *pattern, const char *file, char *name,
	    size_t namelen);
/* The extension provdir_name() strips ("" if none): a base station's
 * file is its name and this. */
const char *provdir_extension(const char *pattern);

/*
 * Call fn for each file of dir whose name matches pattern, in no order;
 * fn returns 0 to go on, -1 to stop.  Returns 0, or -1 with one line in
 * err when the folder cannot be read (or fn stopped).
 */
typedef int	provdir_fn(const char *file, const char *name, void *arg);
int	provdir_list(const char *dir, const char *pattern, provdir_fn *fn,
	    void *arg, char *err, size_t errlen);

#endif
