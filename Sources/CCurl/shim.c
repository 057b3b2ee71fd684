/* The wrappers live in include/shim.h; this file gives the target a translation unit. */
#include "shim.h"
