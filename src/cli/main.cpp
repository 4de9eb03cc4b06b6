// PLACEHOLDER: the foundation issue writes the real CLI.
#include <iostream>

#include "scarmap/core/version.hpp"

int main() {
  std::cout << "scarmap " << scarmap::kVersion << "\n";
  return 0;
}
