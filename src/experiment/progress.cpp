#include "mentorsim/experiment/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <sstream>

namespace mentorsim::experiment {
namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr double kTerminalInterval = 0.2;
constexpr double kLineInterval = 10.0;
constexpr int kBarWidth = 24;

}  // namespace

bool stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && !(term != nullptr && std::strcmp(term, "dumb") == 0);
}

Progress::Progress(std::ostream& out, bool terminal, std::uint64_t total, std::string unit, std::uint64_t done,
                   std::uint64_t line_every, Clock clock)
    : out_(out),
      terminal_(terminal),
      total_(total),
      unit_(std::move(unit)),
      done_(done),
      start_done_(done),
      line_every_(line_every > 0 ? line_every : std::max<std::uint64_t>(1, total / 20)),
      last_line_done_(done),
      clock_(clock ? std::move(clock) : Clock(steady_seconds)) {
  start_ = clock_();
  // A terminal shows the first unit at once; a log waits for line_every units or 10 s.
  last_draw_ = terminal_ ? start_ - 1.0 : start_;
}

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return std::to_string(s) + " s";
  char buffer[32];
  if (s < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", s / 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  }
  return buffer;
}

std::uint64_t Progress::done() const {
  const std::lock_guard lock(mutex_);
  return done_;
}

void Progress::advance(std::uint64_t units) {
  const std::lock_guard lock(mutex_);
  done_ = std::min(total_, done_ + units);
  const double now = clock_();
  if (terminal_) {
    if (now - last_draw_ >= kTerminalInterval || done_ == total_) draw(false);
  } else if (done_ < total_ && (done_ - last_line_done_ >= line_every_ || now - last_draw_ >= kLineInterval)) {
    draw(false);
  }
}

void Progress::finish() {
  const std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::abandon() {
  const std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (terminal_ && drawn_width_ > 0) out_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
}

void Progress::draw(bool final) {
  const double now = clock_();
  last_draw_ = now;
  last_line_done_ = done_;
  const double elapsed = now - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done_ - start_done_) / elapsed : 0.0;
  const double left = rate > 0 ? static_cast<double>(total_ - done_) / rate : NAN;
  std::ostringstream rate_text;
  rate_text.precision(rate >= 100 ? 0 : (rate >= 10 ? 1 : 2));
  rate_text << std::fixed << rate;
  const int percent = total_ > 0 ? static_cast<int>(100 * done_ / total_) : 100;
  std::ostringstream line;
  if (terminal_) {
    const int filled = total_ > 0 ? static_cast<int>(kBarWidth * done_ / total_) : kBarWidth;
    line << '\r' << '[' << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kBarWidth - filled), '.') << "] " << done_ << '/' << total_ << ' '
         << unit_ << "  " << rate_text.str() << ' ' << unit_ << "/s  ";
    line << (final ? "in " + format_duration(elapsed) : "ETA " + format_duration(left)) << "   ";
    drawn_width_ = line.str().size() - 1;  // without the '\r'
    if (final) line << '\n';
  } else {
    line << "progress: " << done_ << '/' << total_ << ' ' << unit_ << " (" << percent << " %), " << rate_text.str()
         << ' ' << unit_ << "/s, " << (final ? "done in " + format_duration(elapsed) : "ETA " + format_duration(left))
         << '\n';
  }
  out_ << line.str() << std::flush;
}

}  // namespace mentorsim::experiment
