#include "testing/cli_run.hpp"

#include <sys/wait.h>

#include <cstdio>

namespace scarmap::testing {

CliRun Scarmap(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(SCARMAP_BINARY) + " " + args + " 2>&1 </dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace scarmap::testing
