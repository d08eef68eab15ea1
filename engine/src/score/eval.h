/*
 * eval.h -- precision, recall and F1 of predicted pairs against truth pairs.
 * Not a pipeline stage: it reads two small CSV files and compares pair keys.
 */
#ifndef WL_EVAL_H
#define WL_EVAL_H

#include "common/common.h"

/** Parses truth and pairs CSV texts held in memory (the fuzz entry point).
 * names are used in messages ("file:line: reason"). */
wl_status wl_eval_parse(const char *truth, size_t truth_len, const char *truth_name,
                        const char *pairs, size_t pairs_len, const char *pairs_name,
                        wl_eval **out, char *err, size_t errcap);

#endif
