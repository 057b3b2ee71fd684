#ifndef MUSTER_CCURL_SHIM_H
#define MUSTER_CCURL_SHIM_H
/* Typed wrappers over libcurl's variadic calls, which Swift cannot call directly. */
#include <curl/curl.h>

static inline CURLcode muster_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode muster_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode muster_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
/* The socket of a CURLOPT_CONNECT_ONLY connection (CURLINFO_ACTIVESOCKET), or -1. */
static inline int muster_active_socket(CURL *h) {
    curl_socket_t s = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &s) != CURLE_OK) return -1;
    return (int)s;
}
static inline CURLcode muster_setopt_error_buffer(CURL *h, char *buf) { return curl_easy_setopt(h, CURLOPT_ERRORBUFFER, buf); }

static inline CURLcode muster_setopt_debug_function(CURL *h, int (*f)(CURL *, curl_infotype, char *, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, f);
}
/* Sets a blob option (CURLOPT_CAINFO_BLOB); curl copies the bytes. */
static inline CURLcode muster_setopt_blob(CURL *h, CURLoption o, const void *data, size_t len) {
    struct curl_blob blob;
    blob.data = (void *)data;
    blob.len = len;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(h, o, &blob);
}
/* The CA bundle file libcurl was built to use by default, or NULL. */
static inline const char *muster_default_cainfo(void) {
    curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
    return d ? d->cainfo : NULL;
}
/* The CA directory libcurl was built to use by default, or NULL. */
static inline const char *muster_default_capath(void) {
    curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
    return d ? d->capath : NULL;
}
/* CURLOPT_WRITEFUNCTION: the body of a transfer (an IMAP FETCH, a custom command's untagged replies). */
static inline CURLcode muster_setopt_write_function(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode muster_global_init(void) { return curl_global_init(CURL_GLOBAL_ALL); }

#endif
