/*
 * file_replace.h -- a file the engine writes (a model) is either the whole new
 * file or the old one, never half of either. The functions are public
 * (engine/include/watchlink.h): the command line writes its outputs with them.
 */
#ifndef WL_FILE_REPLACE_H
#define WL_FILE_REPLACE_H

#include "watchlink.h"

#endif /* WL_FILE_REPLACE_H */
