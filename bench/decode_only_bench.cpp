// Reference for bench/timing.sh: decodes each file given with cv::imread, nothing else.
#include <opencv2/imgcodecs.hpp>

int main(int argc, char** argv) {
  size_t px = 0;
  for (int i = 1; i < argc; ++i) px += cv::imread(argv[i], cv::IMREAD_COLOR).total();
  return px == 0 && argc > 1 ? 1 : 0;
}
