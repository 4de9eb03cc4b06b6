// consumer PHOTO PX_PER_MM: analyses PHOTO through the installed library's facade, from the file
// and from a decoded cv::Mat, checks they agree, and prints the report JSON.
#include <scarmap/scarmap.hpp>

#include <iostream>
#include <string>

#include <opencv2/imgcodecs.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer PHOTO PX_PER_MM\n";
    return 2;
  }
  if (std::string(scarmap::kVersion) != SCARMAP_PACKAGE_VERSION) {
    std::cerr << "header version " << scarmap::kVersion << " != package version "
              << SCARMAP_PACKAGE_VERSION << "\n";
    return 1;
  }
  scarmap::AnalysisOptions options;
  options.px_per_mm = std::stod(argv[2]);
  try {
    scarmap::AnalysisOptions bad = options;
    bad.margin_mm = -1.0;
    bad.Check();
    std::cerr << "invalid options were accepted\n";
    return 1;
  } catch (const scarmap::Error&) {
    // expected: the library's exception type crosses into the program
  }

  const scarmap::Report from_file = scarmap::Analyze(argv[1], options);
  scarmap::Report from_mat = scarmap::Analyze(cv::imread(argv[1]), options, argv[1]);
  from_mat.image.sha256 = from_file.image.sha256;  // only known from the file
  from_mat.image.format = from_file.image.format;
  if (scarmap::ToJson(from_mat) != scarmap::ToJson(from_file)) {
    std::cerr << "the cv::Mat and the file give different reports\n";
    return 1;
  }
  std::cout << scarmap::ToJson(from_file);
  return from_file.status.ok() ? 0 : 1;
}
