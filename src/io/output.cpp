#include "scarmap/io/output.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <set>

#include <opencv2/imgcodecs.hpp>

#include "scarmap/core/status.hpp"

namespace scarmap {
namespace fs = std::filesystem;

void WriteFileAtomic(const fs::path& path, std::string_view bytes) {
  static std::atomic<unsigned> counter{0};
  const fs::path tmp = path.parent_path() /
                       (".tmp." + path.filename().string() + "." + std::to_string(::getpid()) +
                        "." + std::to_string(counter++));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot create " + tmp.string() + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error("cannot write " + path.string() + ": " + err);
    }
    done += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw Error("cannot flush " + path.string());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw Error("cannot rename into " + path.string() + ": " + err);
  }
}

bool IsAtomicTemporaryName(std::string_view name) { return name.substr(0, 5) == ".tmp."; }

int RemoveStaleTemporaries(const fs::path& folder) {
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (!IsAtomicTemporaryName(it->path().filename().string())) continue;
    std::error_code fec;
    const fs::file_status st = it->symlink_status(fec);
    if (!fec && (fs::is_regular_file(st) || fs::is_symlink(st)) && fs::remove(it->path(), fec))
      ++removed;
  }
  return removed;
}

FolderLock::FolderLock(const fs::path& folder) {
  fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw Error("cannot open folder " + folder.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw Error("another scarmap run is writing into " + folder.string() +
                  "; wait for it to finish or choose another output folder");
    throw Error("cannot lock " + folder.string() + ": " + std::strerror(err));
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

void WriteImageAtomic(const fs::path& path, const cv::Mat& image, const std::vector<int>& params) {
  std::vector<uchar> buf;
  std::string ext = path.extension().string();
  if (ext.empty()) ext = ".png";
  if (!cv::imencode(ext, image, buf, params)) throw Error("cannot encode " + path.string());
  WriteFileAtomic(path, std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

namespace {

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlongs, surrogates or > U+10FFFF),
// 0 when the bytes there are not one.
size_t Utf8SequenceAt(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string SanitizeStem(std::string_view stem) {
  std::string out;
  for (size_t i = 0; i < stem.size();) {
    const unsigned char c = static_cast<unsigned char>(stem[i]);
    const size_t n = Utf8SequenceAt(stem, i);
    if (n == 0 || c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':' || c == '*' ||
        c == '?' || c == '"' || c == '<' || c == '>' || c == '|') {
      out.push_back('_');  // also each byte that is not valid UTF-8: names stay valid text
      i += n == 0 ? 1 : n;
    } else {
      out.append(stem.substr(i, n));
      i += n;
    }
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(out.begin());
  if (out.size() > 120) {
    out.resize(120);
    // Do not leave half a UTF-8 sequence at the end.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  }
  if (out.empty()) out = "image";
  return out;
}

OutputFolder::OutputFolder(const fs::path& root) {
  std::error_code ec;
  if (fs::exists(root, ec) && !fs::is_directory(root, ec))
    throw Error("output path exists and is not a folder: " + root.string());
  fs::create_directories(root, ec);
  if (ec) throw Error("cannot create output folder " + root.string() + ": " + ec.message());
  root_ = fs::canonical(root, ec);
  if (ec) throw Error("cannot resolve output folder " + root.string() + ": " + ec.message());
}

std::map<fs::path, std::string> OutputFolder::AssignStems(const std::vector<fs::path>& inputs) {
  std::vector<fs::path> sorted = inputs;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::map<std::string, std::vector<fs::path>> by_stem;
  for (const fs::path& p : sorted) by_stem[SanitizeStem(p.stem().string())].push_back(p);
  std::map<fs::path, std::string> out;
  std::set<std::string> used;
  // Unique stems first, so a suffixed name never takes a plain one's place.
  for (const auto& [stem, paths] : by_stem)
    if (paths.size() == 1) used.insert(stem);
  for (const auto& [stem, paths] : by_stem) {
    if (paths.size() == 1) {
      out[paths[0]] = stem;
      continue;
    }
    for (size_t i = 0; i < paths.size(); ++i) {
      // Prefer the parent folder's name: "a__sub"; fall back to a counter.
      std::string name = i == 0 ? stem : stem + "__" + SanitizeStem(paths[i].parent_path().filename().string());
      for (int k = 2; used.count(name); ++k) name = stem + "-" + std::to_string(k);
      used.insert(name);
      out[paths[i]] = name;
    }
  }
  return out;
}

fs::path OutputFolder::PathFor(const std::string& stem, std::string_view suffix) const {
  const std::string name = stem + std::string(suffix);
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos || name.front() == '.')
    throw Error("unsafe output name: " + name);
  const fs::path p = root_ / name;
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(p, ec)))
    throw Error("refusing to write through a symbolic link: " + p.string());
  return p;
}

}  // namespace scarmap
