/*
 * report.h -- what a run keeps for reports beyond its pairs: the binned match
 * weights of every candidate and the candidates nearest the threshold
 * (api_report.c). Internal: the public views are in watchlink.h.
 */
#ifndef WL_PIPELINE_REPORT_H
#define WL_PIPELINE_REPORT_H

#include "score/model.h"

typedef struct wl_run_report {
    wl_weight_hist hist;
    wl_match border[WL_BORDERLINE];
    size_t n_border;
} wl_run_report;

/**
 * Bins the n candidate weights w and picks the WL_BORDERLINE candidates nearest
 * the threshold weight tw (ties by record rank), scoring them in full with m.
 * @return a report (free with wl_report_free), or NULL when out of memory.
 */
wl_run_report *wl_report_collect(const wl_model *m, const float *w, size_t n, double tw,
                                 const wl_pairidx *p, const wl_cmpvec *vec, const uint32_t *rank);

void wl_report_free(wl_run_report *rr);

#endif
