/* cmd_review.c -- the person store's analyst side (issue 12): `watchlink review`
 * records decisions and re-forms the persons they touch; `watchlink history`
 * prints one person's audit trail. The rules are in store_decisions.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_ids.h"
#include "store_persons.h"

static const char REVIEW_USAGE[] =
    "Usage: watchlink review STORE DECISIONS [OPTIONS]\n"
    "Records analysts' decisions in the store and re-forms the persons they touch,\n"
    "in one transaction. DECISIONS is a CSV with a header:\n"
    "  left_source,left_id,right_source,right_id,decision[,note]\n"
    "decision is match (the two records are one person) or not_match (they are not).\n"
    "Decisions override the model now and in every later update: a ruled-out pair is\n"
    "never a pair again and its records never one person; a confirmed pair stays one\n"
    "person. A later decision on the same pair replaces the earlier one (both stay in\n"
    "'history'). A bad row (wrong fields, unknown decision, a record not in the store)\n"
    "is rejected with FILE:LINE and the rest applied. Conflicting decisions (A = B,\n"
    "B = C, A != C, with those already stored) are reported and nothing is recorded.\n\n"
    "Options:\n"
    "  --changes FILE       write change,person_id,source,id,previous_person_id\n"
    "  -q, --quiet          no summary\n"
    "Exit status: 0 success, 1 bad input, usage or conflicting decisions, 2 internal error.\n";

static const char HISTORY_USAGE[] =
    "Usage: watchlink history STORE PERSON_ID [-o FILE]\n"
    "Prints the audit trail of one person, oldest first: every record that joined or\n"
    "left it and every decision that touched it, with the run and its UTC time.\n"
    "Output: at,run,command,event,person_id,source,id,other_person_id,other_source,\n"
    "other_id,note. event is new, joined, merged, split, updated or removed for a\n"
    "record (other_person_id: the person it came from or left), or match / not_match\n"
    "for a decision (the other record and its person).\n\n"
    "Options:\n"
    "  -o, --output FILE    write to FILE (atomically) instead of standard output\n"
    "Exit status: 0 success, 1 bad input, usage or no such person, 2 internal error.\n";

/* ---- reading the decisions file ---- */

typedef struct {
    const char *path;
    size_t rejected;
} reject_ctx;

static void on_reject(void *user, long line, const char *reason)
{
    reject_ctx *c = user;
    cli_error("%s:%ld: %s (row rejected)", c->path, line, reason);
    c->rejected++;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return cli_error("%s: cannot open the decisions", path), NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *g = realloc(buf, cap *= 2);
        if (!g) free(buf);
        buf = g;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        cli_error("%s: cannot read the decisions", path);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The pair of a row, then its line: rows of one pair together, in file order. */
static int by_pair(const void *a, const void *b)
{
    const dec_row *x = a, *y = b;
    for (int k = 0; k < DEC_DECISION; k++) {
        int c = strcmp(x->f[k], y->f[k]);
        if (c) return c;
    }
    return (x->line > y->line) - (x->line < y->line);
}

static int pair_cmp(const dec_row *x, const dec_row *y)
{
    for (int k = 0; k < DEC_DECISION; k++) {
        int c = strcmp(x->f[k], y->f[k]);
        if (c) return c;
    }
    return 0;
}

static void row_free(dec_row *d)
{
    for (int k = 0; k < DEC_COLUMNS; k++) free(d->f[k]), d->f[k] = NULL;
}

/* Rows naming a record not in the store are rejected; of one pair decided
 * twice in the file the last row counts, unless they disagree (a conflict).
 * The rows left are sorted by pair. @return how many are left. */
static size_t check_rows(dec_row *d, size_t nd, const stored *t, reject_ctx *rc, const char *path, long *clash)
{
    size_t kept = 0;
    for (size_t j = 0; j < nd; j++) {
        int bad = 0;
        for (int side = 0; side < 2 && !bad; side++) {
            const char *src = d[j].f[side ? DEC_RIGHT_SOURCE : DEC_LEFT_SOURCE];
            const char *id = d[j].f[side ? DEC_RIGHT_ID : DEC_LEFT_ID];
            if (store_key_find(t->keys, t->n, src, id) == SIZE_MAX) {
                char why[256];
                snprintf(why, sizeof why, "no record %.100s,%.100s in the store", src, id);
                on_reject(rc, d[j].line, why);
                bad = 1;
            }
        }
        if (bad) {
            row_free(&d[j]);
            continue;
        }
        if (kept != j) d[kept] = d[j], memset(&d[j], 0, sizeof d[j]);
        kept++;
    }
    if (kept > 1) qsort(d, kept, sizeof *d, by_pair); /* d is NULL for a file of no rows */
    size_t out = 0;
    for (size_t a = 0, b; a < kept; a = b) {
        for (b = a + 1; b < kept && !pair_cmp(&d[a], &d[b]); b++)
            if (d[b].match != d[b - 1].match) {
                cli_error("conflict: %s:%ld and %s:%ld decide %s,%s / %s,%s both ways", path, d[b - 1].line, path,
                          d[b].line, d[b].f[0], d[b].f[1], d[b].f[2], d[b].f[3]);
                ++*clash;
            }
        for (size_t i = a; i + 1 < b; i++) row_free(&d[i]);
        dec_row last = d[b - 1]; /* the later row replaces the earlier */
        if (b - 1 != out) memset(&d[b - 1], 0, sizeof d[b - 1]);
        d[out++] = last;
    }
    return out;
}

/* ---- conflicts with what is stored ---- */

typedef struct {
    const dec_row *all;   /* stored decisions not replaced, then the file's */
    size_t n_stored;
    const char *path;
} conflict_ctx;

static void describe(const conflict_ctx *c, size_t k, char *buf, size_t cap)
{
    const dec_row *d = &c->all[k];
    if (k < c->n_stored)
        snprintf(buf, cap, "%s,%s %s %s,%s (stored)", d->f[0], d->f[1], d->match ? "=" : "!=", d->f[2], d->f[3]);
    else
        snprintf(buf, cap, "%s,%s %s %s,%s (%s:%ld)", d->f[0], d->f[1], d->match ? "=" : "!=", d->f[2], d->f[3],
                 c->path, d->line);
}

static void on_conflict(void *user, size_t not_match, const size_t *chain, size_t len)
{
    const conflict_ctx *c = user;
    char buf[600];
    describe(c, not_match, buf, sizeof buf);
    cli_error("conflict: %s, but:", buf);
    for (size_t i = 0; i < len; i++) {
        describe(c, chain[i], buf, sizeof buf);
        fprintf(stderr, "  %s\n", buf);
    }
}

static int by_name(const void *a, const void *b)
{
    const store_key *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->id, y->id);
}

/* Every decision, stored or new, over the records they name (whether still
 * stored or not). @return the number of conflicts, or -1. */
static long find_conflicts(const conflict_ctx *c, size_t n_all)
{
    store_key *names = malloc((2 * n_all + 1) * sizeof *names);
    dec_link *links = malloc((n_all + 1) * sizeof *links);
    long found = -1;
    if (!names || !links) goto done;
    for (size_t j = 0; j < n_all; j++) {
        names[2 * j] = (store_key){ c->all[j].f[0], c->all[j].f[1], 0 };
        names[2 * j + 1] = (store_key){ c->all[j].f[2], c->all[j].f[3], 0 };
    }
    qsort(names, 2 * n_all, sizeof *names, by_name);
    size_t u = 0;
    for (size_t j = 0; j < 2 * n_all; j++)
        if (!u || by_name(&names[u - 1], &names[j])) names[u] = names[j], names[u].pos = u, u++;
    for (size_t j = 0; j < n_all; j++)
        links[j] = (dec_link){ (uint32_t)store_key_find(names, u, c->all[j].f[0], c->all[j].f[1]),
                               (uint32_t)store_key_find(names, u, c->all[j].f[2], c->all[j].f[3]),
                               c->all[j].match };
    found = dec_conflicts(u, links, n_all, on_conflict, (void *)(uintptr_t)c);
done:
    if (found < 0) cli_error("out of memory");
    free(names);
    free(links);
    return found;
}

static int by_pair_only(const void *a, const void *b) { return pair_cmp(a, b); }

/* ---- writing ---- */

static int save_decisions(store *s, const dec_row *d, size_t nd, int64_t run, store_events *ev, const stored *t,
                          const int64_t *person)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO decisions(left_source, left_id, right_source, right_id,"
                           " decision, note, run_id, line) VALUES(?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), -1;
    int rc = 0;
    for (size_t j = 0; rc == 0 && j < nd; j++) {
        for (int k = 0; k < DEC_COLUMNS; k++) sqlite3_bind_text(st, k + 1, d[j].f[k], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, run);
        sqlite3_bind_int64(st, 8, d[j].line);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
        if (rc) cli_error("%s: writing decisions: %s", s->path, sqlite3_errmsg(s->db));
        size_t a = store_key_find(t->keys, t->n, d[j].f[0], d[j].f[1]);
        size_t b = store_key_find(t->keys, t->n, d[j].f[2], d[j].f[3]);
        if (rc == 0)
            rc = store_event(ev, d[j].f[DEC_DECISION], person[a], d[j].f[0], d[j].f[1], person[b], d[j].f[2],
                             d[j].f[3], d[j].f[DEC_NOTE]);
    }
    sqlite3_finalize(st);
    return rc;
}

static void write_changes(FILE *f, const stored *t, const sid_change *c, size_t nc)
{
    fputs("change,person_id,source,id,previous_person_id\n", f);
    for (size_t k = 0; k < nc; k++) {
        fprintf(f, "%s,%" PRId64 ",", sid_kind_name(c[k].kind), c[k].person);
        cli_csv_field(f, t->source[c[k].rec]);
        fputc(',', f);
        cli_csv_field(f, t->id[c[k].rec]);
        fprintf(f, ",%" PRId64 "\n", c[k].previous);
    }
}

/* ---- review ---- */

typedef struct {
    const char *store_path, *path, *changes;
    int quiet;
} review_args;

/* Everything a review holds, freed at once. */
typedef struct {
    stored t;
    dec_row *file, *old, *all;
    size_t n_file, n_old, n_all;
    dec_link *links;
    size_t n_links, *label, n_clusters;
    unsigned char *kept;
    int64_t *person;
    sid_change *ch;
    size_t nc;
    char *data;
} review_state;

static void review_free(review_state *r)
{
    stored_free(&r->t);
    dec_rows_free(r->file, r->n_file);
    dec_rows_free(r->old, r->n_old);
    free(r->all); /* borrows the rows' strings */
    free(r->links);
    free(r->label);
    free(r->kept);
    free(r->person);
    free(r->ch);
    free(r->data);
}

/* The stored decisions a row of the file does not replace, then the file's. */
static int merge_decisions(review_state *r)
{
    r->all = malloc((r->n_old + r->n_file + 1) * sizeof *r->all);
    if (!r->all) return cli_error("out of memory"), -1;
    size_t k = 0;
    for (size_t j = 0; j < r->n_old; j++) /* the file's rows are sorted by pair (check_rows) */
        if (!bsearch(&r->old[j], r->file, r->n_file, sizeof *r->file, by_pair_only)) r->all[k++] = r->old[j];
    size_t n_stored = k;
    for (size_t i = 0; i < r->n_file; i++) r->all[k++] = r->file[i];
    r->n_all = k;
    return (int)n_stored;
}

/* Persons under every decision, from the stored pairs, with the stable-id rule. */
static int recluster(review_state *r, int64_t next_id, int64_t *next_out)
{
    size_t n = r->t.n, m = n ? n : 1;
    r->label = malloc(m * sizeof *r->label);
    r->kept = malloc(r->t.np ? r->t.np : 1);
    r->person = malloc(m * sizeof *r->person);
    r->ch = malloc(m * sizeof *r->ch);
    if (!r->label || !r->kept || !r->person || !r->ch) return cli_error("out of memory"), -1;
    if (!(r->links = store_decision_links(r->t.keys, n, r->all, r->n_all, &r->n_links))) return -1;
    r->n_clusters = dec_cluster(n, r->t.pairs, r->t.np, r->links, r->n_links, r->label, r->kept);
    if (r->n_clusters == SIZE_MAX) return cli_error("out of memory"), -1;
    sid_input in = { n, r->t.person, r->t.rid, r->label, NULL, r->n_clusters, next_id };
    *next_out = sid_assign(&in, r->person, r->ch, &r->nc);
    return *next_out < 0 ? (cli_error("out of memory"), -1) : 0;
}

static int review_events(store *s, review_state *r, size_t n_rejected, int64_t *run_out)
{
    char detail[128];
    snprintf(detail, sizeof detail, "%zu decisions, %zu rejected, %zu person changes", r->n_file, n_rejected,
             r->nc);
    int64_t run = store_add_run(s, "review", detail);
    store_events ev;
    if (run < 0 || store_events_begin(s, run, &ev) != 0) return -1;
    int rc = save_decisions(s, r->file, r->n_file, run, &ev, &r->t, r->person);
    for (size_t k = 0; rc == 0 && k < r->nc; k++)
        rc = store_event(&ev, sid_kind_name(r->ch[k].kind), r->ch[k].person, r->t.source[r->ch[k].rec],
                         r->t.id[r->ch[k].rec], r->ch[k].previous, NULL, NULL, NULL);
    store_events_end(&ev);
    *run_out = run;
    return rc;
}

static int review_run(const review_args *a, store *s, review_state *r)
{
    size_t len = 0;
    char err[512] = "";
    long clash = 0;
    reject_ctx rej = { a->path, 0 };
    if (!(r->data = slurp(a->path, &len))) return EXIT_INPUT;
    if (dec_parse(r->data, len, a->path, &r->file, &r->n_file, on_reject, &rej, err, sizeof err) != 0)
        return cli_error("%s", err), EXIT_INPUT;
    if (store_begin(s) != 0) return EXIT_INTERNAL;
    if (stored_load_records(s, &r->t) != 0 || stored_load_pairs(s, &r->t) != 0) return EXIT_INTERNAL;
    r->n_file = check_rows(r->file, r->n_file, &r->t, &rej, a->path, &clash);
    if (store_load_decisions(s, &r->old, &r->n_old) != 0) return EXIT_INTERNAL;
    int n_stored = merge_decisions(r);
    if (n_stored < 0) return EXIT_INTERNAL;
    conflict_ctx cc = { r->all, (size_t)n_stored, a->path };
    long conflicts = find_conflicts(&cc, r->n_all);
    if (conflicts < 0) return EXIT_INTERNAL;
    if (conflicts + clash > 0) {
        cli_error("%s: %ld conflicting decisions: nothing recorded (resolve them and review again)", a->path,
                  conflicts + clash);
        return EXIT_INPUT;
    }
    long long next_id;
    char *v = store_meta(s, "next_person_id");
    if (!v) return EXIT_INTERNAL;
    next_id = strtoll(v, NULL, 10);
    free(v);
    int64_t next_out, run;
    if (recluster(r, next_id, &next_out) != 0) return EXIT_INTERNAL;
    cli_out out = { 0 };
    if (a->changes && cli_out_open(&out, a->changes) != 0) return EXIT_INPUT;
    if (review_events(s, r, rej.rejected, &run) != 0 || stored_apply_persons(s, &r->t, r->person, r->kept, next_out) != 0 ||
        store_commit(s) != 0) {
        if (a->changes) cli_out_abort(&out);
        return EXIT_INTERNAL;
    }
    if (a->changes) {
        write_changes(out.f, &r->t, r->ch, r->nc);
        if (cli_out_commit(&out) != 0) return EXIT_INPUT;
    }
    size_t ruled = 0, matches = 0;
    for (size_t p = 0; p < r->t.np; p++) ruled += !r->kept[p];
    for (size_t j = 0; j < r->n_file; j++) matches += (size_t)r->file[j].match;
    if (!a->quiet)
        fprintf(stderr,
                "review %s: %zu decisions recorded (%zu match, %zu not_match), %zu rejected; %zu decisions in the"
                " store, %zu pairs ruled out, %zu person changes (run %" PRId64 ")\n",
                a->store_path, r->n_file, matches, r->n_file - matches, rej.rejected, r->n_all, ruled, r->nc, run);
    return EXIT_OK;
}

int cmd_review(int argc, char **argv)
{
    cli_opts o;
    const char *changes = NULL;
    store_opt ex[] = { { "--changes", &changes, NULL } };
    int p = store_parse_args(argc, argv, &o, REVIEW_USAGE, ex, 1);
    if (p) return p > 0 ? EXIT_OK : EXIT_INPUT;
    if (o.n_lists != 2) return cli_error("review takes a store and a decisions file (see --help)"), EXIT_INPUT;
    review_args a = { o.lists[0], o.lists[1], changes, o.quiet };
    store s;
    if (store_open(&s, a.store_path, STORE_WRITE) != 0) return EXIT_INPUT;
    review_state r;
    memset(&r, 0, sizeof r);
    int rc = review_run(&a, &s, &r);
    if (rc != EXIT_OK) store_rollback(&s);
    review_free(&r);
    store_close(&s);
    return rc;
}

/* ---- history ---- */

static int history_write(store *s, FILE *f, int64_t person, size_t *rows)
{
    static const char SQL[] =
        "SELECT r.at, e.run_id, r.command, e.kind, e.person_id, e.source, e.id, e.other_person_id,"
        " e.other_source, e.other_id, e.note FROM events e JOIN runs r ON r.run_id = e.run_id"
        " WHERE e.eid IN (SELECT eid FROM events WHERE person_id = ?1"
        "                 UNION SELECT eid FROM events WHERE other_person_id = ?1)"
        " ORDER BY e.eid";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, SQL, -1, &st, NULL) != SQLITE_OK)
        return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), -1;
    sqlite3_bind_int64(st, 1, person);
    fputs("at,run,command,event,person_id,source,id,other_person_id,other_source,other_id,note\n", f);
    int rc;
    *rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int k = 0; k < 11; k++) {
            if (k) fputc(',', f);
            if (sqlite3_column_type(st, k) == SQLITE_INTEGER)
                fprintf(f, "%" PRId64, (int64_t)sqlite3_column_int64(st, k));
            else cli_csv_field(f, (const char *)sqlite3_column_text(st, k));
        }
        fputc('\n', f);
        ++*rows;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0;
    return cli_error("%s: %s", s->path, sqlite3_errmsg(s->db)), -1;
}

/* 1 when an event names the person (a store upgraded from format 1 knows only
 * the persons of its updates since). */
static int person_known(store *s, int64_t person)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT 1 FROM events WHERE person_id = ?1 UNION ALL"
                           " SELECT 1 FROM events WHERE other_person_id = ?1 LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, person);
    int known = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return known;
}

int cmd_history(int argc, char **argv)
{
    cli_opts o;
    int p = store_parse_args(argc, argv, &o, HISTORY_USAGE, NULL, 0);
    if (p) return p > 0 ? EXIT_OK : EXIT_INPUT;
    if (o.n_lists != 2) return cli_error("history takes a store and a person id (see --help)"), EXIT_INPUT;
    char *end;
    long long person = strtoll(o.lists[1], &end, 10);
    if (*end || end == o.lists[1] || person <= 0)
        return cli_error("history: the person id is a whole number above 0, not '%s'", o.lists[1]), EXIT_INPUT;
    store s;
    if (store_open(&s, o.lists[0], STORE_READ) != 0) return EXIT_INPUT;
    cli_out out;
    size_t rows = 0;
    int rc = sqlite3_exec(s.db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? EXIT_OK : EXIT_INTERNAL;
    if (rc == EXIT_OK && !person_known(&s, person)) {
        cli_error("%s: no person %lld in the store's history", s.path, person);
        rc = EXIT_INPUT;
    }
    if (rc == EXIT_OK && cli_out_open(&out, o.output) != 0) rc = EXIT_INPUT;
    else if (rc == EXIT_OK && history_write(&s, out.f, person, &rows) != 0) {
        cli_out_abort(&out);
        rc = EXIT_INTERNAL;
    } else if (rc == EXIT_OK && cli_out_commit(&out) != 0) {
        rc = EXIT_INPUT;
    }
    store_rollback(&s);
    store_close(&s);
    return rc;
}
