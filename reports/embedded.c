/*
 * The schemas of the documents mcg writes, built into the binary so that
 * every document can be validated before it is signed, and every document
 * verified, with no data files at run time (common/embed.h says how).
 */
#include "reports.h"

#include "embed.h"

__asm__(
	"	.section .rodata\n"
	MCG_EMBED("mcg_statement_xsd", "reports/statement.xsd")
	MCG_EMBED("mcg_member_statement_xsd", "reports/member_statement.xsd")
	MCG_EMBED("mcg_regulatory_xsd", "reports/regulatory.xsd")
	"	.previous\n"
);
