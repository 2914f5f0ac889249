#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "server/core/logging.hpp"

int main(int argc, char** argv) {
  gadehold::core::setup_logging("warn");
  doctest::Context context(argc, argv);
  return context.run();
}
