/* util.h - small helpers shared by every part. */
#ifndef UPDPROBE_UTIL_H
#define UPDPROBE_UTIL_H

#include <stddef.h>

#define __printflike_(a, b)	__attribute__((format(printf, a, b)))

#ifndef HAVE_STRLCPY
size_t	strlcpy(char *, const char *, size_t);
#endif
/* Write a formatted message into err (if any) and return -1. */
int	errorf(char *err, size_t errlen, const char *fmt, ...) __printflike_(3, 4);

#endif
