/* UTF-8 decoding and XML's characters: see utf8.h. */
#include "utf8.h"

size_t mcg_utf8_char(const unsigned char *p, size_t len, unsigned long *v, size_t *bad)
{
	static const unsigned long least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 :
		   p[0] >= 0xE0 && p[0] <= 0xEF ? 3 : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;

	*bad = 1;
	if (n == 0 || n > len)
		return 0;
	*v = n == 1 ? p[0] : p[0] & (0x7Fu >> n);
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		*v = (*v << 6) | (p[k] & 0x3Fu);
	}
	*bad = n;
	if (*v < least[n] || (*v >= 0xD800 && *v <= 0xDFFF) || *v > 0x10FFFF)
		return 0;
	return n;
}

int mcg_xml_char_allowed(unsigned long v)
{
	return v == '\t' || v == '\n' || v == '\r' || (v >= 0x20 && v <= 0xD7FF) ||
	       (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF);
}
