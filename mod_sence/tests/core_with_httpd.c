/* Never built successfully: the ctest core_without_httpd compiles this with the core's include
 * paths and expects the compiler to complain that httpd.h is not found. */
#include "util.h"
#include <httpd.h>
