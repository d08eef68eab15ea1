/* fuzz_reader_csv_diff.c -- the tokenizer (read/reader_csv.c, on the scans of
 * read/reader_scan.h) against its previous version (unit/reader_csv_ref.h),
 * row by row on hostile bytes: any difference in a row's fields, raw bytes,
 * line, offset or verdict aborts. The first byte picks the delimiter (sniffed,
 * or one of those the API allows, a space and a CR included) and the second,
 * now and then, a small field limit, so every path of both is reached. */
#include <stdlib.h>

#include "fuzz.h"
#include "unit/reader_csv_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[] = {0, ',', '\t', ';', '|', ' ', '\r', '"'};
    char d = size ? delims[data[0] % sizeof delims] : 0;
    size_t max_field = size > 1 && data[1] % 4 == 0 ? 1 + data[1] / 4 % 8 : 0;
    if (size > 2) {
        data += 2;
        size -= 2;
    }
    if (csv_diff(data, size, d, max_field) != 0) abort();
    /* and whole, the two first bytes included, with the delimiter sniffed */
    if (csv_diff(data, size, 0, 0) != 0) abort();
    return 0;
}
