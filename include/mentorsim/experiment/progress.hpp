#pragma once
// Progress of long commands (sweep, power, run). On a terminal: one line redrawn in place, at most five
// times a second, with a bar, the work done, the rate and the time left. Otherwise (a log file, a
// batch job): one plain line every `line_every` units or every 10 seconds, whichever comes first, so
// logs stay readable.

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

namespace mentorsim::experiment {

class Progress {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic

  // `total` units of `unit` ("runs", "weeks"); `done` of them were already done before (a resume):
  // they count toward the bar but not toward the rate. line_every = 0 picks about 5 % of the total.
  Progress(std::ostream& out, bool terminal, std::uint64_t total, std::string unit, std::uint64_t done = 0,
           std::uint64_t line_every = 0, Clock clock = {});
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Thread-safe.
  void advance(std::uint64_t units = 1);
  // The last line (on a terminal, ends the redrawn line).
  void finish();
  // Ends without a last line, for a command that fails: on a terminal the redrawn line is cleared,
  // so that the error message that follows starts on a clean line; in a log nothing more is written.
  void abandon();
  [[nodiscard]] std::uint64_t done() const;

  // "1:02:03" or "4:05" or "12 s".
  static std::string format_duration(double seconds);

 private:
  void draw(bool final);
  std::ostream& out_;
  bool terminal_;
  std::uint64_t total_;
  std::string unit_;
  std::uint64_t done_;
  std::uint64_t start_done_;
  std::uint64_t line_every_;
  std::uint64_t last_line_done_;
  Clock clock_;
  double start_;
  double last_draw_;
  bool finished_ = false;
  std::size_t drawn_width_ = 0;  // on a terminal: characters of the line drawn last (0: none)
  mutable std::mutex mutex_;
};

// True if standard error is a terminal (and TERM is not "dumb").
bool stderr_is_terminal();

}  // namespace mentorsim::experiment
