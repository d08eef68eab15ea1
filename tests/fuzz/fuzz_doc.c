/* fuzz_doc.c -- wl_doc_normalize and wl_icao_check_digit on any bytes: no crash,
 * keys NUL-terminated within their arrays, OCR key as long as the core. */
#include <stdlib.h>
#include <string.h>

#include "normalise/doc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_doc d;
    int r = wl_doc_normalize((const char *)data, size, &d);
    if (r != 0 && r != 1) abort();
    if (d.core_len >= WL_DOC_MAX || d.core[d.core_len] != '\0') abort();
    if (d.ocr_len != d.core_len || strlen(d.ocr) != d.ocr_len) abort();
    if (d.check < -1 || d.check > 1) abort();
    if (d.country[0] && strlen(d.country) != 3) abort();
    for (size_t i = 0; i < d.core_len; i++) {
        char c = d.core[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) abort();
    }
    int cd = wl_icao_check_digit((const char *)data, size);
    if (cd < -1 || cd > 9) abort();
    return 0;
}
