/*
 * reader_source.h -- the byte stream under the CSV tokenizer (stage 1, read):
 * a file descriptor or a memory buffer, transparently inflated when it starts
 * with the gzip magic bytes 1f 8b (RFC 1952 section 2.3.1), whatever its name.
 * Internal: not API.
 */
#ifndef WL_READER_SOURCE_H
#define WL_READER_SOURCE_H

#include <stddef.h>

#include <zlib.h>

/* A gzip list is inflated on a second thread into a small ring of buffers while
 * the tokenizer reads the previous ones (inflate costs about half as much as
 * tokenizing and interning together, and the second core is idle while a list is
 * read). The bytes and their order are the same as inflating in line. */
enum { WL_SRC_RING = 4 };
typedef struct wl_inflater wl_inflater;

typedef struct {
    /* raw bytes: from fd when mem is NULL */
    int fd;
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    int raw_eof;
    /* gzip: inflate over a raw input buffer */
    int gz;
    int z_live;       /* inflateInit2 done */
    int z_member_end; /* the last member ended cleanly */
    z_stream zs;
    unsigned char *zin;
    size_t zin_cap;
    /* bytes peeked to detect the magic, replayed before the rest */
    unsigned char peek[2];
    size_t peek_len, peek_pos;
    long long raw_bytes; /* compressed/raw bytes consumed, for benchmarks */
    wl_inflater *bg;     /* the inflating thread, when started */
    /* UTF-16 input transcoded to UTF-8: 1 little-endian, 2 big-endian */
    int u16, u16_eof;
    char *u16_buf;
    size_t u16_len, u16_pos, u16_cap;
} wl_source;

enum { WL_SRC_OK = 0, WL_SRC_IO = -1, WL_SRC_TRUNCATED = -2, WL_SRC_CORRUPT = -3, WL_SRC_NOMEM = -4 };

/** Starts reading fd (not closed by the source). @return WL_SRC_OK or an error. */
int wl_source_open_fd(wl_source *s, int fd);
/**
 * Moves inflation of a gzip source to a background thread (no-op for plain
 * sources; falls back to inflating in line when the thread cannot start).
 * Call before the first wl_source_read.
 */
void wl_source_background(wl_source *s);
/** Starts reading data[0..len) (not copied: must outlive the source). */
int wl_source_open_mem(wl_source *s, const void *data, size_t len);
void wl_source_close(wl_source *s);

/**
 * Reads up to cap decompressed bytes into buf (cap >= 4 once UTF-16 is on: a
 * character may take 4 bytes).
 * @return the number of bytes (0 only at the end of the stream), or a negative
 *         WL_SRC_* error (truncated or corrupt gzip, read error).
 */
long wl_source_read(wl_source *s, char *buf, size_t cap);

/**
 * Transcodes the rest of the stream from UTF-16 (after its byte order mark) to
 * UTF-8 (RFC 2781): pending[0..n) are UTF-16 bytes already read, decoded first.
 * Unpaired surrogates and a dangling odd byte come out as the byte FF, which
 * the row check rejects as invalid UTF-8.
 * @return WL_SRC_OK or WL_SRC_NOMEM.
 */
int wl_source_utf16(wl_source *s, int big_endian, const char *pending, size_t n);

/** @return a short description of a WL_SRC_* error. */
const char *wl_source_strerror(int code);

#endif /* WL_READER_SOURCE_H */
