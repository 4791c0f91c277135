/* The newswire executable: everything lives in the core library. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return nw_cli_main(argc, argv);
}
