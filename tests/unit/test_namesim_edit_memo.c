/* test_namesim_edit_memo.c -- the per-thread memo of the script-cost
 * similarity (namesim.c edit_similarity) answers only its own script and
 * spellings: a Latin part against a part read from another script scores
 * what name_edit.c prices for them, asked twice in each order of walking the
 * pairs, with every spelling of a side sharing one canonical spelling (so
 * spellings of one length meet in one slot), the same two spellings under
 * each script (their canonical hashes set so that the scripts meet in one
 * slot too), and lengths 3 to 17 (bytes, 4-byte and 8-byte words, too long
 * to keep). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/common.h"
#include "normalise/name.h"
#include "compare/name_edit.h"
#include "compare/namesim.h"

static char g_text[1 << 12];
static wl_features g_f;

static uint32_t put_text(const char *s)
{
    size_t n = strlen(s);
    assert_true(g_f.text_len + n + 1 <= sizeof g_text);
    uint32_t off = (uint32_t)g_f.text_len;
    memcpy(g_text + off, s, n + 1);
    g_f.text_len += n + 1;
    return off;
}

/* One part spelled `text`, canonically `canon`, read from `script`. */
static wl_fpart part(const char *text, const char *canon, int script)
{
    wl_fpart p;
    memset(&p, 0, sizeof p);
    p.str = put_text(text);
    p.canon = put_text(canon);
    p.len = (uint8_t)strlen(text);
    p.canon_len = (uint8_t)strlen(canon);
    p.h_canon = wl_hash(canon, strlen(canon));
    p.h_skel = wl_hash_seed(text, strlen(text), 7); /* no skeleton agreement */
    p.freq = 10;
    p.script = (uint32_t)script;
    return p;
}

static void test_edit_memo_answers_its_own_spellings(void **state)
{
    (void)state;
    static const char *const lat[] = { "ali", "aly", "omar", "omer", "ahmad", "ahmed", "husain", "hussin",
                                       "ibrahim", "ebrahim", "mohammed", "muhammad", "abdulrahmana",
                                       "abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq" };
    static const char *const rd[] = { "ali", "alii", "umar", "amar", "ahmat", "akhmed", "gusein", "husein",
                                      "ibragim", "ibrakhim", "mukhammed", "magomed", "abdurakhmana",
                                      "abcdefghijklmnop", "abcdefghijklmnoz", "abcdefghijklmnopz" };
    static const int scripts[] = { WL_SCRIPT_CYRILLIC, WL_SCRIPT_ARABIC, WL_SCRIPT_HANGUL };
    const size_t nl = sizeof lat / sizeof lat[0], nr = sizeof rd / sizeof rd[0];
    memset(&g_f, 0, sizeof g_f);
    g_f.text = g_text;
    g_f.text_cap = sizeof g_text;
    g_f.n = 1000;
    size_t asked = 0;
    /* rounds 0-3: the scripts innermost (one pair of spellings under each in
     * turn); 4-7: one script for a whole sweep (spellings in turn) */
    for (int round = 0; round < 8; round++)
        for (size_t t = 0; t < nl * nr * 3; t++) {
            size_t k = round < 4 ? t % 3 : t / (nl * nr), uv = round < 4 ? t / 3 : t % (nl * nr);
            size_t u = uv / nr, v = uv % nr;
            size_t i = round % 4 < 2 ? u : v % nl, j = round % 4 < 2 ? v : u % nr;
            int script = scripts[(k + (size_t)round) % 3];
            g_f.text_len = 0;
            wl_fpart a = part(lat[i], "xqxqzv", WL_SCRIPT_LATIN), b = part(rd[j], "yqyqzw", script);
            b.h_canon = UINT64_C(0x9E3779B97F4A7C15) - (uint64_t)script; /* every script in one slot */
            double want = wl_name_edit_similarity(script, lat[i], strlen(lat[i]), rd[j], strlen(rd[j]));
            if (want < 0.0) continue; /* no table: the Jaro-Winkler path, not this memo */
            wl_namesim s;
            wl_name_similarity(&g_f, &a, 1, &b, 1, &s);
            assert_true(s.score == (float)want);
            asked++;
        }
    assert_true(asked > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_memo_answers_its_own_spellings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
