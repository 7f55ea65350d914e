// A layering probe: this file is compiled against the libraries of one layer
// only, with QUIPU_PROBE_HEADER naming a header of another layer. The ctest
// entries layering/* (tests/CMakeLists.txt) build it and expect the compiler
// to refuse an include that runs the wrong way, and to accept one that
// follows the layers, so the refusal is known to come from the include.
#include QUIPU_PROBE_HEADER

int QuipuLayeringProbe() { return 0; }
