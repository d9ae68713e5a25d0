# Writes the prelude's text as a C++ raw string literal.
file(READ ${INPUT} content)
file(WRITE ${OUTPUT} "static const char kPreludeSource[] = R\"dlprelude(${content})dlprelude\";\n")
