/*
 * Files built into the binary, so that mcg needs no data files at run
 * time (rules/embedded.c, reports/embedded.c).
 *
 * The GNU assembler's .incbin copies each file's bytes into .rodata at
 * build time (paths are relative to the repository root, the compiler's
 * working directory; the Makefile lists the files as dependencies of the
 * object that embeds them).  Each blob is followed by a NUL so that it is
 * also a C string, and its length (without the NUL) is computed by the
 * assembler as the difference of two labels, so it needs no relocation.
 * Symbols defined in assembly carry no AddressSanitizer redzones, which
 * is fine: nothing here is ever written, and readers use the lengths.
 *
 * Use inside a top-level __asm__ between ".section .rodata" and
 * ".previous"; declare the symbols in C as
 *   extern const char SYM[]; extern const size_t SYM_len;
 */
#ifndef MCG_EMBED_H
#define MCG_EMBED_H

#include <stddef.h>

_Static_assert(sizeof(size_t) == 8,
	       "MCG_EMBED emits the lengths with .quad (64-bit size_t)");

#define MCG_EMBED(sym, path)                                         \
	"	.globl " sym "\n"                                    \
	"	.type " sym ", @object\n"                            \
	"	.balign 16\n"                                        \
	sym ":\n"                                                    \
	"	.incbin \"" path "\"\n"                              \
	".L" sym "_end:\n"                                           \
	"	.byte 0\n"                                           \
	"	.size " sym ", . - " sym "\n"                        \
	"	.globl " sym "_len\n"                                \
	"	.type " sym "_len, @object\n"                        \
	"	.balign 8\n"                                         \
	sym "_len:\n"                                                \
	"	.quad .L" sym "_end - " sym "\n"                     \
	"	.size " sym "_len, 8\n"

#endif
