/*
 * File paths.  One way to find the folder that holds a path, so that the
 * ledger's journal check, the report writer's folder sync and the check of
 * `-o FILE` agree on every spelling of a path ("a//b", "dir/", "/file").
 */
#ifndef MCG_PATH_H
#define MCG_PATH_H

#include "buf.h"

/*
 * Appends to out the folder holding path, as dirname(3) defines it
 * (POSIX): trailing slashes are dropped first, then the last component
 * and the slashes before it.  "file" and "./file" give ".", "/file" and
 * "/" give "/", "a//b" and "a/b/" give "a", "" gives ".".  Unlike
 * glibc, a path that starts with exactly two slashes ("//file") gives
 * "/", not "//": on Linux they are the same folder.
 *
 * path is not changed and may be of any length (out's limit applies).
 * Returns 0, MCG_ESYS (out of memory) or MCG_EINPUT (out's limit).
 */
int mcg_path_parent(const char *path, mcg_buf *out);

#endif
