#pragma once
// Client ids for test writes: a valid UUID per number.
#include <cstdio>
#include <string>

namespace gadehold::test {

inline std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

}  // namespace gadehold::test
