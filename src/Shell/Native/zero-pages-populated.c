/* The binary's zero-initialised pages, mapped in one call before the runtime starts.
 *
 * Why: at every start the .NET runtime writes its type data (1.7 MB for this binary, the `.hydrated` section, the
 * last part of the executable's zero-initialised segment) one 4 KiB page after another, and each first touch of a
 * page is a page fault. At 128 MB (7.2% of a CPU) every millisecond of CPU counts, and a fault is costly where
 * memory is virtualised: on the bench machine (a Firecracker microVM, as Lambda's are) ~10 us each, 360 of them,
 * half the faults of the start. Mapping the same pages with MAP_POPULATE costs about half as much for all of them
 * (docs/figures.md).
 *
 * What: a constructor that runs before every other constructor of the executable (priority 101, which sorts before
 * the runtime's C++ constructors: seen first in .init_array of both built binaries) and before main, so nothing has
 * written these pages yet: they are the whole
 * pages past the file-backed part of the executable's writable segment, which hold zeros only. (The dynamic
 * loader writes only into file-backed data, the binary has no copy relocations: tools/build-layer.sh checks.)
 * They are replaced by fresh zero pages, populated. One path on every kernel: MADV_POPULATE_WRITE would keep the
 * contents but needs Linux 5.14, and Lambda's kernel is 5.10.
 *
 * If the populated mapping cannot be made, the same pages are mapped again without populating (what the kernel
 * had), so a failure costs only the saving; if even that fails the process cannot go on and says so. */
#define _GNU_SOURCE
#include <link.h>
#include <sys/mman.h>
#include <stdint.h>
#include <unistd.h>

static const char no_zero_pages[] =
    "[loki-lambda-extension] ERROR cannot map the binary's zero-initialised pages at start\n";

static int populate_main_program(struct dl_phdr_info *program, size_t size, void *unused)
{
    (void)size;
    (void)unused;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < program->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &program->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_W) || segment->p_memsz <= segment->p_filesz)
            continue;
        uintptr_t at = program->dlpi_addr + segment->p_vaddr;
        uintptr_t start = (at + segment->p_filesz + page - 1) & ~(page - 1);
        uintptr_t end = (at + segment->p_memsz + page - 1) & ~(page - 1);
        if (end <= start)
            continue;
        int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
        if (mmap((void *)start, end - start, PROT_READ | PROT_WRITE, flags | MAP_POPULATE, -1, 0) != MAP_FAILED)
            continue;
        if (mmap((void *)start, end - start, PROT_READ | PROT_WRITE, flags, -1, 0) == MAP_FAILED) {
            (void)!write(2, no_zero_pages, sizeof no_zero_pages - 1);
            _exit(70);
        }
    }
    return 1; /* the main program is the first one listed: stop there */
}

__attribute__((constructor(101))) static void populate_zero_pages(void)
{
    dl_iterate_phdr(populate_main_program, 0);
}
