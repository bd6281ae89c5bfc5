/*
 * Reading XML that may be hostile, and validating it against an XSD.
 *
 * Every XML input mcg reads (rules files, statements to verify) comes
 * through here.  The parser never loads a DTD, never substitutes entities,
 * never touches the network, and refuses outright any document that has a
 * DOCTYPE (and so any entity declaration).  Size and nesting depth are
 * bounded.  Errors carry the line and column libxml2 reports.
 */
#ifndef MCG_XMLSAFE_H
#define MCG_XMLSAFE_H

#include <stddef.h>

#include <libxml/tree.h>

#include "error.h"

/* Largest XML input accepted: 16 MiB. */
#define MCG_XML_BYTES_MAX ((size_t)16 * 1024 * 1024)
/* Deepest element nesting accepted. */
#define MCG_XML_DEPTH_MAX 64

/*
 * Parses XML held in memory.  `name` names the input in errors (a file
 * path).  On success *out is a document the caller frees with xmlFreeDoc.
 * Returns MCG_EINPUT for malformed, oversized, too deep or DTD-bearing
 * input, and for input read as UTF-8 (a UTF-8 byte order mark, a
 * declaration of UTF-8, or none of another encoding) that is not UTF-8 or
 * holds a character XML does not allow (a NUL byte, a control character),
 * or whose byte order mark contradicts its declared encoding: each named
 * in mcg's words as "name:LINE:COL: not valid UTF-8 (byte 0xE9)...".
 */
int mcg_xml_parse_memory(const char *data, size_t len, const char *name,
			 xmlDocPtr *out, mcg_error *err);

/*
 * Reads the file at path (at most max_bytes; 0 means MCG_XML_BYTES_MAX)
 * and parses it as mcg_xml_parse_memory does.  A file that cannot be read
 * is MCG_EINPUT too, since its name came from the user.
 */
int mcg_xml_parse_file(const char *path, size_t max_bytes, xmlDocPtr *out,
		       mcg_error *err);

/*
 * Validates doc against the XSD held in memory (xsd, xsd_len).  The first
 * validation error is reported as "name:LINE:COL: message".  Returns
 * MCG_EINPUT when the document is not valid, MCG_ESYS when the schema
 * itself cannot be compiled (a bug).
 */
int mcg_xml_validate(xmlDocPtr doc, const char *xsd, size_t xsd_len,
		     const char *name, mcg_error *err);

/*
 * Reads a whole file into memory, refusing more than max_bytes.  *out is
 * NUL-terminated and freed by the caller with free().  Returns MCG_EINPUT
 * when the file is missing, unreadable or too large.
 */
int mcg_read_file(const char *path, size_t max_bytes, char **out,
		  size_t *out_len, mcg_error *err);

#endif
