/*
 * The schemas of the documents mcg writes, built into the binary so that
 * every document can be validated before it is signed, and every document
 * verified, with no data files at run time.
 *
 * As in rules/embedded.c: the GNU assembler's .incbin copies each file's
 * bytes into .rodata at build time (paths relative to the repository
 * root, the compiler's working directory; the Makefile lists the reports XSDs
 * as dependencies of this object).  Each blob is followed by a NUL so it
 * is also a C string, and its length (without the NUL) is the difference
 * of two labels, computed by the assembler.
 */
#include "reports.h"

_Static_assert(sizeof(size_t) == 8,
	       "the lengths below are emitted with .quad (64-bit size_t)");

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

__asm__(
	"	.section .rodata\n"
	MCG_EMBED("mcg_statement_xsd", "reports/statement.xsd")
	MCG_EMBED("mcg_member_statement_xsd", "reports/member_statement.xsd")
	MCG_EMBED("mcg_regulatory_xsd", "reports/regulatory.xsd")
	"	.previous\n"
);
