/* The test switch of core/cpu.h. */
#include "core/cpu.h"

unsigned nw_cpu_masked;

unsigned nw_cpu_mask(unsigned features)
{
    unsigned was = nw_cpu_masked;
    nw_cpu_masked = features;
    return was;
}
