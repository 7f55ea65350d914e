// jemalloc's options for the programs that link it (the shell and the
// benchmarks; allocator/CMakeLists.txt): jemalloc reads this symbol before
// the first allocation. MALLOC_CONF in the environment still overrides it.
//
// thp:always asks for transparent huge pages on the allocator's memory
// (Debian's kernels enable them on request, "madvise"). A load allocates
// hundreds of MiB of sorted facts, term tables and file entries and frees
// them at its end; with 4 KiB pages the kernel took a fault on each (180,000
// for 1M facts, a fifth of the load's time in this virtual machine), with
// huge pages 7,000: the 1M-fact row load of the compare harness 4.5-5.0 s ->
// 3.3-3.5 s. The price is resident memory in 2 MiB steps: the shell opens a
// small database in 41 MiB instead of 21 (docs/benchmarks.md, "Allocator").
extern "C" {
// NOLINTNEXTLINE(readability-identifier-naming): jemalloc's name.
extern const char* malloc_conf;
const char* malloc_conf = "thp:always";
}
