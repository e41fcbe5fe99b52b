#include <stdio.h>
int main(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "nestvm-user: not yet\n"); return 2; }
