//===- Progress.cpp - a progress bar for training loops -------------------===//
//
// On a terminal, one line redrawn in place ('\r', then spaces over what the
// previous, longer line left); in a log file, where '\r' would pile up
// into one unreadable line, a plain line every `interval` seconds. Output
// goes straight to the file descriptor with write(2): no stdio buffer
// holds it back, and the caller's stdio state is not touched. Failing to
// write progress never fails training, so errors are ignored.
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "TextBuffer.h"
#include "dl/training.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <new>
#include <unistd.h>

using namespace dlrt;

struct dl_progress {
  TextBuffer label;
  int fd = 2;
  bool bar = false;
  double interval = 10;
  timespec start{};
  /// The last state reported.
  int64_t done = 0, total = 0;
  double loss = NAN, seconds = 0;
  /// When the last line was drawn; negative before the first.
  double lastDraw = -1;
  /// The length of the bar line on the screen, to blank what is left of a
  /// longer one.
  size_t shownLength = 0;
  TextBuffer line;
};

namespace {

constexpr int BarWidth = 30;
/// Redraws of the bar at most this often: a terminal that is redrawn
/// thousands of times a second slows the training down.
constexpr double BarRedrawSeconds = 0.1;

double secondsSince(const timespec &start) {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return double(now.tv_sec - start.tv_sec) +
         double(now.tv_nsec - start.tv_nsec) * 1e-9;
}

void writeAll(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    data += n;
    size -= size_t(n);
  }
}

/// "0:04", "12:30", "1:02:03".
void appendDuration(TextBuffer &text, double seconds) {
  int64_t whole = int64_t(seconds + 0.5);
  int64_t hours = whole / 3600, minutes = whole / 60 % 60, rest = whole % 60;
  if (hours) {
    text.appendInt(hours);
    text.appendChar(':');
    if (minutes < 10)
      text.appendChar('0');
  }
  text.appendInt(minutes);
  text.appendChar(':');
  if (rest < 10)
    text.appendChar('0');
  text.appendInt(rest);
}

/// "850.3", "12.3k", "1.2M".
void appendRate(TextBuffer &text, double rate) {
  if (rate >= 1e6) {
    text.appendFixed(rate / 1e6, 1);
    text.appendChar('M');
  } else if (rate >= 1e3) {
    text.appendFixed(rate / 1e3, 1);
    text.appendChar('k');
  } else {
    text.appendFixed(rate, 1);
  }
}

/// The part after the counts: rate, ETA (or the time taken), loss.
void appendStatus(TextBuffer &text, const dl_progress &p, bool finished) {
  bool known = p.seconds > 0 && p.done > 0 && std::isfinite(p.seconds);
  double rate = known ? double(p.done) / p.seconds : 0;
  text.appendChar(' ');
  if (known)
    appendRate(text, rate);
  else
    text.append("-");
  text.append(" samples/s");
  if (finished) {
    text.append(" in ");
    appendDuration(text, p.seconds);
  } else if (p.total > 0) {
    text.append(" ETA ");
    if (known && p.done <= p.total)
      appendDuration(text, double(p.total - p.done) / rate);
    else
      text.append("-:--");
  }
  if (!std::isnan(p.loss)) {
    text.append(" loss ");
    text.appendFixed(p.loss, 4);
  }
}

void draw(dl_progress &p, bool finished) {
  TextBuffer &text = p.line;
  text.clear();
  if (p.bar) {
    text.appendChar('\r');
    text.append(p.label.data(), p.label.size());
    if (p.total > 0) {
      int64_t done = p.done < p.total ? (p.done > 0 ? p.done : 0) : p.total;
      int filled = int(done * BarWidth / p.total);
      text.append(p.label.size() ? " [" : "[");
      for (int i = 0; i < BarWidth; ++i)
        text.appendChar(i < filled ? '=' : i == filled ? '>' : ' ');
      text.append("] ");
    } else if (p.label.size()) {
      text.appendChar(' ');
    }
  } else {
    text.append(p.label.data(), p.label.size());
    if (p.label.size())
      text.append(": ");
  }
  text.appendInt(p.done);
  if (p.total > 0) {
    text.appendChar('/');
    text.appendInt(p.total);
    if (!p.bar) {
      text.append(" (");
      text.appendFixed(100.0 * double(p.done) / double(p.total), 1);
      text.append("%)");
    }
  } else {
    text.append(" samples");
  }
  appendStatus(text, p, finished);
  if (p.bar) {
    size_t length = text.size();
    for (size_t i = length; i < p.shownLength; ++i)
      text.appendChar(' ');
    p.shownLength = length;
  }
  if (!p.bar || finished)
    text.appendChar('\n');
  if (!text.failed())
    writeAll(p.fd, text.data(), text.size());
  p.lastDraw = p.seconds;
}

} // namespace

extern "C" {

dl_status dl_progress_create(const char *label,
                             const dl_progress_options *options,
                             dl_progress **out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_progress_create: null result");
  *out = nullptr;
  dl_progress *p = new (std::nothrow) dl_progress();
  if (!p)
    return setError(DL_ERROR_OUT_OF_MEMORY, "dl_progress_create: out of memory");
  int style = DL_PROGRESS_AUTO;
  if (options) {
    memcpy(&style, &options->style, sizeof(style));
    p->fd = options->fd;
    if (options->interval >= 0 && std::isfinite(options->interval))
      p->interval = options->interval;
  }
  if (style != DL_PROGRESS_AUTO && style != DL_PROGRESS_BAR &&
      style != DL_PROGRESS_LINES) {
    delete p;
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_progress_create: invalid style (%d)", style);
  }
  p->bar = style == DL_PROGRESS_BAR ||
           (style == DL_PROGRESS_AUTO && isatty(p->fd));
  if (label)
    p->label.append(label);
  if (p->label.failed()) {
    delete p;
    return setError(DL_ERROR_OUT_OF_MEMORY, "dl_progress_create: out of memory");
  }
  clock_gettime(CLOCK_MONOTONIC, &p->start);
  *out = p;
  return DL_OK;
}

void dl_progress_update_at(dl_progress *progress, int64_t done, int64_t total,
                           double loss, double seconds) {
  if (!progress)
    return;
  progress->done = done;
  progress->total = total;
  progress->loss = loss;
  progress->seconds = seconds;
  // The bar shows up at once; log lines come after a whole interval.
  bool first = progress->lastDraw < 0;
  double since = seconds - (first ? 0 : progress->lastDraw);
  bool due = progress->bar ? first || since >= BarRedrawSeconds
                           : since >= progress->interval;
  if (due)
    draw(*progress, false);
}

void dl_progress_update(dl_progress *progress, int64_t done, int64_t total,
                        double loss) {
  if (progress)
    dl_progress_update_at(progress, done, total, loss,
                          secondsSince(progress->start));
}

void dl_progress_finish(dl_progress *progress) {
  if (!progress)
    return;
  draw(*progress, true);
  delete progress;
}

} // extern "C"
