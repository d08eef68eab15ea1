/* fuzz_mrz.c -- wl_mrz_parse on any bytes: no crash, a reason whenever it
 * refuses, fields NUL-terminated, sex M/F/unknown. */
#include <stdlib.h>
#include <string.h>

#include "normalise/doc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_mrz m;
    char why[96];
    int r = wl_mrz_parse((const char *)data, size, &m, why, sizeof why);
    if (r != 0 && r != 1) abort();
    if (r == 0 && why[0] == '\0') abort();
    if (r == 1 && m.format != 1 && m.format != 2 && m.format != 3) abort();
    if (m.checks_ok && why[0] != '\0') abort();
    if (strlen(m.family) >= sizeof m.family || strlen(m.given) >= sizeof m.given) abort();
    if (strlen(m.doc_number) >= sizeof m.doc_number || strlen(m.dob) > 6) abort();
    if (m.sex != 0 && m.sex != 'M' && m.sex != 'F') abort();
    char tiny[4];
    wl_mrz_parse((const char *)data, size, &m, tiny, sizeof tiny); /* short reason buffer */
    return 0;
}
