/*
 * reader_jsonl.h -- stage 1, read: JSON Lines lists (one JSON object per line,
 * https://jsonlines.org), turned into CSV for the CSV reader. Internal: not API.
 */
#ifndef WL_READER_JSONL_H
#define WL_READER_JSONL_H

#include "read/reader.h"

/** @return 1 when path names a JSON Lines list: *.jsonl, *.ndjson, optionally .gz. */
int wl_jsonl_path(const char *path);

/**
 * Converts the JSON Lines text data[0..len) to CSV in *out (malloc'd, *out_len
 * bytes): a header of the first object's keys, then JSON line k as CSV line
 * k + 1 (a blank line for a blank or rejected one, so lines stay in step).
 * Strings are taken as they are, numbers and true/false as written, null as
 * empty, an array of those as its values joined by ';' (a multi-valued cell).
 * A line that is not an object, holds a nested object, or has a key the first
 * object has not, is rejected through wl_reader_reject (its own line, the JSON
 * bytes) and counted as read.
 * @return WL_OK, WL_FORMAT with "file:line: reason" in err when the first
 *         object cannot be read (there are no columns), or WL_NOMEM.
 */
wl_status wl_jsonl_to_csv(wl_reader *r, const char *data, size_t len, char **out, size_t *out_len, char *err,
                          size_t errcap);

#endif /* WL_READER_JSONL_H */
