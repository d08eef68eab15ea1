/*
 * Replay driver for fuzz targets built without libFuzzer (zstd's tests/fuzz and
 * utf8proc do the same): every file named on the command line, or found in a
 * directory named there, is fed to LLVMFuzzerTestOneInput. Then each input is
 * mutated with a fixed seed (bit flips, byte insertions, truncations, splices) so
 * that the sanitizer run sees more than the stored corpus, reproducibly.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MUTATIONS_PER_INPUT = 300, MAX_INPUT = 1 << 20 };

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_rand(void)
{
    /* splitmix64: tiny, seeded, the same on every machine. */
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
    static const uint8_t interesting[] = { 0, '"', ',', '\n', '\r', '\t', ';', '|', '/', '-',
                                           '<', 0x80, 0xC3, 0xE0, 0xEF, 0xFF, '0', '9' };
    int steps = 1 + (int)(next_rand() % 4);
    for (int s = 0; s < steps; s++) {
        size_t pos = len ? (size_t)(next_rand() % len) : 0;
        switch (next_rand() % 5) {
        case 0: if (len) buf[pos] ^= (uint8_t)(1u << (next_rand() % 8)); break;
        case 1: if (len) buf[pos] = interesting[next_rand() % sizeof interesting]; break;
        case 2:
            if (len < cap) {
                memmove(buf + pos + 1, buf + pos, len - pos);
                buf[pos] = interesting[next_rand() % sizeof interesting];
                len++;
            }
            break;
        case 3: len = pos; break;
        default:
            if (len && len * 2 <= cap) { /* duplicate a slice: long fields, many rows */
                size_t n = len - pos;
                memcpy(buf + len, buf + pos, n);
                len += n;
            }
            break;
        }
    }
    return len;
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "replay: cannot open %s\n", path); return 1; }
    uint8_t *buf = malloc(MAX_INPUT * 2);
    if (!buf) { fclose(f); return 1; }
    size_t len = fread(buf, 1, MAX_INPUT, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    uint8_t *work = malloc(MAX_INPUT * 2);
    if (!work) { free(buf); return 1; }
    for (int m = 0; m < MUTATIONS_PER_INPUT; m++) {
        memcpy(work, buf, len);
        size_t n = mutate(work, len, MAX_INPUT * 2);
        /* Copy to an exact-size heap block so ASan catches any over-read. */
        uint8_t *exact = malloc(n ? n : 1);
        if (!exact) break;
        memcpy(exact, work, n);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    free(work);
    free(buf);
    return 0;
}

static int run_path(const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st) != 0) { fprintf(stderr, "replay: no such path %s\n", path); return 1; }
    if (!S_ISDIR(st.st_mode)) { (*count)++; return run_file(path); }
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, alphasort); /* sorted: reproducible order */
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char full[4096];
            snprintf(full, sizeof full, "%s/%s", path, names[i]->d_name);
            rc |= run_path(full, count);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0, count = 0;
    for (int i = 1; i < argc; i++) rc |= run_path(argv[i], &count);
    if (count == 0) { fprintf(stderr, "replay: no corpus inputs\n"); return 1; }
    printf("replay: %d inputs, %d mutations each: no crash\n", count, MUTATIONS_PER_INPUT);
    return rc;
}
