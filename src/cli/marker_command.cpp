// `scarmap marker`: a printable calibration sticker sheet.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "scarmap/calibration/marker.hpp"
#include "scarmap/io/output.hpp"

namespace scarmap::cli {

CommandRunner AddMarkerCommand(CLI::App& app) {
  auto o = std::make_shared<MarkerSheetOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "marker", "Write a printable sheet of calibration markers to stick next to the scar");
  cmd->add_option("--out", *out, "Output file: .svg (exact at any printer) or .png")->required();
  cmd->add_option("--mm", o->side_mm, "Printed side of each marker in mm (default 10)");
  cmd->add_option("--dpi", o->dpi, "Resolution of a .png sheet (default 600)");
  cmd->add_option("--dict", o->dictionary, "ArUco dictionary (default DICT_4X4_50)");
  cmd->add_option("--id", o->marker_id, "Marker id within the dictionary (default 0)");
  cmd->add_option("--copies", o->copies, "Stickers on the sheet (default 6)");
  return [o, out]() -> int {
    try {
      o->Check();
    } catch (const std::exception& e) {
      std::cerr << "scarmap marker: " << e.what() << "\n";
      return kExitUsage;
    }
    const std::filesystem::path path(*out);
    const std::string ext = path.extension().string();
    if (ext == ".svg") {
      WriteFileAtomic(path, RenderMarkerSheetSvg(*o));
    } else if (ext == ".png") {
      WriteImageAtomic(path, RenderMarkerSheetPng(*o));
    } else {
      std::cerr << "scarmap marker: --out must end in .svg or .png\n";
      return kExitUsage;
    }
    std::cerr << "scarmap: wrote " << *out << ". Print at 100 % (no fit-to-page) and check the "
              << "ruler line with a real ruler.\n";
    return kExitOk;
  };
}

}  // namespace scarmap::cli
