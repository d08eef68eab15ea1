/* pprl_hmac.c -- the keyed hashing of the encoder, through OpenSSL's libcrypto.
 * The issue asks for a well-kept crypto library and no home-made primitive:
 * HMAC-SHA256 (RFC 2104, FIPS 198-1) and ChaCha20 (RFC 8439) come from OpenSSL 3
 * through its EVP interfaces; this file only holds them. */
#include "pprl/pprl.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>

struct wl_pprl_mac {
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx;
};

void wl_pprl_mac_free(wl_pprl_mac *m)
{
    if (!m) return;
    EVP_MAC_CTX_free(m->ctx);
    EVP_MAC_free(m->mac);
    free(m);
}

wl_pprl_mac *wl_pprl_mac_new(const uint8_t *key, size_t len)
{
    wl_pprl_mac *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                            OSSL_PARAM_construct_end() };
    m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    m->ctx = m->mac ? EVP_MAC_CTX_new(m->mac) : NULL;
    if (!m->ctx || !EVP_MAC_init(m->ctx, key, len, params)) {
        wl_pprl_mac_free(m);
        return NULL;
    }
    return m;
}

int wl_pprl_mac_run(wl_pprl_mac *m, const void *p, size_t n, uint8_t out[32])
{
    /* A NULL key re-initialises with the key already set: OpenSSL keeps the
     * inner and outer pads' digest states, so a token costs two SHA-256
     * compressions, not four (hmac_init in providers/implementations/macs). */
    size_t outl = 0;
    if (!EVP_MAC_init(m->ctx, NULL, 0, NULL) || !EVP_MAC_update(m->ctx, p, n) ||
        !EVP_MAC_final(m->ctx, out, &outl, 32) || outl != 32)
        return -1;
    return 0;
}

int wl_pprl_hmac(const uint8_t *key, size_t klen, const void *p, size_t n, uint8_t out[32])
{
    wl_pprl_mac *m = wl_pprl_mac_new(key, klen);
    int rc = m ? wl_pprl_mac_run(m, p, n, out) : -1;
    wl_pprl_mac_free(m);
    return rc;
}

int wl_pprl_stream(const uint8_t key[32], uint8_t *out, size_t n)
{
    static const uint8_t iv[16] = { 0 }; /* each key is used for one stream only */
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int ok = c && EVP_EncryptInit_ex(c, EVP_chacha20(), NULL, key, iv);
    memset(out, 0, n);
    for (size_t done = 0; ok && done < n;) {
        int chunk = (int)WL_MIN(n - done, (size_t)1 << 20), outl = 0;
        ok = EVP_EncryptUpdate(c, out + done, &outl, out + done, chunk) && outl == chunk;
        done += (size_t)chunk;
    }
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : -1;
}

void wl_pprl_hex(const uint8_t *p, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[p[i] >> 4];
        out[2 * i + 1] = hx[p[i] & 15];
    }
    out[2 * n] = '\0';
}
