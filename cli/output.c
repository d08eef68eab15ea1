/* output.c -- pairs, clusters, summary and progress, as the data contract of docs/design.md says. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"

/* The names of a pair that met (--explain), as normalised; a name of up to
 * WL_NAME_MAX_PARTS parts fits. */
typedef struct {
    char left[1024], right[1024];
} names_met;

static void find_names(const wl_result *r, const wl_match *m, names_met *nm)
{
    wl_pair_names_met(wl_result_features(r), m->left, m->right, nm->left, nm->right, sizeof nm->left);
}

/* With --explain the prior's weight, where every pair starts, follows the
 * fields: it and the field weights add up to match_weight (to the printed
 * rounding). Then the two names that gave the name level: with aliases and
 * second readings, the level alone does not say which of them met. */
static void pair_csv(FILE *f, const wl_dataset *ds, const wl_result *r, const wl_match *m, int explain,
                     double prior_w)
{
    cli_csv_field(f, wl_dataset_source(ds, m->left));
    fputc(',', f);
    cli_csv_field(f, wl_dataset_id(ds, m->left));
    fputc(',', f);
    cli_csv_field(f, wl_dataset_source(ds, m->right));
    fputc(',', f);
    cli_csv_field(f, wl_dataset_id(ds, m->right));
    fprintf(f, ",%.6f,%.3f", m->probability, m->weight);
    if (explain)
        for (int k = 0; k < WL_FIELD_COUNT; k++)
            fprintf(f, ",%s:%.2f", wl_level_name((wl_field)k, m->level[k]), m->field_weight[k]);
    if (explain) {
        names_met nm;
        find_names(r, m, &nm);
        fprintf(f, ",%.2f,", prior_w);
        cli_csv_field(f, nm.left);
        fputc(',', f);
        cli_csv_field(f, nm.right);
    }
    fputc('\n', f);
}

static void pair_json(FILE *f, const wl_dataset *ds, const wl_result *r, const wl_match *m, int explain,
                      double prior_w)
{
    fputs("{\"left_source\":", f);
    cli_json_string(f, wl_dataset_source(ds, m->left));
    fputs(",\"left_id\":", f);
    cli_json_string(f, wl_dataset_id(ds, m->left));
    fputs(",\"right_source\":", f);
    cli_json_string(f, wl_dataset_source(ds, m->right));
    fputs(",\"right_id\":", f);
    cli_json_string(f, wl_dataset_id(ds, m->right));
    fprintf(f, ",\"probability\":%.6f,\"match_weight\":%.3f", m->probability, m->weight);
    if (explain) {
        names_met nm;
        find_names(r, m, &nm);
        fputs(",\"explain\":{", f);
        for (int k = 0; k < WL_FIELD_COUNT; k++) {
            fprintf(f, "%s\"%s\":{\"level\":\"%s\",\"weight\":%.2f", k ? "," : "",
                    wl_field_name((wl_field)k), wl_level_name((wl_field)k, m->level[k]),
                    m->field_weight[k]);
            if (k == WL_FIELD_NAME) {
                fputs(",\"left\":", f);
                cli_json_string(f, nm.left);
                fputs(",\"right\":", f);
                cli_json_string(f, nm.right);
            }
            fputc('}', f);
        }
        fprintf(f, ",\"prior\":{\"weight\":%.2f}}", prior_w);
    }
    fputs("}\n", f);
}

void out_pairs(FILE *f, const wl_dataset *ds, const wl_result *r, int explain, int jsonl)
{
    size_t n = wl_result_pair_count(r);
    if (!jsonl) {
        fputs("left_source,left_id,right_source,right_id,probability,match_weight", f);
        if (explain)
            for (int k = 0; k < WL_FIELD_COUNT; k++) fprintf(f, ",%s", wl_field_name((wl_field)k));
        if (explain) fputs(",prior,left_name,right_name", f);
        fputc('\n', f);
    }
    double prior_w = wl_model_get_info(wl_result_model(r)).prior_weight;
    for (size_t k = 0; k < n; k++) {
        if (jsonl) pair_json(f, ds, r, wl_result_pair(r, k), explain, prior_w);
        else pair_csv(f, ds, r, wl_result_pair(r, k), explain, prior_w);
    }
}

/* Records in output order (source, id); clusters are numbered 1.. in order of
 * their first member, so ids do not depend on input order or thread count. */
int out_clusters(FILE *f, const wl_dataset *ds, const wl_result *r, int jsonl)
{
    size_t n = wl_dataset_size(ds);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t *number = calloc(n ? n : 1, sizeof *number);
    if (!order || !number) {
        free(order);
        free(number);
        cli_error("out of memory writing clusters");
        return -1;
    }
    for (size_t i = 0; i < n; i++) order[i] = wl_result_record(r, i);
    size_t next = 0;
    if (!jsonl) fputs("cluster_id,source,id\n", f);
    for (size_t i = 0; i < n; i++) {
        size_t rep = wl_result_cluster(r, order[i]);
        if (!number[rep]) number[rep] = ++next;
    }
    for (size_t i = 0; i < n; i++) {
        size_t rec = order[i];
        size_t id = number[wl_result_cluster(r, rec)];
        if (jsonl) {
            fprintf(f, "{\"cluster_id\":%zu,\"source\":", id);
            cli_json_string(f, wl_dataset_source(ds, rec));
            fputs(",\"id\":", f);
            cli_json_string(f, wl_dataset_id(ds, rec));
            fputs("}\n", f);
        } else {
            fprintf(f, "%zu,", id);
            cli_csv_field(f, wl_dataset_source(ds, rec));
            fputc(',', f);
            cli_csv_field(f, wl_dataset_id(ds, rec));
            fputc('\n', f);
        }
    }
    free(order);
    free(number);
    return 0;
}

/* "s" unless n is 1: "1 source", "2 sources". */
static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

void out_summary(const wl_stats *s, size_t rejected)
{
    static const char *const stage[] = { "normalise", "block", "compare", "fit", "score", "cluster" };
    fprintf(stderr,
            "summary: %zu record%s from %zu source%s (%zu row%s rejected), %zu candidate pair%s, "
            "%zu pair%s at or above the threshold, %zu cluster%s (largest %zu)\n",
            s->records, plural(s->records), s->sources, plural(s->sources), rejected, plural(rejected),
            s->candidates, plural(s->candidates), s->pairs, plural(s->pairs), s->clusters,
            plural(s->clusters), s->largest_cluster);
    if (s->skipped_blocks)
        fprintf(stderr, "warning: %zu block%s too large even after splitting; "
                        "%zu candidate pair%s not compared\n",
                s->skipped_blocks, s->skipped_blocks == 1 ? " was" : "s were", s->skipped_pairs,
                s->skipped_pairs == 1 ? " was" : "s were");
    if (s->outranked)
        fprintf(stderr, "note: %zu pair%s below 0.9 not reported: both records have a better partner "
                        "in the other's list (--keep-outranked reports them)\n",
                s->outranked, plural(s->outranked));
    if (s->flagged_clusters)
        fprintf(stderr, "warning: %zu clusters are above the size limit (usually a bad key, "
                        "not one person): review them\n", s->flagged_clusters);
    if (s->translit_failures)
        fprintf(stderr, "warning: ICU could not give %zu transliterator%s (%s): names in %s script%s "
                        "got no Latin reading, so their pairs with Latin spellings may be missed\n",
                s->translit_failures, plural(s->translit_failures), s->translit_failed,
                s->translit_failures == 1 ? "that" : "those", plural(s->translit_failures));
    fprintf(stderr, "model: prior match probability of a record pair %.3g, %d EM iteration%s\n",
            s->em_prior, s->em_iterations, s->em_iterations == 1 ? "" : "s");
    if (s->fit_fallback & WL_FIT_NAME_M)
        fprintf(stderr, "note: no date of birth or document to learn how names of one person "
                        "agree: the name uses default m values (train with --labels to fit them)\n");
    if (s->fit_fallback & WL_FIT_PRIOR)
        fprintf(stderr, "note: the lists give too little evidence to estimate the match rate: "
                        "the prior is taken from the pairs with strong evidence\n");
    fprintf(stderr, "time:");
    for (int i = 0; i < 6; i++) fprintf(stderr, " %s %.2fs", stage[i], s->seconds[i]);
    fprintf(stderr, ", total %.2fs on %d threads\n", s->seconds[6], s->threads);
}

/* ---- progress ----
 * Every long stage shows: read (the CLI's own, list by list), then normalise,
 * block, compare, fit, score and cluster as the engine enters them. The engine
 * reports a stage when it starts and compare as it goes, so a ticker thread
 * redraws the current stage with its elapsed time five times a second: a
 * normalise of 30 s shows its clock instead of a frozen line. Runs shorter
 * than a second draw nothing. With --progress and stderr not a terminal (a
 * batch job's log) each stage is one line as it starts, and a stage that counts
 * (compare) one more every 10 %. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    int mode;               /* 0 off, 1 bar on a terminal, 2 log lines */
    int started, stop, drawn;
    const char *stage;
    size_t done, total;
    int last_tenth;         /* log mode: the last 10 % step printed for compare */
    double start, stage_start;
} g_prog = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Draws the current stage (lock held). */
static void draw(double t)
{
    if (!g_prog.stage || t - g_prog.start < 1.0) return;
    int width = 30;
    if (g_prog.total > 1) {
        int fill = (int)((double)g_prog.done / (double)g_prog.total * width);
        if (fill > width) fill = width;
        fprintf(stderr, "\r%-10s [%.*s%*s] %zu/%zu %5.1fs\033[K", g_prog.stage, fill,
                "##############################", width - fill, "", g_prog.done, g_prog.total,
                t - g_prog.stage_start);
    } else {
        fprintf(stderr, "\r%-10s %5.1fs\033[K", g_prog.stage, t - g_prog.stage_start);
    }
    fflush(stderr);
    g_prog.drawn = 1;
}

static void *ticker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g_prog.mu);
    while (!g_prog.stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&g_prog.cv, &g_prog.mu, &ts);
        if (!g_prog.stop) draw(now());
    }
    pthread_mutex_unlock(&g_prog.mu);
    return NULL;
}

void out_progress_mode(int mode)
{
    g_prog.mode = mode;
}

void out_progress(void *user, const char *stage, size_t done, size_t total)
{
    (void)user;
    if (!g_prog.mode) g_prog.mode = 1; /* a caller that passes the callback wants it */
    pthread_mutex_lock(&g_prog.mu);
    double t = now();
    static int at_exit;
    if (!at_exit) at_exit = atexit(out_progress_end) == 0; /* a command that never ends it */
    if (!g_prog.started) {
        g_prog.started = 1;
        g_prog.start = t;
        if (g_prog.mode == 1 && pthread_create(&g_prog.th, NULL, ticker, NULL) != 0) g_prog.mode = 0;
    }
    int changed = !g_prog.stage || strcmp(g_prog.stage, stage);
    if (changed) {
        g_prog.stage = stage;
        g_prog.stage_start = t;
        g_prog.last_tenth = 0;
        if (g_prog.mode == 2) fprintf(stderr, "progress: %6.1fs %s\n", t - g_prog.start, stage);
    }
    g_prog.done = done;
    g_prog.total = total;
    if (g_prog.mode == 2 && total > 100 && (int)(10 * done / total) > g_prog.last_tenth) {
        g_prog.last_tenth = (int)(10 * done / total);
        fprintf(stderr, "progress: %6.1fs %s %d%%\n", t - g_prog.start, stage, 10 * g_prog.last_tenth);
    }
    pthread_mutex_unlock(&g_prog.mu);
}

void out_progress_clear(void)
{
    if (!g_prog.started) return;
    pthread_mutex_lock(&g_prog.mu);
    if (g_prog.drawn) fputs("\r\033[K", stderr);
    g_prog.drawn = 0;
    pthread_mutex_unlock(&g_prog.mu);
}

void out_progress_end(void)
{
    if (!g_prog.started) return;
    pthread_mutex_lock(&g_prog.mu);
    int join = g_prog.started && g_prog.mode == 1;
    g_prog.stop = 1;
    pthread_cond_signal(&g_prog.cv);
    pthread_mutex_unlock(&g_prog.mu);
    if (join) pthread_join(g_prog.th, NULL);
    if (g_prog.drawn) fputs("\r\033[K", stderr);
    g_prog.started = g_prog.stop = g_prog.drawn = 0;
    g_prog.stage = NULL;
    g_prog.done = g_prog.total = 0;
}
