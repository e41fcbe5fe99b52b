#include <stdio.h>
int main(int argc, char **argv) { (void)argc; (void)argv; printf("nestvm %s\n", NESTVM_VERSION); return 0; }
