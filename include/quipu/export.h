// QUIPU_EXPORT marks what libquipu.so exports: the C and C++ API of the
// headers in include/quipu/, nothing of the engine inside. The library is
// compiled with hidden visibility (CMakeLists.txt), so a declaration without
// it stays inside the library. The same scheme as LevelDB's
// include/leveldb/export.h.
#ifndef QUIPU_EXPORT_H_
#define QUIPU_EXPORT_H_

#if defined(_WIN32)
#define QUIPU_EXPORT
#else
#define QUIPU_EXPORT __attribute__((visibility("default")))
#endif

#endif  // QUIPU_EXPORT_H_
