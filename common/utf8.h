/*
 * UTF-8 one character at a time, and the characters XML does not allow.
 *
 * Two readers need both: the XML reader (common/xmlsafe.c, linked into
 * mcg-xml only) checks a document's bytes before libxml2 sees them, and
 * the ledger (ledger/apply.c, linked into mcg, which has no libxml2)
 * checks the names it records, since every name ends up in a signed XML
 * document.  Here, apart from libxml2, so that both share one decoder and
 * one list of what XML forbids rather than each keeping its own.
 */
#ifndef MCG_UTF8_H
#define MCG_UTF8_H

#include <stddef.h>

/*
 * The length of the UTF-8 sequence at p (at most len bytes, len >= 1) and
 * its code point in *v; 0 when it is not UTF-8 (RFC 3629: no overlong
 * form, no surrogate, nothing past U+10FFFF), with *bad the number of
 * bytes to name in an error: the lead byte alone when it cannot start a
 * sequence or the sequence is cut short, the whole sequence when it
 * decodes to a value UTF-8 forbids.
 */
size_t mcg_utf8_char(const unsigned char *p, size_t len, unsigned long *v, size_t *bad);

/*
 * 1 when XML 1.0 allows the character v (production Char: tab, line
 * feed, carriage return, U+0020 to U+D7FF, U+E000 to U+FFFD, U+10000 to
 * U+10FFFF), else 0: the other C0 controls, the surrogates, U+FFFE and
 * U+FFFF.  A document holding one is not well-formed, whatever escaping.
 */
int mcg_xml_char_allowed(unsigned long v);

#endif
