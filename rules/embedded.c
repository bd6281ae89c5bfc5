/*
 * The rules schema and the default rules file, built into the binary so
 * that mcg needs no data files at run time (common/embed.h says how).
 */
#include "rules.h"

#include "embed.h"

__asm__(
	"	.section .rodata\n"
	MCG_EMBED("mcg_rules_xsd", "rules/rules.xsd")
	MCG_EMBED("mcg_rules_default_xml", "rules/default.xml")
	"	.previous\n"
);
