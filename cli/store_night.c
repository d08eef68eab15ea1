/* store_night.c -- the night's features on a thread of their own (store_night.h). */
#include <string.h>

#include "store_night.h"

static void *night_run(void *arg)
{
    night_job *j = arg;
    j->f = wl_features_build(j->ds, 1); /* one thread: the caller's keeps the other core busy */
    return NULL;
}

void night_start(night_job *j, const wl_dataset *ds, int threads)
{
    memset(j, 0, sizeof *j);
    j->ds = ds;
    j->n = wl_dataset_size(ds);
    if (threads == 1 || j->n == 0) return;
    j->started = pthread_create(&j->th, NULL, night_run, j) == 0;
}

void night_join(night_job *j)
{
    if (j->started && !j->joined) pthread_join(j->th, NULL);
    j->joined = 1;
}

const wl_features *night_features(night_job *j, const wl_dataset *ds)
{
    night_join(j);
    return j->f && wl_dataset_size(ds) == j->n ? j->f : NULL;
}

void night_free(night_job *j)
{
    night_join(j);
    wl_features_free(j->f);
    j->f = NULL;
}
