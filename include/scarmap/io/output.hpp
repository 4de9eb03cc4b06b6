// Safe output writing: atomic files, confinement to the output folder, unique stems.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

namespace scarmap {

/// Writes `bytes` to `path` atomically: a temporary file `.tmp.<name>.<pid>.<n>` in the same
/// folder (created exclusively, so never through a link), flushed, then renamed over `path`
/// (which replaces a symbolic link there instead of following it). Throws scarmap::Error on
/// failure (the target is left untouched). A process killed mid-write leaves only the temporary.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view bytes);

/// True for the name of a WriteFileAtomic temporary (".tmp.*").
bool IsAtomicTemporaryName(std::string_view file_name);

/// Removes the WriteFileAtomic temporaries directly inside `folder` (left by a killed process;
/// call it only while holding the folder's FolderLock). Returns how many were removed.
int RemoveStaleTemporaries(const std::filesystem::path& folder);

/// An exclusive advisory lock (flock) on a folder for the object's lifetime: two scarmap runs
/// never write into one output folder at once. The kernel releases it when the process ends,
/// even by SIGKILL. Taking it changes nothing on disk.
class FolderLock {
 public:
  /// Throws scarmap::Error when the folder cannot be opened or another process holds the lock.
  explicit FolderLock(const std::filesystem::path& folder);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

/// Encodes `image` as PNG (or JPEG by extension) and writes it atomically. Throws Error.
void WriteImageAtomic(const std::filesystem::path& path, const cv::Mat& image,
                      const std::vector<int>& params = {});

/// The batch output folder. Every output path is built from a sanitised stem inside it, so no
/// input name can escape the folder (no "..", separators, or symlinks followed out of it).
class OutputFolder {
 public:
  /// Creates the folder when missing. Throws Error when it cannot be created or is not a folder.
  explicit OutputFolder(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }

  /// Assigns stable unique stems for a batch: inputs are sorted, and a stem that repeats gets a
  /// suffix from its parent folders or a counter ("a", "a__sub", "a-2"). Same inputs -> same stems.
  static std::map<std::filesystem::path, std::string> AssignStems(
      const std::vector<std::filesystem::path>& inputs);

  /// Path of `<stem><suffix>` inside the folder (e.g. suffix ".json", ".mask.png"). Throws Error
  /// when the result would not be a plain file name directly inside the folder.
  std::filesystem::path PathFor(const std::string& stem, std::string_view suffix) const;

 private:
  std::filesystem::path root_;
};

/// Reduces a file stem to a safe name: no separators, no leading dots, control characters and
/// bytes that are not valid UTF-8 replaced by '_', at most 120 bytes, never empty.
std::string SanitizeStem(std::string_view stem);

}  // namespace scarmap
