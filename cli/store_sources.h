/*
 * store_sources.h -- a night's lists named as the store named them.
 */
#ifndef WL_STORE_SOURCES_H
#define WL_STORE_SOURCES_H

#include "store.h"

/**
 * The source names of o's lists for an update of store s: cli_source_names,
 * except that a list without --source whose name the store does not hold, but
 * which it holds under a qualified name of that list (cli_source_qualified),
 * takes that name, with a note. @return 0, or -1 after the error.
 */
int store_source_names(const store *s, const cli_opts *o, char (*names)[128]);

#endif
