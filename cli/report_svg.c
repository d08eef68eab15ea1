/* report_svg.c -- escaping, fixed number formatting and the inline SVG charts
 * of the HTML report (report.h). Charts are plain shapes and text styled by
 * the report's stylesheet (classes, no inline colours), each with a <title>
 * per mark so a reader hovering a bar sees its value without any script.
 * Coordinates are printed with one decimal, values with fixed digits: the
 * same numbers give the same bytes. */
#include <math.h>
#include <string.h>

#include "report.h"

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (n < 2) return 0;
    unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range (RFC 3629, section 4) */
    if (c == 0xE0) lo = 0xA0;
    else if (c == 0xED) hi = 0x9F;
    else if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < n; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    return n;
}

void rp_esc(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        size_t n;
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\t': case '\n': case '\r': fputc(*p, f); break;
        default:
            if (*p >= 0x20 && *p < 0x7F) {
                fputc(*p, f);
            } else if (*p >= 0x80 && (n = utf8_len(p)) != 0) {
                fwrite(p, 1, n, f);
                p += n;
                continue;
            } else { /* a control character or a byte that is not UTF-8: U+FFFD */
                fputs("\xEF\xBF\xBD", f);
            }
        }
        p++;
    }
}

/* v with `decimals` digits into buf; "-0.00" is zero, printed "0.00", so a sign
 * never flips with rounding noise. */
static const char *fmt_num(char *buf, size_t cap, double v, int decimals)
{
    if (isnan(v)) return "nan";
    if (isinf(v)) return v < 0 ? "-inf" : "inf";
    snprintf(buf, cap, "%.*f", decimals, v);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) memmove(buf, buf + 1, strlen(buf));
    return buf;
}

void rp_num(FILE *f, double v, int decimals)
{
    char buf[64];
    fputs(fmt_num(buf, sizeof buf, v, decimals), f);
}

/* ---- coordinates and scales ---- */

static void px(FILE *f, double v) { rp_num(f, v, 1); }

typedef struct {
    double lo, hi, a, b; /* maps [lo, hi] onto [a, b] */
} scale;

static double at(const scale *s, double v)
{
    if (s->hi <= s->lo) return s->a;
    return s->a + (v - s->lo) / (s->hi - s->lo) * (s->b - s->a);
}

/* A tick step of 1, 2 or 5 times a power of ten giving about `ticks` ticks
 * (the "nice numbers" of Heckbert, Graphics Gems, 1990). */
static double nice_step(double range, int ticks)
{
    if (!(range > 0)) return 1;
    double raw = range / ticks, p = pow(10, floor(log10(raw))), r = raw / p;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * p;
}

static void svg_open(FILE *f, const char *aria, double w, double h)
{
    fputs("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"", f);
    rp_esc(f, aria);
    fputs("\" width=\"", f);
    px(f, w);
    fputs("\" height=\"", f);
    px(f, h);
    fputs("\" viewBox=\"0 0 ", f);
    px(f, w);
    fputc(' ', f);
    px(f, h);
    fputs("\">\n", f);
}

static void line(FILE *f, const char *cls, double x1, double y1, double x2, double y2)
{
    fprintf(f, "<line class=\"%s\" x1=\"", cls);
    px(f, x1);
    fputs("\" y1=\"", f);
    px(f, y1);
    fputs("\" x2=\"", f);
    px(f, x2);
    fputs("\" y2=\"", f);
    px(f, y2);
    fputs("\"/>\n", f);
}

/* A text element; anchor is start, middle or end. */
static void text(FILE *f, const char *cls, double x, double y, const char *anchor, const char *s)
{
    fprintf(f, "<text class=\"%s\" x=\"", cls);
    px(f, x);
    fputs("\" y=\"", f);
    px(f, y);
    fprintf(f, "\" text-anchor=\"%s\">", anchor);
    rp_esc(f, s);
    fputs("</text>\n", f);
}

static void text_num(FILE *f, const char *cls, double x, double y, const char *anchor, double v,
                     int decimals)
{
    char buf[64];
    text(f, cls, x, y, anchor, fmt_num(buf, sizeof buf, v, decimals));
}

/* A rectangle spanning x1..x2, y1..y2 in any order, with a hover title. */
static void rect(FILE *f, const char *cls, double x1, double y1, double x2, double y2,
                 const char *title, double value, int decimals)
{
    double x = fmin(x1, x2), y = fmin(y1, y2), w = fabs(x2 - x1), h = fabs(y2 - y1);
    fprintf(f, "<rect class=\"%s\" x=\"", cls);
    px(f, x);
    fputs("\" y=\"", f);
    px(f, y);
    fputs("\" width=\"", f);
    px(f, w);
    fputs("\" height=\"", f);
    px(f, h);
    fputs("\"><title>", f);
    rp_esc(f, title);
    fputs(": ", f);
    rp_num(f, value, decimals);
    fputs("</title></rect>\n", f);
}

/* Vertical ticks and labels of a horizontal value axis, with grid lines. */
static void x_ticks(FILE *f, const scale *s, double y_top, double y_bottom, int decimals)
{
    double step = nice_step(s->hi - s->lo, 6);
    for (double v = ceil(s->lo / step) * step; v <= s->hi + step * 1e-9; v += step) {
        double x = at(s, v);
        line(f, "grid", x, y_top, x, y_bottom);
        text_num(f, "tick", x, y_bottom + 14, "middle", fabs(v) < step * 1e-9 ? 0 : v, decimals);
    }
}

static void y_tick(FILE *f, const scale *s, double x_left, double x_right, double v, double shown,
                   int decimals)
{
    double y = at(s, v);
    line(f, "grid", x_left, y, x_right, y);
    text_num(f, "tick", x_left - 4, y + 4, "end", shown, decimals);
}

/* Horizontal grid lines and labels of a vertical axis. On a log scale the axis
 * holds log10(1 + count) and the ticks are the counts 0, 1, 10, 100... */
static void y_ticks(FILE *f, const scale *s, double x_left, double x_right, int log_y)
{
    if (log_y) {
        y_tick(f, s, x_left, x_right, 0, 0, 0);
        for (double c = 1; log10(1 + c) <= s->hi; c *= 10) y_tick(f, s, x_left, x_right, log10(1 + c), c, 0);
        return;
    }
    double step = nice_step(s->hi - s->lo, 5);
    for (double v = ceil(s->lo / step) * step; v <= s->hi + step * 1e-9; v += step)
        y_tick(f, s, x_left, x_right, v, fabs(v) < step * 1e-9 ? 0 : v, step >= 1 ? 0 : 2);
}

/* ---- charts ---- */

enum { ROW = 18, GROUP_GAP = 8 };

static double rows_height(const rp_bar *b, size_t n)
{
    double h = 0;
    for (size_t k = 0; k < n && k < RP_MAX_BARS; k++) {
        if (k == 0 || strcmp(b[k].group, b[k - 1].group)) h += ROW + GROUP_GAP;
        h += ROW;
    }
    return h;
}

/* Shared layout of the two bar-per-level charts: a group heading row when the
 * field changes, then one row per level. @return the y of each bar row. */
static void rows_layout(FILE *f, const rp_bar *b, size_t n, double top, double label_x, double *y)
{
    double cur = top;
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || strcmp(b[k].group, b[k - 1].group)) {
            cur += GROUP_GAP;
            text(f, "group", 4, cur + 13, "start", b[k].group);
            cur += ROW;
        }
        text(f, "label", label_x, cur + 13, "end", b[k].label);
        y[k] = cur;
        cur += ROW;
    }
}

void rp_svg_hbars(FILE *f, const char *aria, const char *x_title, const rp_bar *b, size_t n,
                  int decimals)
{
    const double W = 720, L = 170, R = 680, T = 6;
    double lo = 0, hi = 0;
    for (size_t k = 0; k < n; k++) {
        if (isfinite(b[k].value)) lo = fmin(lo, b[k].value), hi = fmax(hi, b[k].value);
    }
    if (hi - lo < 1) hi = lo + 1;
    /* room for the value printed beyond each bar's end */
    double pad = (hi - lo) * 0.1;
    lo -= lo < 0 ? pad : 0;
    hi += hi > 0 ? pad : 0;
    double H = T + rows_height(b, n) + 36;
    scale s = { lo, hi, L, R };
    svg_open(f, aria, W, H);
    x_ticks(f, &s, T, H - 32, 0);
    text(f, "axis-title", (L + R) / 2, H - 2, "middle", x_title);
    double y[RP_MAX_BARS];
    if (n > RP_MAX_BARS) n = RP_MAX_BARS;
    rows_layout(f, b, n, T, L - 6, y);
    for (size_t k = 0; k < n; k++) {
        double v = isfinite(b[k].value) ? b[k].value : 0;
        char title[160];
        snprintf(title, sizeof title, "%s %s", b[k].group, b[k].label);
        rect(f, v < 0 ? "bar-neg" : "bar-pos", at(&s, 0), y[k] + 3, at(&s, v), y[k] + ROW - 3,
             title, b[k].value, decimals);
        double xv = at(&s, v) + (v < 0 ? -3 : 3);
        text_num(f, "value", xv, y[k] + 13, v < 0 ? "end" : "start", b[k].value, decimals);
    }
    line(f, "zero", at(&s, 0), T, at(&s, 0), H - 32);
    fputs("</svg>\n", f);
}

void rp_svg_mu(FILE *f, const char *aria, const rp_bar *b, const double *u, size_t n)
{
    const double W = 720, L = 170, R = 540, T = 24;
    double H = T + rows_height(b, n) + 36;
    scale s = { 0, 1, L, R };
    svg_open(f, aria, W, H);
    x_ticks(f, &s, T, H - 32, 1);
    text(f, "axis-title", (L + R) / 2, H - 2, "middle", "probability of the level");
    rect(f, "bar-m", L, 6, L + 12, 16, "m", 1, 0); /* the legend */
    text(f, "label", L + 16, 15, "start", "m: P(level | same person)");
    rect(f, "bar-u", L + 200, 6, L + 212, 16, "u", 1, 0);
    text(f, "label", L + 216, 15, "start", "u: P(level | different persons)");
    double y[RP_MAX_BARS];
    if (n > RP_MAX_BARS) n = RP_MAX_BARS;
    rows_layout(f, b, n, T, L - 6, y);
    for (size_t k = 0; k < n; k++) {
        char title[160];
        snprintf(title, sizeof title, "%s %s m", b[k].group, b[k].label);
        rect(f, "bar-m", at(&s, 0), y[k] + 2, at(&s, b[k].value), y[k] + 8, title, b[k].value, 6);
        snprintf(title, sizeof title, "%s %s u", b[k].group, b[k].label);
        rect(f, "bar-u", at(&s, 0), y[k] + 9, at(&s, u[k]), y[k] + 15, title, u[k], 6);
        char buf[80];
        snprintf(buf, sizeof buf, "m %.4f  u %.6f", b[k].value, u[k]);
        text(f, "value", R + 6, y[k] + 13, "start", buf);
    }
    fputs("</svg>\n", f);
}

void rp_svg_columns(FILE *f, const rp_columns *c)
{
    const double W = 720, H = 280, L = 64, R = 700, T = 24, B = 230;
    double hi = 1;
    for (size_t k = 0; k < c->n; k++) {
        double v = c->log_y ? log10(1 + c->value[k]) : c->value[k];
        hi = fmax(hi, v);
    }
    scale ys = { 0, hi, B, T };
    scale xs = { c->x0, c->x0 + (double)c->n * c->dx, L, R };
    svg_open(f, c->aria, W, H);
    y_ticks(f, &ys, L, R, c->log_y);
    if (!c->labels) {
        x_ticks(f, &xs, T, B, c->dx < 1 ? 1 : 0);
    } else {
        for (size_t k = 0; k < c->n; k++)
            text(f, "tick", at(&xs, c->x0 + ((double)k + 0.5) * c->dx), B + 14, "middle", c->labels[k]);
    }
    for (size_t k = 0; k < c->n; k++) {
        double x1 = at(&xs, c->x0 + (double)k * c->dx), x2 = at(&xs, c->x0 + (double)(k + 1) * c->dx);
        double v = c->log_y ? log10(1 + c->value[k]) : c->value[k];
        char title[96];
        if (c->labels) snprintf(title, sizeof title, "%s", c->labels[k]);
        else snprintf(title, sizeof title, "%.2f to %.2f", c->x0 + (double)k * c->dx,
                      c->x0 + (double)(k + 1) * c->dx);
        rect(f, "bar-col", x1 + 0.5, at(&ys, 0), x2 - 0.5, at(&ys, v), title, c->value[k], 0);
    }
    line(f, "axis", L, B, R, B);
    if (c->has_marker && c->marker_x >= xs.lo && c->marker_x <= xs.hi) {
        double x = at(&xs, c->marker_x);
        line(f, "marker", x, T - 6, x, B);
        int right = x > (L + R) / 2; /* the label on the side with room */
        text(f, "marker-label", right ? x - 4 : x + 4, T - 10 + 12, right ? "end" : "start",
             c->marker_label ? c->marker_label : "");
    }
    text(f, "axis-title", (L + R) / 2, H - 14, "middle", c->x_title);
    fputs("<text class=\"axis-title\" transform=\"translate(14 127) rotate(-90)\" text-anchor=\"middle\">", f);
    rp_esc(f, c->y_title);
    fputs("</text>\n</svg>\n", f);
}

void rp_svg_lines(FILE *f, const rp_lines *c)
{
    const double W = 720, H = 280, L = 64, R = 600, T = 16, B = 230;
    double lo = c->n ? c->x[0] : 0, hi = c->n ? c->x[c->n - 1] : 1;
    if (hi <= lo) hi = lo + 1;
    scale xs = { lo, hi, L, R }, ys = { 0, 1, B, T };
    svg_open(f, c->aria, W, H);
    y_ticks(f, &ys, L, R, 0);
    x_ticks(f, &xs, T, B, 2);
    line(f, "axis", L, B, R, B);
    for (size_t s = 0; s < c->n_series; s++) {
        fprintf(f, "<polyline class=\"series s%zu\" points=\"", s);
        for (size_t k = 0; k < c->n; k++) {
            if (k) fputc(' ', f);
            px(f, at(&xs, c->x[k]));
            fputc(',', f);
            px(f, at(&ys, c->y[s][k]));
        }
        fputs("\"><title>", f);
        rp_esc(f, c->name[s]);
        fputs("</title></polyline>\n", f);
        double ly = T + 14 + 18 * (double)s;
        char cls[32];
        snprintf(cls, sizeof cls, "key s%zu", s);
        line(f, cls, R + 12, ly - 4, R + 32, ly - 4);
        text(f, "label", R + 36, ly, "start", c->name[s]);
    }
    double x = at(&xs, c->marker_x);
    line(f, "marker", x, T, x, B);
    text(f, "axis-title", (L + R) / 2, H - 14, "middle", c->x_title);
    fputs("</svg>\n", f);
}

void rp_svg_waterfall(FILE *f, const char *aria, const char *const *label, const double *step,
                      size_t n, double final_weight, double probability)
{
    const double W = 720, H = 250, L = 56, R = 710, T = 24, B = 180;
    double cum = 0, lo = 0, hi = 0;
    for (size_t k = 0; k < n; k++) {
        cum += step[k];
        lo = fmin(lo, cum), hi = fmax(hi, cum);
    }
    lo = fmin(lo, final_weight), hi = fmax(hi, final_weight);
    if (hi - lo < 1) hi = lo + 1;
    double pad = (hi - lo) * 0.08; /* room for the values above and below the bars */
    scale ys = { lo - (lo < 0 ? pad : 0), hi + (hi > 0 ? pad : 0), B, T };
    double col = (R - L) / (double)(n + 1);
    svg_open(f, aria, W, H);
    y_ticks(f, &ys, L, R, 0);
    line(f, "zero", L, at(&ys, 0), R, at(&ys, 0));
    cum = 0;
    for (size_t k = 0; k <= n; k++) {
        int last = k == n;
        double from = last ? 0 : cum, to = last ? final_weight : cum + step[k];
        double x1 = L + col * (double)k + 6, x2 = L + col * (double)(k + 1) - 6, xm = (x1 + x2) / 2;
        const char *cls = last ? "bar-final" : k == 0 ? "bar-prior" : to < from ? "bar-neg" : "bar-pos";
        const char *name = last ? "final" : label[k];
        double v = last ? final_weight : step[k];
        rect(f, cls, x1, at(&ys, from), x2, at(&ys, to), name, v, 2);
        /* the connector to the next bar shows where it starts */
        if (!last) line(f, "connector", x2, at(&ys, to), x2 + 12, at(&ys, to));
        double ytext = to >= from ? at(&ys, to) - 4 : at(&ys, to) + 12;
        text_num(f, "value", xm, ytext, "middle", v, 2);
        fprintf(f, "<text class=\"tick\" transform=\"translate(");
        px(f, xm + 4);
        fputc(' ', f);
        px(f, B + 16);
        fputs(") rotate(-30)\" text-anchor=\"end\">", f);
        rp_esc(f, name);
        fputs("</text>\n", f);
        if (!last) cum = to;
    }
    char buf[96];
    snprintf(buf, sizeof buf, "final weight %.2f bits: probability %.6f", final_weight, probability);
    text(f, "axis-title", L, 14, "start", buf);
    fputs("<text class=\"axis-title\" transform=\"translate(14 102) rotate(-90)\" text-anchor=\"middle\">"
          "bits</text>\n</svg>\n", f);
}
