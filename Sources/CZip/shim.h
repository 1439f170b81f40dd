#ifndef GUICHET_CZIP_SHIM_H
#define GUICHET_CZIP_SHIM_H

#include <zip.h>

/* libzip's flag macros import with mixed integer types in Swift (ZIP_RDONLY is Int32,
   ZIP_FL_OVERWRITE UInt32). These typed constants give Swift one stable type per use. */
static const int guichet_zip_open_read = ZIP_RDONLY | ZIP_CHECKCONS;
static const int guichet_zip_open_create_new = ZIP_CREATE | ZIP_EXCL;
static const zip_int32_t guichet_zip_cm_deflate = ZIP_CM_DEFLATE;
static const zip_uint64_t guichet_zip_stat_size_valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_NAME;

/* Turns a libzip error code (from zip_open) into a message; the caller copies it. */
static inline const char *guichet_zip_error_string(int code, char *buffer, size_t length) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const char *message = zip_error_strerror(&error);
    snprintf(buffer, length, "%s", message);
    zip_error_fini(&error);
    return buffer;
}

#endif
