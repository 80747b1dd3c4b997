/*
 * dirfile.h - the DirFile model (dirlist.txt) of DESIGN.md section 3.
 *
 * The real syntax of the m3's DirFile is not published; this module parses
 * the documented model and is the only place that knows it, so a captured
 * real file can replace the model without touching the engine.
 */
#ifndef UPDPROBE_DIRFILE_H
#define UPDPROBE_DIRFILE_H

#include <stddef.h>
#include <stdint.h>

/* The probe never reads more than this of a DirFile; larger is code 10. */
#define DIRFILE_MAX_BODY	(1024 * 1024)
/* The m3 reads lines into a fixed buffer; longer lines are a syntax error. */
#define DIRFILE_MAX_LINE	255
/* Bound on sections, so a hostile file cannot make the parser allocate
 * without limit (a real folder holds a handful of versions). */
#define DIRFILE_MAX_SECTIONS	1024
/* File names and free text are copied into fixed fields of this size. */
#define DIRFILE_MAX_FIELD	(DIRFILE_MAX_LINE + 1)

enum dirfile_status {
	DIRFILE_OK = 0,
	DIRFILE_UNKNOWN_FORMAT,	/* not a DirFile at all: device code 10 */
	DIRFILE_SYNTAX		/* a DirFile that breaks the grammar: code 9 */
};

struct dirfile_version {
	char		version[5];	/* 4 digits, NUL-terminated */
	char		display_name[DIRFILE_MAX_FIELD];
	char		languages[DIRFILE_MAX_FIELD];	/* "de01,en01", may be "" */
	char		gw_file[DIRFILE_MAX_FIELD];
	char		pp_file[DIRFILE_MAX_FIELD];
	uint64_t	gw_size;	/* GwCodeSize, valid if has_gw_size */
	uint64_t	pp_size;	/* PpCodeSize, valid if has_pp_size */
	int		has_gw_size;
	int		has_pp_size;
};

struct dirfile {
	size_t			 nversions;
	struct dirfile_version	*versions;	/* owned; in file order */
};

/*
 * Parse len bytes of buf (not NUL-terminated; may contain NUL bytes).
 * On DIRFILE_OK, *out holds the versions and must be released with
 * dirfile_free().  On failure *out is empty and err (if not NULL) holds one
 * line of explanation such as "line 7: section name [079] is not 4 digits".
 */
enum dirfile_status dirfile_parse(const char *buf, size_t len,
    struct dirfile *out, char *err, size_t errlen);
void	dirfile_free(struct dirfile *);

/* The section for a 4-digit version, or NULL. */
const struct dirfile_version *dirfile_find(const struct dirfile *,
    const char *version);
/* The highest version number in the list, or NULL if empty. */
const struct dirfile_version *dirfile_newest(const struct dirfile *);
/* 1 if lang is in the comma-separated Languages list of v. */
int	dirfile_has_language(const struct dirfile_version *v, const char *lang);

/*
 * Why a name cannot be a file of the folder (NULL if it can): empty,
 * ".", a '/' or '\\', "..", or a control byte.  Everything else is the
 * name of exactly one file; the probe encodes it into the URL.  The
 * DirFile's file names (else code 9) and --dirfile-name (else a usage
 * error) follow this one rule.
 */
const char *dirfile_file_name_problem(const char *name, size_t len);

#endif
