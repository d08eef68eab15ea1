/* fuzz_date.c -- wl_date_parse never crashes, hangs or reads past n, and every
 * reading it returns is a real calendar value. */
#include <assert.h>
#include <stdlib.h>

#include "normalise/date.h"
#include "fuzz.h"

static void check(const wl_date *d)
{
    if (d->month > 12 || d->day > 31 || d->year_hi < d->year) abort();
    if (d->prec < WL_PREC_YEAR || d->prec > WL_PREC_DAY) abort();
    if (d->prec == WL_PREC_DAY && (d->month == 0 || d->day == 0)) abort();
    if (d->prec == WL_PREC_YEAR && (d->month || d->day)) abort();
    if ((d->flags & WL_DATE_RANGE) && d->year_hi == d->year) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_date d[2];
    int n = wl_date_parse((const char *)data, size, d, 2);
    if (n < 0 || n > 2) abort();
    for (int i = 0; i < n; i++) check(&d[i]);
    if (n == 2 && !(d[0].flags & d[1].flags & WL_DATE_AMBIGUOUS)) abort();
    wl_date one;
    if (wl_date_parse((const char *)data, size, &one, 1) != (n ? 1 : 0)) abort();
    return 0;
}
