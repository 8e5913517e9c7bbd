// Catch2 entry point for the plancast unit and statistical tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
