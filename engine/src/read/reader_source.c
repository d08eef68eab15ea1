/* reader_source.c -- raw or gzip byte stream for the reader (see reader_source.h).
 * gzip is recognised by its magic bytes, not by the file name, and inflated with
 * zlib; concatenated members are read in turn as gzip(1) does (RFC 1952 2.2). */
#include "read/reader_source.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ZIN_CAP = 256 * 1024 };

static long bg_read(wl_inflater *b, char *out, size_t cap);
static void bg_stop(wl_source *s);

/* Raw bytes: the peeked magic first, then the descriptor or the memory. */
static long raw_read(wl_source *s, unsigned char *buf, size_t cap)
{
    size_t got = 0;
    while (s->peek_pos < s->peek_len && got < cap)
        buf[got++] = s->peek[s->peek_pos++];
    if (got == cap) return (long)got;
    if (s->mem) {
        size_t n = cap - got < s->mem_len - s->mem_pos ? cap - got : s->mem_len - s->mem_pos;
        memcpy(buf + got, s->mem + s->mem_pos, n);
        s->mem_pos += n;
        s->raw_bytes += (long long)n;
        return (long)(got + n);
    }
    for (;;) {
        ssize_t n = read(s->fd, buf + got, cap - got);
        if (n >= 0) {
            s->raw_bytes += n;
            return (long)(got + (size_t)n);
        }
        if (errno != EINTR) return WL_SRC_IO;
    }
}

static int start(wl_source *s)
{
    /* Peek two bytes (a short read may return fewer). */
    unsigned char m[2];
    size_t have = 0;
    while (have < 2) {
        long n = raw_read(s, m + have, 2 - have);
        if (n < 0) return WL_SRC_IO;
        if (n == 0) break;
        have += (size_t)n;
    }
    memcpy(s->peek, m, have);
    s->peek_len = have;
    s->peek_pos = 0;
    s->raw_bytes = 0;
    if (have == 2 && m[0] == 0x1f && m[1] == 0x8b) {
        s->gz = 1;
        s->zin = malloc(ZIN_CAP);
        if (!s->zin) return WL_SRC_NOMEM;
        s->zin_cap = ZIN_CAP;
        memset(&s->zs, 0, sizeof s->zs);
        /* 15 + 16: a gzip wrapper only, maximum window (zlib manual, inflateInit2). */
        if (inflateInit2(&s->zs, 15 + 16) != Z_OK) return WL_SRC_NOMEM;
        s->z_live = 1;
    }
    return WL_SRC_OK;
}

int wl_source_open_fd(wl_source *s, int fd)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    return start(s);
}

int wl_source_open_mem(wl_source *s, const void *data, size_t len)
{
    static const unsigned char empty[1] = {0};
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->mem = data ? data : empty;
    s->mem_len = data ? len : 0;
    return start(s);
}

void wl_source_close(wl_source *s)
{
    if (s->bg) bg_stop(s);
    if (s->z_live) inflateEnd(&s->zs);
    free(s->zin);
    free(s->u16_buf);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

/* Refills the inflate input when it is empty. @return 0 or WL_SRC_IO. */
static int gz_refill(wl_source *s)
{
    if (s->zs.avail_in != 0 || s->raw_eof) return 0;
    long n = raw_read(s, s->zin, s->zin_cap);
    if (n < 0) return WL_SRC_IO;
    if (n == 0) s->raw_eof = 1;
    s->zs.next_in = s->zin;
    s->zs.avail_in = (uInt)n;
    return 0;
}

/* After a member ends: another member follows, or the stream is over. Bytes
 * that do not start a member are ignored, like gzip(1)'s "trailing garbage". */
static int gz_next_member(wl_source *s)
{
    if (s->zs.avail_in == 0) return s->raw_eof ? 0 : 1;
    if (s->zs.next_in[0] != 0x1f) {
        s->zs.avail_in = 0;
        s->raw_eof = 1;
        return 0;
    }
    inflateReset(&s->zs);
    s->z_member_end = 0;
    return 1;
}

static long gz_read(wl_source *s, char *buf, size_t cap)
{
    uInt want = cap > (1u << 30) ? (1u << 30) : (uInt)cap;
    s->zs.next_out = (Bytef *)buf;
    s->zs.avail_out = want;
    while (s->zs.avail_out == want) {
        if (gz_refill(s) != 0) return WL_SRC_IO;
        if (s->z_member_end) {
            if (s->zs.avail_in == 0 && s->raw_eof) return 0;
            if (gz_next_member(s) == 0) return 0;
            continue;
        }
        int rc = inflate(&s->zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            s->z_member_end = 1;
        } else if (rc == Z_BUF_ERROR || rc == Z_OK) {
            /* No progress possible: input ended inside a member. */
            if (s->zs.avail_in == 0 && s->raw_eof && s->zs.avail_out == want) return WL_SRC_TRUNCATED;
        } else if (rc == Z_MEM_ERROR) {
            return WL_SRC_NOMEM;
        } else {
            return WL_SRC_CORRUPT;
        }
    }
    return (long)(want - s->zs.avail_out);
}

/* The decoded byte stream (plain, inflated in line or on the thread). */
static long base_read(wl_source *s, char *buf, size_t cap)
{
    if (s->bg) return bg_read(s->bg, buf, cap);
    if (s->gz) return gz_read(s, buf, cap);
    if (cap > (1u << 30)) cap = 1u << 30;
    return raw_read(s, (unsigned char *)buf, cap);
}

/* ---- UTF-16 text (Excel's "Unicode Text" export) transcoded to UTF-8 ---- */
enum { U16_CAP = 64 * 1024 };

int wl_source_utf16(wl_source *s, int big_endian, const char *pending, size_t n)
{
    s->u16_cap = n > U16_CAP ? n : U16_CAP;
    s->u16_buf = malloc(s->u16_cap);
    if (!s->u16_buf) return WL_SRC_NOMEM;
    memcpy(s->u16_buf, pending, n);
    s->u16_len = n;
    s->u16_pos = 0;
    s->u16 = big_endian ? 2 : 1;
    return WL_SRC_OK;
}

static unsigned u16_unit(const wl_source *s, const unsigned char *p)
{
    return s->u16 == 2 ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

/* Writes code point cp as UTF-8 (RFC 3629); an unpaired surrogate (cp 0) is
 * written as the byte FF, which is never UTF-8, so that row is rejected. */
static size_t put_utf8(unsigned char *o, unsigned long cp)
{
    if (cp == 0) {
        o[0] = 0xFF;
        return 1;
    }
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes one code point from in[0..n) (RFC 2781 section 2.2). @return the
 * bytes used, or 0 when more input is needed (and more may come). A NUL unit
 * becomes a NUL byte, which the row check rejects like any other. */
static size_t u16_decode(const wl_source *s, const unsigned char *in, size_t n, int at_end, unsigned long *cp)
{
    if (n < 2) {
        if (!at_end || n == 0) return 0;
        *cp = 0; /* a dangling odd byte */
        return 1;
    }
    unsigned w1 = u16_unit(s, in);
    if (w1 < 0xD800 || w1 > 0xDFFF) {
        *cp = w1 ? w1 : 0x10FFFFul + 1; /* NUL: see below */
        return 2;
    }
    if (w1 >= 0xDC00) {
        *cp = 0;
        return 2;
    } /* a low surrogate first */
    if (n < 4) {
        if (!at_end) return 0;
        *cp = 0;
        return 2;
    }
    unsigned w2 = u16_unit(s, in + 2);
    if (w2 < 0xDC00 || w2 > 0xDFFF) {
        *cp = 0;
        return 2;
    }
    *cp = 0x10000ul + ((unsigned long)(w1 - 0xD800) << 10) + (w2 - 0xDC00);
    return 4;
}

static long u16_read(wl_source *s, char *buf, size_t cap)
{
    unsigned char *o = (unsigned char *)buf;
    size_t w = 0;
    while (w + 4 <= cap) {
        size_t left = s->u16_len - s->u16_pos;
        if (left < 4 && !s->u16_eof) {
            memmove(s->u16_buf, s->u16_buf + s->u16_pos, left);
            s->u16_len = left;
            s->u16_pos = 0;
            long n = base_read(s, s->u16_buf + left, s->u16_cap - left);
            if (n < 0) return n;
            if (n == 0) s->u16_eof = 1;
            s->u16_len += (size_t)n;
            continue;
        }
        unsigned long cp;
        size_t used = u16_decode(s, (unsigned char *)s->u16_buf + s->u16_pos, left, s->u16_eof, &cp);
        if (used == 0) break; /* the end of the stream */
        s->u16_pos += used;
        if (cp == 0x10FFFFul + 1)
            o[w++] = 0; /* a NUL unit stays a NUL byte */
        else
            w += put_utf8(o + w, cp);
    }
    return (long)w;
}

long wl_source_read(wl_source *s, char *buf, size_t cap)
{
    if (cap == 0) return 0;
    if (s->u16) return cap >= 4 ? u16_read(s, buf, cap) : 0; /* cap >= 4: see header */
    return base_read(s, buf, cap);
}

const char *wl_source_strerror(int code)
{
    switch (code) {
    case WL_SRC_OK:
        return "no error";
    case WL_SRC_IO:
        return "read error";
    case WL_SRC_TRUNCATED:
        return "truncated gzip data (unexpected end of file)";
    case WL_SRC_CORRUPT:
        return "corrupt gzip data";
    case WL_SRC_NOMEM:
        return "out of memory";
    default:
        return "unknown error";
    }
}

/* ---- inflating on a second thread (see reader_source.h) ---- */
enum { RING_BUF = 1 << 20 };

struct wl_inflater {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t changed;
    char *buf[WL_SRC_RING];
    long len[WL_SRC_RING]; /* bytes, 0 at the end, or a WL_SRC_* error */
    size_t head, count;    /* filled buffers, oldest first */
    int stop;              /* the reader is gone: the thread must end */
    size_t pos;            /* bytes of buf[head] already handed out */
};

/* The producer: inflates into the next free buffer until the end, an error, or
 * stop. Only this thread touches the z_stream once it has started. */
static void *inflate_thread(void *arg)
{
    wl_source *s = arg;
    wl_inflater *b = s->bg;
    for (;;) {
        pthread_mutex_lock(&b->mu);
        while (b->count == WL_SRC_RING && !b->stop)
            pthread_cond_wait(&b->changed, &b->mu);
        int stop = b->stop;
        size_t k = (b->head + b->count) % WL_SRC_RING;
        pthread_mutex_unlock(&b->mu);
        if (stop) return NULL;
        long n = gz_read(s, b->buf[k], RING_BUF);
        pthread_mutex_lock(&b->mu);
        b->len[k] = n;
        b->count++;
        pthread_cond_broadcast(&b->changed);
        pthread_mutex_unlock(&b->mu);
        if (n <= 0) return NULL; /* the end or an error: reported once consumed */
    }
}

static void inflater_free(wl_inflater *b)
{
    for (size_t i = 0; i < WL_SRC_RING; i++)
        free(b->buf[i]);
    free(b);
}

void wl_source_background(wl_source *s)
{
    if (!s->gz || s->bg) return;
    wl_inflater *b = calloc(1, sizeof *b);
    if (!b) return;
    for (size_t i = 0; i < WL_SRC_RING; i++)
        if (!(b->buf[i] = malloc(RING_BUF))) {
            inflater_free(b);
            return;
        }
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->changed, NULL);
    s->bg = b;
    if (pthread_create(&b->thread, NULL, inflate_thread, s) != 0) {
        s->bg = NULL; /* inflate in line instead */
        pthread_mutex_destroy(&b->mu);
        pthread_cond_destroy(&b->changed);
        inflater_free(b);
    }
}

/* The consumer: copies from the oldest filled buffer, waiting for one. */
static long bg_read(wl_inflater *b, char *out, size_t cap)
{
    pthread_mutex_lock(&b->mu);
    while (b->count == 0)
        pthread_cond_wait(&b->changed, &b->mu);
    long n = b->len[b->head];
    pthread_mutex_unlock(&b->mu);
    if (n <= 0) return n; /* stays at the head: every later read says the same */
    size_t left = (size_t)n - b->pos, take = left < cap ? left : cap;
    memcpy(out, b->buf[b->head] + b->pos, take);
    b->pos += take;
    if (b->pos == (size_t)n) {
        pthread_mutex_lock(&b->mu);
        b->head = (b->head + 1) % WL_SRC_RING;
        b->count--;
        b->pos = 0;
        pthread_cond_broadcast(&b->changed);
        pthread_mutex_unlock(&b->mu);
    }
    return (long)take;
}

static void bg_stop(wl_source *s)
{
    wl_inflater *b = s->bg;
    pthread_mutex_lock(&b->mu);
    b->stop = 1;
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->mu);
    pthread_join(b->thread, NULL);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->changed);
    inflater_free(b);
    s->bg = NULL;
}
