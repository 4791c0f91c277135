/*
 * The byte-splat table of splat.h: every byte value 32 times over (8 KB,
 * of which a loop touches the few lines of its constants).
 */
#include "enrichers/splat.h"

#define NW_SPLAT_ROW(b)                                                                            \
    {                                                                                              \
        b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b,  \
            b, b                                                                                   \
    }
#define NW_SPLAT_4(b)                                                                              \
    NW_SPLAT_ROW(b), NW_SPLAT_ROW((b) + 1), NW_SPLAT_ROW((b) + 2), NW_SPLAT_ROW((b) + 3)
#define NW_SPLAT_16(b) NW_SPLAT_4(b), NW_SPLAT_4((b) + 4), NW_SPLAT_4((b) + 8), NW_SPLAT_4((b) + 12)
#define NW_SPLAT_64(b)                                                                             \
    NW_SPLAT_16(b), NW_SPLAT_16((b) + 16), NW_SPLAT_16((b) + 32), NW_SPLAT_16((b) + 48)

_Alignas(32) const unsigned char nw_splat[256][32] = {NW_SPLAT_64(0), NW_SPLAT_64(64),
                                                      NW_SPLAT_64(128), NW_SPLAT_64(192)};
