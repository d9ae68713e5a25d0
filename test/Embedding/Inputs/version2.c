/* A library with a manifest of another version (model-errors.test). The
 * symbol has the name of the manifest's type, hence the assembler label. */
#include "dl/model.h"

DL_EXPORT const dl_model_manifest manifest __asm__("dl_model_manifest") = {
    2, 0, NULL, 0, NULL, "version2.dl"};
