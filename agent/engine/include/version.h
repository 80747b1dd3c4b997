/*
 * version.h - the program version, set in one place: the VERSION file
 * (and the git commit, when built from a checkout), written into the
 * generated version.c by the Makefile.
 */
#ifndef UPDPROBE_VERSION_H
#define UPDPROBE_VERSION_H

extern const char updprobe_version[];

#endif
