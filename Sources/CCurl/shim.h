#ifndef GUICHET_CCURL_SHIM_H
#define GUICHET_CCURL_SHIM_H

#include <curl/curl.h>

/*
 * curl_easy_setopt / curl_easy_getinfo are variadic C functions, which Swift cannot call.
 * These typed static inline wrappers give Swift one non-variadic entry point per argument type.
 */

/// Callback types used by the Swift side (kept identical to libcurl's typedefs).
typedef size_t (*guichet_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*guichet_curl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                                              curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode guichet_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode guichet_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode guichet_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode guichet_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode guichet_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode guichet_curl_setopt_write_callback(CURL *handle, CURLoption option,
                                                          guichet_curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode guichet_curl_setopt_xferinfo_callback(CURL *handle,
                                                             guichet_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}

static inline CURLcode guichet_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode guichet_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode guichet_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif /* GUICHET_CCURL_SHIM_H */
